package dev.pipelinesdk.api;

import java.util.regex.Pattern;

/**
 * The rules for names that end up in file paths, Redis keys and run modes. Every check throws
 * {@link IllegalArgumentException} naming the value and the accepted form.
 */
public final class Names {

    private static final Pattern PIPELINE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern PHASE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

    private Names() {
    }

    /**
     * @param name a pipeline name
     * @return the name
     * @throws IllegalArgumentException unless it is 1–64 of {@code a-z 0-9 _ -}, starting with a letter or digit
     */
    public static String requirePipeline(String name) {
        return check(name, PIPELINE, "pipeline name",
                "1-64 characters of a-z, 0-9, '_' and '-', starting with a letter or digit");
    }

    /**
     * @param name a phase name
     * @return the name
     * @throws IllegalArgumentException unless it is 1–64 of {@code A-Z a-z 0-9 _ . -}, starting with a letter or digit
     */
    public static String requirePhase(String name) {
        return check(name, PHASE, "phase name",
                "1-64 characters of A-Z, a-z, 0-9, '_', '.' and '-', starting with a letter or digit");
    }

    /**
     * @param id   a lease owner, run id or export id
     * @param what what the id is, for the message
     * @return the id
     * @throws IllegalArgumentException unless it is 1–128 of {@code A-Z a-z 0-9 _ -}, starting with a letter or digit
     */
    public static String requireId(String id, String what) {
        return check(id, ID, what,
                "1-128 characters of A-Z, a-z, 0-9, '_' and '-', starting with a letter or digit");
    }

    private static String check(String value, Pattern pattern, String what, String accepted) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("Invalid " + what + " "
                    + (value == null ? "null" : "'" + value + "'") + ": expected " + accepted);
        }
        return value;
    }
}
