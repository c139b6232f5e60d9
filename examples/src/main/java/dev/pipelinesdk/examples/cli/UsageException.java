package dev.pipelinesdk.examples.cli;

/** Bad command-line usage: the message is one line naming the problem; exit code {@value ExitCodes#USAGE}. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
