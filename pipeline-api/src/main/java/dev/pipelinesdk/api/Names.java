package dev.pipelinesdk.api;

/**
 * The rules for names that end up in file paths, Redis keys and run modes. Every check throws
 * {@link IllegalArgumentException} naming the value and the accepted form.
 */
public final class Names {

    // Checked on every lease call and status document: a character loop, not a regular expression
    // (several times cheaper until the JIT has compiled the regex engine, which in a service that
    // runs a pipeline now and then it rarely has).

    private Names() {
    }

    /**
     * @param name a pipeline name
     * @return the name
     * @throws IllegalArgumentException unless it is 1–64 of {@code a-z 0-9 _ -}, starting with a letter or digit
     */
    public static String requirePipeline(String name) {
        return check(name, 64, false, false, "pipeline name",
                "1-64 characters of a-z, 0-9, '_' and '-', starting with a letter or digit");
    }

    /**
     * @param name a phase name
     * @return the name
     * @throws IllegalArgumentException unless it is 1–64 of {@code A-Z a-z 0-9 _ . -}, starting with a letter or digit
     */
    public static String requirePhase(String name) {
        return check(name, 64, true, true, "phase name",
                "1-64 characters of A-Z, a-z, 0-9, '_', '.' and '-', starting with a letter or digit");
    }

    /**
     * @param id   a lease owner, run id or export id
     * @param what what the id is, for the message
     * @return the id
     * @throws IllegalArgumentException unless it is 1–128 of {@code A-Z a-z 0-9 _ -}, starting with a letter or digit
     */
    public static String requireId(String id, String what) {
        return check(id, 128, true, false, what,
                "1-128 characters of A-Z, a-z, 0-9, '_' and '-', starting with a letter or digit");
    }

    private static String check(String value, int maxLength, boolean upperCase, boolean dot, String what,
                                String accepted) {
        if (value == null || !matches(value, maxLength, upperCase, dot)) {
            throw new IllegalArgumentException("Invalid " + what + " "
                    + (value == null ? "null" : "'" + value + "'") + ": expected " + accepted);
        }
        return value;
    }

    /** 1 to maxLength of a-z, 0-9 (and A-Z, '.'), then also '_' and '-' after the first character. */
    private static boolean matches(String value, int maxLength, boolean upperCase, boolean dot) {
        int n = value.length();
        if (n == 0 || n > maxLength) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (upperCase && c >= 'A' && c <= 'Z')
                    || (i > 0 && (c == '_' || c == '-' || (dot && c == '.')));
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
