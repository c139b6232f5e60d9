package dev.pipelinesdk.core.config;

import dev.pipelinesdk.core.config.internal.Masking;
import dev.pipelinesdk.core.scheduling.Schedule;
import dev.pipelinesdk.core.scheduling.internal.CronSyntaxException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The pipeline settings read from environment variables. Immutable. A blank variable counts as
 * unset; values are stripped of surrounding white space.
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><th>variable</th><th>accepted</th><th>default</th></tr>
 *   <tr><td>{@code PIPELINE_SCHEDULE_INTERVAL_HOURS}</td><td>hours, a decimal number &gt; 0 such as
 *       {@code 24} or {@code 0.5}; from 1 s to 8784 h (366 days); rounded to the millisecond</td><td>{@code 24}</td></tr>
 *   <tr><td>{@code PIPELINE_SCHEDULE_CRON}</td><td>a 5-field cron expression (see {@link Schedule});
 *       instead of the interval, never together with it</td><td>—</td></tr>
 *   <tr><td>{@code PIPELINE_TIMEZONE}</td><td>a region id of the tz database, such as
 *       {@code Europe/Zurich} or {@code UTC}</td><td>{@code Europe/Zurich}</td></tr>
 *   <tr><td>{@code PIPELINE_LOG_LEVEL}</td><td>{@code TRACE DEBUG INFO WARN ERROR}, any case</td><td>{@code INFO}</td></tr>
 *   <tr><td>{@code STATE_BACKEND}</td><td>{@code file} or {@code redis}, any case</td><td>{@code file}</td></tr>
 *   <tr><td>{@code PIPELINE_STATE_DIR}</td><td>a directory path</td><td>{@code ./pipeline-data/state}</td></tr>
 *   <tr><td>{@code REDIS_URL}</td><td>{@code redis://} or {@code rediss://} URL; required when
 *       {@code STATE_BACKEND=redis}</td><td>—</td></tr>
 *   <tr><td>{@code DATABASE_URL}</td><td>see {@link DatabaseUrl}</td><td>unset: embedded Postgres</td></tr>
 * </table>
 *
 * <p>The variables are checked in the order of this table (the time zone first, as the schedule
 * needs it); the first bad value stops with a {@link ConfigException} of one line naming the
 * variable, the value (passwords masked) and what is accepted.
 */
public final class PipelineConfig {

    /** Hours between automatic runs. */
    public static final String SCHEDULE_INTERVAL_HOURS = "PIPELINE_SCHEDULE_INTERVAL_HOURS";
    /** A cron expression, instead of the interval. */
    public static final String SCHEDULE_CRON = "PIPELINE_SCHEDULE_CRON";
    /** The zone for computing and showing the next run. */
    public static final String TIMEZONE = "PIPELINE_TIMEZONE";
    /** The log verbosity. */
    public static final String LOG_LEVEL = "PIPELINE_LOG_LEVEL";
    /** {@code file} or {@code redis}. */
    public static final String STATE_BACKEND = "STATE_BACKEND";
    /** The directory of the file state backend. */
    public static final String STATE_DIR = "PIPELINE_STATE_DIR";
    /** The URL of the Redis state backend. */
    public static final String REDIS_URL = "REDIS_URL";
    /** The Postgres database for schedules and run history. */
    public static final String DATABASE_URL = "DATABASE_URL";

    /** The interval when neither {@code PIPELINE_SCHEDULE_INTERVAL_HOURS} nor {@code PIPELINE_SCHEDULE_CRON} is set. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofHours(24);
    /** The zone when {@code PIPELINE_TIMEZONE} is not set. */
    public static final ZoneId DEFAULT_TIMEZONE = ZoneId.of("Europe/Zurich");
    /** The state directory when {@code PIPELINE_STATE_DIR} is not set. */
    public static final Path DEFAULT_STATE_DIR = Path.of("./pipeline-data/state");

    private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);
    private static final BigDecimal MAX_HOURS = BigDecimal.valueOf(Schedule.MAX_INTERVAL.toHours());
    private static final String HOURS_HINT = "expected hours > 0, e.g. 24 or 0.5";
    private static final String RANGE_HINT = "expected hours from 0.00028 (about 1 s) to " + MAX_HOURS + " (366 days), e.g. 24 or 0.5";
    private static final String CRON_HINT = "expected 5 fields minute hour day-of-month month day-of-week,"
            + " e.g. 0 2 * * * for 02:00 every day";
    private static final String REDIS_HINT = "expected redis://[[user]:password@]host[:port][/db]"
            + " or rediss://... (TLS)";

    private final Schedule schedule;
    private final ZoneId timezone;
    private final LogLevel logLevel;
    private final StateBackendKind stateBackend;
    private final Path stateDir;
    private final String redisUrl;
    private final DatabaseUrl database;

    private PipelineConfig(Schedule schedule, ZoneId timezone, LogLevel logLevel, StateBackendKind stateBackend,
                           Path stateDir, String redisUrl, DatabaseUrl database) {
        this.schedule = schedule;
        this.timezone = timezone;
        this.logLevel = logLevel;
        this.stateBackend = stateBackend;
        this.stateDir = stateDir;
        this.redisUrl = redisUrl;
        this.database = database;
    }

    /**
     * @return the settings of this process's environment ({@link System#getenv()})
     * @throws ConfigException on the first bad value, in one line
     */
    public static PipelineConfig fromEnvironment() {
        return from(System.getenv());
    }

    /**
     * @param env variables by name, e.g. {@code Map.of("PIPELINE_TIMEZONE", "UTC")}; missing,
     *            {@code null} and blank values count as unset
     * @return the settings
     * @throws ConfigException on the first bad value, in one line
     */
    public static PipelineConfig from(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        ZoneId zone = timezone(value(env, TIMEZONE));
        Schedule schedule = schedule(value(env, SCHEDULE_INTERVAL_HOURS), value(env, SCHEDULE_CRON), zone);
        LogLevel level = logLevel(value(env, LOG_LEVEL));
        StateBackendKind backend = stateBackend(value(env, STATE_BACKEND));
        Path dir = stateDir(value(env, STATE_DIR));
        String redis = redisUrl(value(env, REDIS_URL), backend);
        String db = value(env, DATABASE_URL);
        return new PipelineConfig(schedule, zone, level, backend, dir, redis,
                db == null ? null : DatabaseUrl.parse(DATABASE_URL, db));
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static ConfigException invalid(String variable, String shownValue, String problem, String accepted) {
        return new ConfigException(variable, variable + "=" + Masking.quote(shownValue) + " " + problem + "; " + accepted);
    }

    private static ZoneId timezone(String value) {
        if (value == null) {
            return DEFAULT_TIMEZONE;
        }
        String accepted = "expected a region id of the tz database such as Europe/Zurich or UTC";
        Set<String> ids = ZoneId.getAvailableZoneIds();
        if (ids.contains(value)) {
            return ZoneId.of(value);
        }
        Optional<String> sameButCase = ids.stream().filter(id -> id.equalsIgnoreCase(value)).findFirst();
        if (sameButCase.isPresent()) {
            throw invalid(TIMEZONE, value, "is not a known time zone", accepted + " (did you mean "
                    + sameButCase.get() + "?)");
        }
        if (value.startsWith("+") || value.startsWith("-")) {
            throw invalid(TIMEZONE, value, "is a fixed offset, not a region", accepted);
        }
        throw invalid(TIMEZONE, value, "is not a known time zone", accepted);
    }

    private static Schedule schedule(String hours, String cron, ZoneId zone) {
        if (hours != null && cron != null) {
            throw new ConfigException(SCHEDULE_CRON, SCHEDULE_CRON + "=" + Masking.quote(cron) + " and "
                    + SCHEDULE_INTERVAL_HOURS + "=" + Masking.quote(hours) + " are both set;"
                    + " set only one of them (a cron expression for fixed times, interval hours for a fixed period)");
        }
        if (cron != null) {
            try {
                return Schedule.cron(cron, zone);
            } catch (CronSyntaxException e) {
                throw invalid(SCHEDULE_CRON, cron, "is not a valid cron expression: " + e.detail(), CRON_HINT);
            }
        }
        if (hours == null) {
            return Schedule.every(DEFAULT_INTERVAL, zone);
        }
        return Schedule.every(intervalHours(hours), zone);
    }

    private static Duration intervalHours(String value) {
        BigDecimal hours;
        try {
            hours = new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw invalid(SCHEDULE_INTERVAL_HOURS, value, "is not a number", HOURS_HINT);
        }
        if (hours.signum() <= 0) {
            throw invalid(SCHEDULE_INTERVAL_HOURS, value, "is not greater than 0", HOURS_HINT);
        }
        if (hours.compareTo(MAX_HOURS) > 0) {
            throw invalid(SCHEDULE_INTERVAL_HOURS, value, "is longer than 366 days", RANGE_HINT);
        }
        BigDecimal seconds = hours.multiply(SECONDS_PER_HOUR);
        if (seconds.compareTo(BigDecimal.ONE) < 0) {
            throw invalid(SCHEDULE_INTERVAL_HOURS, value, "is shorter than 1 s", RANGE_HINT);
        }
        long millis = seconds.movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact();
        return Duration.ofMillis(millis);
    }

    private static LogLevel logLevel(String value) {
        if (value == null) {
            return LogLevel.INFO;
        }
        try {
            return LogLevel.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(LOG_LEVEL, value, "is not a log level", "expected one of "
                    + Arrays.stream(LogLevel.values()).map(Enum::name).collect(Collectors.joining(", ")));
        }
    }

    private static StateBackendKind stateBackend(String value) {
        if (value == null) {
            return StateBackendKind.FILE;
        }
        for (StateBackendKind kind : StateBackendKind.values()) {
            if (kind.id().equalsIgnoreCase(value)) {
                return kind;
            }
        }
        throw invalid(STATE_BACKEND, value, "is not a state backend", "expected redis or file");
    }

    private static Path stateDir(String value) {
        if (value == null) {
            return DEFAULT_STATE_DIR;
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw invalid(STATE_DIR, value, "is not a valid path (" + e.getReason() + ")",
                    "expected a directory path, e.g. ./pipeline-data/state");
        }
    }

    private static String redisUrl(String value, StateBackendKind backend) {
        if (value == null) {
            if (backend == StateBackendKind.REDIS) {
                throw new ConfigException(REDIS_URL, REDIS_URL + " is not set, but " + STATE_BACKEND
                        + "=\"redis\" needs it; " + REDIS_HINT);
            }
            return null;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("redis://") && !lower.startsWith("rediss://")) {
            throw invalid(REDIS_URL, Masking.maskUrl(value), "does not start with redis:// or rediss://", REDIS_HINT);
        }
        String rest = value.substring(value.indexOf("://") + 3);
        String host = rest.substring(rest.lastIndexOf('@') + 1);
        if (host.isEmpty() || host.startsWith(":") || host.startsWith("/")) {
            throw invalid(REDIS_URL, Masking.maskUrl(value), "has no host", REDIS_HINT);
        }
        return value;
    }

    /** @return when the pipelines run by themselves; every 24 h in {@link #timezone()} by default */
    public Schedule schedule() {
        return schedule;
    }

    /** @return the zone for computing and showing the next run; {@code Europe/Zurich} by default */
    public ZoneId timezone() {
        return timezone;
    }

    /** @return the log verbosity; {@link LogLevel#INFO} by default */
    public LogLevel logLevel() {
        return logLevel;
    }

    /** @return where state lives; {@link StateBackendKind#FILE} by default */
    public StateBackendKind stateBackend() {
        return stateBackend;
    }

    /** @return the directory of the file state backend; {@code ./pipeline-data/state} by default */
    public Path stateDir() {
        return stateDir;
    }

    /**
     * @return the Redis URL as written, password included (to connect; never log it); present
     *         whenever {@link #stateBackend()} is {@link StateBackendKind#REDIS}
     */
    public Optional<String> redisUrl() {
        return Optional.ofNullable(redisUrl);
    }

    /** @return the Postgres database; empty means the embedded one in {@code ./pipeline-data} */
    public Optional<DatabaseUrl> database() {
        return Optional.ofNullable(database);
    }

    /** @return every setting on one line, passwords masked */
    @Override
    public String toString() {
        return "PipelineConfig[schedule=" + schedule.describe() + ", timezone=" + timezone.getId()
                + ", logLevel=" + logLevel + ", stateBackend=" + stateBackend.id() + ", stateDir=" + stateDir
                + ", redisUrl=" + (redisUrl == null ? "none" : Masking.maskUrl(redisUrl))
                + ", database=" + (database == null ? "embedded" : database) + "]";
    }
}
