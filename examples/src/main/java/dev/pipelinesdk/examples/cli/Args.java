package dev.pipelinesdk.examples.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The command and its options: {@code COMMAND [--name value | --name=value | --flag]...}. */
final class Args {
    private final String command;
    private final Map<String, String> options;

    private Args(String command, Map<String, String> options) {
        this.command = command;
        this.options = options;
    }

    /**
     * @param args     the command line
     * @param commands the known commands and, for each, its options that take a value and its flags
     */
    static Args parse(String[] args, Map<String, Spec> commands, String defaultCommand) {
        List<String> rest = new ArrayList<>(List.of(args));
        String command = defaultCommand;
        if (!rest.isEmpty() && !rest.get(0).startsWith("-")) {
            command = rest.remove(0);
        } else if (!rest.isEmpty() && (rest.get(0).equals("--help") || rest.get(0).equals("-h"))) {
            command = "help";
            rest.remove(0);
        }
        Spec spec = commands.get(command);
        if (spec == null) {
            throw new UsageException("unknown command \"" + command + "\"; expected one of " + String.join(", ", commands.keySet()));
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException(command + ": unexpected argument \"" + arg + "\"" + spec.hint(command));
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (spec.flags().contains(name)) {
                if (value != null) {
                    throw new UsageException(command + ": --" + name + " takes no value" + spec.hint(command));
                }
                value = "true";
            } else if (spec.valued().contains(name)) {
                if (value == null) {
                    if (i + 1 >= rest.size()) {
                        throw new UsageException(command + ": --" + name + " needs a value" + spec.hint(command));
                    }
                    value = rest.get(++i);
                }
            } else {
                throw new UsageException(command + ": unknown option --" + name + spec.hint(command));
            }
            if (options.put(name, value) != null) {
                throw new UsageException(command + ": --" + name + " is given twice");
            }
        }
        return new Args(command, options);
    }

    String command() {
        return command;
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    String value(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    int intValue(String name, int fallback, int min, int max) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " \"" + v + "\" is not a whole number from " + min
                    + " to " + max);
        }
    }

    long longValue(String name, long fallback) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " \"" + v + "\" is not a whole number");
        }
    }

    String required(String name) {
        String v = options.get(name);
        if (v == null || v.isBlank()) {
            throw new UsageException(command + ": --" + name + " is required");
        }
        return v;
    }

    /** What a command accepts. */
    record Spec(Set<String> valued, Set<String> flags, String usage) {
        String hint(String command) {
            return "; usage: " + command + (usage.isEmpty() ? "" : " " + usage);
        }
    }
}
