package dev.pipelinesdk.core.scheduling.internal;

import java.util.List;
import java.util.Locale;

/**
 * One of the five fields of a cron expression: its name, range, optional names, and the parser
 * that turns its text into a bit set (bit {@code v} set when value {@code v} matches).
 */
enum CronField {
    MINUTE("minute", 0, 59, List.of()),
    HOUR("hour", 0, 23, List.of()),
    DAY_OF_MONTH("day-of-month", 1, 31, List.of()),
    MONTH("month", 1, 12, List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
    /** 0 and 7 are Sunday; 7 is folded into 0 after parsing. */
    DAY_OF_WEEK("day-of-week", 0, 7, List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"));

    private final String label;
    private final int min;
    private final int max;
    private final List<String> names;

    CronField(String label, int min, int max, List<String> names) {
        this.label = label;
        this.min = min;
        this.max = max;
        this.names = names;
    }

    String label() {
        return label;
    }

    /** @return the values this field accepts, for messages, e.g. {@code 1-12 or JAN-DEC} */
    String accepted() {
        return switch (this) {
            case MONTH -> "1-12 or JAN-DEC";
            case DAY_OF_WEEK -> "0-7 (0 and 7 = Sunday) or SUN-SAT";
            default -> min + "-" + max;
        };
    }

    /**
     * @param expression the whole expression, for messages
     * @param text       this field's text
     * @return the matching values as bits
     * @throws CronSyntaxException naming the field, the bad token and what is accepted
     */
    long parse(String expression, String text) {
        long bits = 0;
        for (String part : text.split(",", -1)) {
            bits |= parsePart(expression, text, part);
        }
        if (this == DAY_OF_WEEK && (bits & (1L << 7)) != 0) {
            bits = (bits & ~(1L << 7)) | 1L;
        }
        return bits;
    }

    private long parsePart(String expression, String text, String part) {
        if (part.isEmpty()) {
            throw new CronSyntaxException(expression, label + " \"" + text + "\" has an empty list element;"
                    + " write values separated by single commas, e.g. 1,15");
        }
        String range = part;
        int step = 1;
        int slash = part.indexOf('/');
        if (slash >= 0) {
            range = part.substring(0, slash);
            step = parseStep(expression, part.substring(slash + 1));
        }
        int low;
        int high;
        if (range.equals("*")) {
            low = min;
            high = this == DAY_OF_WEEK ? 6 : max;
        } else {
            int dash = range.indexOf('-', 1);
            if (dash > 0 && dash < range.length() - 1) {
                low = value(expression, range.substring(0, dash));
                high = value(expression, range.substring(dash + 1));
                if (low > high) {
                    int top = this == DAY_OF_WEEK ? 6 : max;
                    throw new CronSyntaxException(expression, label + " range " + range + " is backwards;"
                            + " ranges do not wrap around, write " + renderList(span(low, top) | span(min, high)));
                }
            } else {
                if (slash >= 0) {
                    throw new CronSyntaxException(expression, label + " step \"" + part + "\" needs * or a range"
                            + " before the /, e.g. */" + step + " or " + range + "-" + max + "/" + step);
                }
                low = value(expression, range);
                high = low;
            }
        }
        long bits = 0;
        for (int v = low; v <= high; v += step) {
            bits |= 1L << v;
        }
        return bits;
    }

    private int parseStep(String expression, String text) {
        if (!isDigits(text)) {
            throw new CronSyntaxException(expression, label + " step \"" + text + "\" is not a number;"
                    + " expected */n or a-b/n with n in 1-" + max);
        }
        int step = text.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(text);
        if (step < 1 || step > max) {
            throw new CronSyntaxException(expression, label + " step " + text + " is out of range 1-" + max);
        }
        return step;
    }

    private int value(String expression, String token) {
        if (isDigits(token)) {
            int v = token.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(token);
            if (v < min || v > max) {
                throw new CronSyntaxException(expression, label + " " + token + " is out of range " + accepted());
            }
            return v;
        }
        int index = names.indexOf(token.toUpperCase(Locale.ROOT));
        if (index >= 0) {
            return this == MONTH ? index + 1 : index;
        }
        String what = names.isEmpty() ? "a number" : "a number or a name";
        throw new CronSyntaxException(expression, label + " \"" + token + "\" is not " + what + "; expected "
                + accepted() + ", *, a-b, a,b, */n or a-b/n");
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * @param bits values as bits
     * @return {@code *} if every value of this field is set, else {@link #renderList(long)}
     */
    String render(long bits) {
        return bits == span(min, max) ? "*" : renderList(bits);
    }

    /**
     * @param bits values as bits
     * @return the values as a canonical list of numbers and ranges, e.g. {@code 0,15,30,45} or {@code 1-5}
     */
    static String renderList(long bits) {
        StringBuilder out = new StringBuilder();
        int v = nextBit(bits, 0);
        while (v >= 0) {
            int end = v;
            while (end < 63 && (bits & (1L << (end + 1))) != 0) {
                end++;
            }
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(v);
            if (end - v >= 2) {
                out.append('-').append(end);
            } else if (end == v + 1) {
                out.append(',').append(end);
            }
            v = nextBit(bits, end + 1);
        }
        return out.toString();
    }

    private static long span(int low, int high) {
        long bits = 0;
        for (int v = low; v <= high; v++) {
            bits |= 1L << v;
        }
        return bits;
    }

    /** @return the smallest set bit at or above {@code from}, or -1 */
    static int nextBit(long bits, int from) {
        if (from > 63) {
            return -1;
        }
        long rest = bits & (-1L << from);
        return rest == 0 ? -1 : Long.numberOfTrailingZeros(rest);
    }
}
