package dev.pipelinesdk.redis.internal;

import dev.pipelinesdk.api.StateBackendException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import java.time.Duration;
import java.util.Locale;

/**
 * Turns Lettuce exceptions into {@link StateBackendException}s whose message names the operation,
 * the masked location and the reason, never the password (the cause chain is replaced by a
 * redacted copy when any of its messages contains it).
 */
public final class RedisFailures {

    private final RedisUrl url;
    private final Duration commandTimeout;

    /**
     * @param url            where Redis is
     * @param commandTimeout the command timeout, for messages
     */
    public RedisFailures(RedisUrl url, Duration commandTimeout) {
        this.url = url;
        this.commandTimeout = commandTimeout;
    }

    /**
     * @param operation what was attempted ("acquire the lease of 'stops'")
     * @param e         what Lettuce threw
     * @return the exception to throw
     */
    public StateBackendException operationFailed(String operation, RuntimeException e) {
        if (e instanceof StateBackendException sbe) {
            return sbe;
        }
        if (isAuthFailure(e)) {
            return authFailed(operation, e);
        }
        String reason;
        if (e instanceof RedisCommandTimeoutException) {
            reason = "no reply within the command timeout of " + commandTimeout.toMillis() + " ms";
        } else if (e instanceof RedisCommandInterruptedException) {
            reason = "interrupted while waiting for the reply";
        } else if (String.valueOf(e.getMessage()).contains("Currently not connected")) {
            reason = "not connected (the connection was lost; reconnecting in the background)";
        } else if (e instanceof RedisCommandExecutionException) {
            reason = "Redis answered: " + e.getMessage();
        } else {
            reason = describe(e);
        }
        return new StateBackendException("Could not " + operation + " at " + url.masked() + ": " + url.redact(reason),
                safe(e));
    }

    /**
     * @param operation what the connection was needed for
     * @param e         why connecting failed
     * @return the exception to throw
     */
    public StateBackendException connectFailed(String operation, RuntimeException e) {
        if (isAuthFailure(e)) {
            return authFailed(operation, e);
        }
        String reason = describe(rootCause(e));
        if (reason.contains("HandshakeHandler not registered")) {
            reason = "the connection was closed during the handshake (a wrong password, or TLS to a plain port?)";
        }
        return new StateBackendException("Could not connect to Redis at " + url.hostPort() + " (database "
                + url.database() + (url.tls() ? ", TLS" : "") + ") to " + operation + ": " + url.redact(reason),
                safe(e));
    }

    /**
     * @param operation what was attempted
     * @return the exception for a backend that was closed
     */
    public StateBackendException closed(String operation) {
        return new StateBackendException("Could not " + operation + ": the Redis state backend for " + url.masked()
                + " is closed");
    }

    private StateBackendException authFailed(String operation, RuntimeException e) {
        String detail = url.hasPassword()
                ? "authentication failed (check the " + (url.username() == null ? "" : "user name and ")
                        + "password in REDIS_URL)"
                : "authentication failed: the server requires a password and REDIS_URL has none"
                        + " (write redis://:password@host:port)";
        return new StateBackendException("Redis at " + url.hostPort() + " rejected the connection: " + detail
                + " [while trying to " + operation + "; server said: " + url.redact(serverMessage(e)) + "]", safe(e));
    }

    /** @return {@code true} when Redis refused the credentials (NOAUTH, WRONGPASS, AUTH failed) */
    static boolean isAuthFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toUpperCase(Locale.ROOT);
            if (m.contains("NOAUTH") || m.contains("WRONGPASS") || m.contains("AUTH FAILED")
                    || m.contains("INVALID PASSWORD") || m.contains("AUTHENTICATION REQUIRED")
                    || m.contains("INVALID USERNAME-PASSWORD")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String serverMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RedisCommandExecutionException) {
                String m = String.valueOf(t.getMessage());
                int comma = m.indexOf(',');
                return comma > 0 && m.startsWith("NOAUTH") ? m.substring(0, comma) : m;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return String.valueOf(rootCause(e).getMessage());
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    /** @return {@code e}, or a redacted copy of its chain when a message in it contains the password */
    private Throwable safe(Throwable e) {
        boolean leaks = false;
        for (Throwable t = e; t != null && !leaks; t = t.getCause() == t ? null : t.getCause()) {
            leaks = url.leaks(t.getMessage()) || url.leaks(t.toString());
        }
        return leaks ? Redacted.copyOf(e, url) : e;
    }

    /** A stand-in for an exception whose message contained the password. */
    static final class Redacted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private Redacted(String message, Throwable cause) {
            super(message, cause);
        }

        static Redacted copyOf(Throwable e, RedisUrl url) {
            Throwable next = e.getCause() == null || e.getCause() == e ? null : copyOf(e.getCause(), url);
            Redacted r = new Redacted(e.getClass().getName() + ": " + url.redact(e.getMessage()), next);
            r.setStackTrace(e.getStackTrace());
            return r;
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
