package dev.pipelinesdk.core.scheduling.internal;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed 5-field cron expression ({@code minute hour day-of-month month day-of-week}) as a
 * {@link WallClockRule}. Immutable. Supports {@code *}, lists, ranges, steps, month and day names,
 * day-of-week 0 and 7 for Sunday, and the macros {@code @hourly @daily @midnight @weekly @monthly
 * @yearly @annually}. When both day fields are restricted (neither is written {@code *}), a day
 * matches if either matches (POSIX). An expression that can never fire is rejected.
 */
public final class CronExpression implements WallClockRule {

    /** How far {@link #firstAtOrAfter} searches: long enough for February 29 across 2100, which is not a leap year. */
    public static final int SEARCH_YEARS = 10;

    private static final Map<String, String> MACROS = new LinkedHashMap<>();

    static {
        MACROS.put("@hourly", "0 * * * *");
        MACROS.put("@daily", "0 0 * * *");
        MACROS.put("@midnight", "0 0 * * *");
        MACROS.put("@weekly", "0 0 * * 0");
        MACROS.put("@monthly", "0 0 1 * *");
        MACROS.put("@yearly", "0 0 1 1 *");
        MACROS.put("@annually", "0 0 1 1 *");
    }

    private static final String FIELDS = "minute hour day-of-month month day-of-week";

    private final String text;
    private final long minutes;
    private final long hours;
    private final long daysOfMonth;
    private final long months;
    private final long daysOfWeek;
    private final boolean anyDayOfMonth;
    private final boolean anyDayOfWeek;

    private CronExpression(String text, String[] fields) {
        this.text = text;
        this.minutes = CronField.MINUTE.parse(text, fields[0]);
        this.hours = CronField.HOUR.parse(text, fields[1]);
        this.daysOfMonth = CronField.DAY_OF_MONTH.parse(text, fields[2]);
        this.months = CronField.MONTH.parse(text, fields[3]);
        this.daysOfWeek = CronField.DAY_OF_WEEK.parse(text, fields[4]);
        this.anyDayOfMonth = fields[2].equals("*");
        this.anyDayOfWeek = fields[4].equals("*");
        if (!anyDayOfMonth && anyDayOfWeek) {
            rejectDaysThatNeverOccur();
        }
    }

    /**
     * @param expression five fields separated by white space, or a macro
     * @return the parsed expression
     * @throws CronSyntaxException naming the expression, the field, the bad token and what is accepted
     */
    public static CronExpression parse(String expression) {
        if (expression == null) {
            throw new CronSyntaxException("null", "is missing; expected 5 fields (" + FIELDS + ") or a macro such as @daily");
        }
        String text = String.join(" ", expression.strip().split("\\s+"));
        if (text.isEmpty()) {
            throw new CronSyntaxException(text, "is empty; expected 5 fields (" + FIELDS + ") or a macro such as @daily");
        }
        if (text.startsWith("@")) {
            String macro = MACROS.get(text.toLowerCase(Locale.ROOT));
            if (macro == null) {
                throw new CronSyntaxException(text, "unknown macro " + text + "; accepted: "
                        + String.join(", ", MACROS.keySet()));
            }
            return new CronExpression(text, macro.split(" "));
        }
        String[] fields = text.split(" ");
        if (fields.length != 5) {
            throw new CronSyntaxException(text, "has " + fields.length + (fields.length == 1 ? " field" : " fields")
                    + ", expected 5 (" + FIELDS + ") or a macro such as @daily");
        }
        return new CronExpression(text, fields);
    }

    private void rejectDaysThatNeverOccur() {
        for (int m = CronField.nextBit(months, 1); m >= 0; m = CronField.nextBit(months, m + 1)) {
            if (CronField.nextBit(daysOfMonth, 1) <= Month.of(m).maxLength()) {
                return;
            }
        }
        throw new CronSyntaxException(text, "day-of-month " + CronField.renderList(daysOfMonth) + " never occurs in month "
                + CronField.renderList(months) + ", so the schedule would never run; choose days that exist in those months");
    }

    /** @return the expression as written, white space collapsed to single spaces */
    public String text() {
        return text;
    }

    /**
     * @return the canonical form: each field as sorted numbers and ranges, {@code *} for a minute,
     *         hour or month field that matches every value and for a day field written {@code *}
     *         (which differs from a restricted one, see the class description); equal for
     *         expressions that match the same times, e.g. {@code 0 2 * * 1-5} for {@code 0 2 * * MON-FRI}
     */
    public String canonical() {
        return CronField.MINUTE.render(minutes) + " " + CronField.HOUR.render(hours) + " "
                + (anyDayOfMonth ? "*" : CronField.renderList(daysOfMonth)) + " "
                + CronField.MONTH.render(months) + " "
                + (anyDayOfWeek ? "*" : CronField.renderList(daysOfWeek));
    }

    /**
     * @param from a local date-time
     * @return the first whole minute at or after {@code from} that matches
     * @throws IllegalStateException if nothing matches within {@value #SEARCH_YEARS} years
     */
    @Override
    public LocalDateTime firstAtOrAfter(LocalDateTime from) {
        LocalDateTime t = from.truncatedTo(ChronoUnit.MINUTES);
        if (t.isBefore(from)) {
            t = t.plusMinutes(1);
        }
        LocalDateTime limit = t.plusYears(SEARCH_YEARS);
        while (!t.isAfter(limit)) {
            int month = t.getMonthValue();
            if (!has(months, month)) {
                int next = CronField.nextBit(months, month + 1);
                t = next < 0 ? LocalDate.of(t.getYear() + 1, CronField.nextBit(months, 1), 1).atStartOfDay()
                        : LocalDate.of(t.getYear(), next, 1).atStartOfDay();
            } else if (!dayMatches(t.toLocalDate())) {
                t = t.toLocalDate().plusDays(1).atStartOfDay();
            } else if (!has(hours, t.getHour())) {
                int next = CronField.nextBit(hours, t.getHour() + 1);
                t = next < 0 ? t.toLocalDate().plusDays(1).atStartOfDay() : t.toLocalDate().atTime(next, 0);
            } else {
                int next = CronField.nextBit(minutes, t.getMinute());
                if (next >= 0) {
                    return t.withMinute(next);
                }
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            }
        }
        throw new IllegalStateException("cron \"" + text + "\": no matching time within " + SEARCH_YEARS
                + " years after " + from);
    }

    private boolean dayMatches(LocalDate date) {
        boolean dom = has(daysOfMonth, date.getDayOfMonth());
        boolean dow = has(daysOfWeek, date.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : date.getDayOfWeek().getValue());
        if (anyDayOfMonth || anyDayOfWeek) {
            return dom && dow;
        }
        return dom || dow;
    }

    private static boolean has(long bits, int value) {
        return (bits & (1L << value)) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CronExpression other && canonical().equals(other.canonical());
    }

    @Override
    public int hashCode() {
        return canonical().hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
