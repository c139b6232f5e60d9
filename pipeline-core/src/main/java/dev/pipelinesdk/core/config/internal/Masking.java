package dev.pipelinesdk.core.config.internal;

import java.util.regex.Pattern;

/** Makes configuration values safe and readable in a one-line message. */
public final class Masking {

    /** What a password is replaced with. */
    public static final String MASK = "***";

    private static final int MAX_SHOWN = 200;
    private static final Pattern PASSWORD_OPTION = Pattern.compile("(?i)((?:^|[?&;])[a-z_]*password=)[^&;]*");

    private Masking() {
    }

    /**
     * Masks the password of a URL whether or not it parses: everything after the first {@code :} of
     * the user info up to the last {@code @} (the whole user info if it has no {@code :}), and the
     * value of every {@code ...password=} option. Masks too much rather than too little.
     *
     * @param url a URL as written, possibly malformed
     * @return the URL without its password, e.g. {@code redis://:***@cache:6379}
     */
    public static String maskUrl(String url) {
        String out = url;
        int at = url.lastIndexOf('@');
        if (at >= 0) {
            int schemeEnd = url.indexOf("://");
            int start = schemeEnd < 0 || schemeEnd > at ? 0 : schemeEnd + 3;
            String userInfo = url.substring(start, at);
            int colon = userInfo.indexOf(':');
            String shown = colon < 0 ? MASK : userInfo.substring(0, colon + 1) + MASK;
            out = url.substring(0, start) + shown + url.substring(at);
        }
        return maskPasswordOptions(out);
    }

    /**
     * @param url a URL without user info, e.g. a JDBC URL
     * @return the URL with the value of every {@code ...password=} option masked
     */
    public static String maskPasswordOptions(String url) {
        return PASSWORD_OPTION.matcher(url).replaceAll("$1" + MASK);
    }

    /**
     * @param value a value as read from the environment
     * @return the value in double quotes on one line: quotes, backslashes and control characters
     *         escaped, cut after 200 characters
     */
    public static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        int shown = Math.min(value.length(), MAX_SHOWN);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                            || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (value.length() > MAX_SHOWN) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
