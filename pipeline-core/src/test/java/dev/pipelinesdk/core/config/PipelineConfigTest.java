package dev.pipelinesdk.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pipelinesdk.api.PipelineException;
import dev.pipelinesdk.core.scheduling.Schedule;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PipelineConfigTest {

    private static final ZoneId ZURICH = ZoneId.of("Europe/Zurich");

    /** Reading {@code env} fails with one line naming {@code variable}; returns the message. */
    static String failure(Map<String, String> env, String variable) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> PipelineConfig.from(env));
        assertThat(e).as("a ConfigException for %s", env).isNotNull();
        assertThat(e.variable()).isEqualTo(variable);
        assertThat(e.getMessage()).doesNotContain("\n", "\r").startsWith(variable);
        return e.getMessage();
    }

    @Test
    void defaults_whenNothingIsSet() {
        PipelineConfig c = PipelineConfig.from(Map.of());

        assertThat(c.schedule()).isEqualTo(Schedule.every(Duration.ofHours(24), ZURICH));
        assertThat(c.schedule().key()).isEqualTo("every:PT24H@Europe/Zurich");
        assertThat(c.timezone()).isEqualTo(ZURICH);
        assertThat(c.logLevel()).isEqualTo(LogLevel.INFO);
        assertThat(c.stateBackend()).isEqualTo(StateBackendKind.FILE);
        assertThat(c.stateDir()).isEqualTo(Path.of("./pipeline-data/state"));
        assertThat(c.redisUrl()).isEmpty();
        assertThat(c.database()).isEmpty();
        assertThat(c).hasToString("PipelineConfig[schedule=every 24 h, timezone=Europe/Zurich, logLevel=INFO,"
                + " stateBackend=file, stateDir=./pipeline-data/state, redisUrl=none, database=embedded]");
    }

    @Test
    void blankValues_countAsUnset_andValuesAreStripped() {
        Map<String, String> env = new HashMap<>();
        for (String name : new String[] {"PIPELINE_SCHEDULE_INTERVAL_HOURS", "PIPELINE_SCHEDULE_CRON", "PIPELINE_TIMEZONE",
                "PIPELINE_LOG_LEVEL", "STATE_BACKEND", "PIPELINE_STATE_DIR", "REDIS_URL", "DATABASE_URL"}) {
            env.put(name, "  ");
        }
        env.put("PIPELINE_LOG_LEVEL", null);

        assertThat(PipelineConfig.from(env)).hasToString(PipelineConfig.from(Map.of()).toString());
        assertThat(PipelineConfig.from(Map.of("PIPELINE_TIMEZONE", " UTC\t", "STATE_BACKEND", " file ")).timezone())
                .isEqualTo(ZoneId.of("UTC"));
    }

    @Test
    void fromEnvironment_readsTheProcessEnvironment() {
        assertThat(PipelineConfig.fromEnvironment()).hasToString(PipelineConfig.from(System.getenv()).toString());
    }

    // --- schedule

    @ParameterizedTest(name = "[{index}] {0} h")
    @CsvSource(delimiter = '|', textBlock = """
            24       | PT24H     | every 24 h
            0.01     | PT36S     | every 36 s
            0.5      | PT30M     | every 30 min
            1.5      | PT1H30M   | every 1 h 30 min
            8784     | PT8784H   | every 8784 h
            0.0003   | PT1.08S   | every 1.08 s
            2.5e1    | PT25H     | every 25 h
            """)
    void intervalHours_acceptsDecimalHours(String hours, String interval, String words) {
        PipelineConfig c = PipelineConfig.from(Map.of("PIPELINE_SCHEDULE_INTERVAL_HOURS", hours, "PIPELINE_TIMEZONE", "UTC"));

        assertThat(c.schedule()).isEqualTo(Schedule.every(Duration.parse(interval), ZoneId.of("UTC")));
        assertThat(c.schedule().describe()).isEqualTo(words);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            abc      | is not a number; expected hours > 0, e.g. 24 or 0.5
            0,5      | is not a number; expected hours > 0, e.g. 24 or 0.5
            24h      | is not a number; expected hours > 0, e.g. 24 or 0.5
            NaN      | is not a number; expected hours > 0, e.g. 24 or 0.5
            Infinity | is not a number; expected hours > 0, e.g. 24 or 0.5
            0        | is not greater than 0; expected hours > 0, e.g. 24 or 0.5
            -1       | is not greater than 0; expected hours > 0, e.g. 24 or 0.5
            0.0001   | is shorter than 1 s; expected hours from 0.00028 (about 1 s) to 8784 (366 days), e.g. 24 or 0.5
            8784.01  | is longer than 366 days; expected hours from 0.00028 (about 1 s) to 8784 (366 days), e.g. 24 or 0.5
            1e999999 | is longer than 366 days; expected hours from 0.00028 (about 1 s) to 8784 (366 days), e.g. 24 or 0.5
            """)
    void intervalHours_badValue_isOneLineNamingVariableValueAndHint(String hours, String rest) {
        String message = failure(Map.of("PIPELINE_SCHEDULE_INTERVAL_HOURS", hours), "PIPELINE_SCHEDULE_INTERVAL_HOURS");

        assertThat(message).isEqualTo("PIPELINE_SCHEDULE_INTERVAL_HOURS=\"" + hours + "\" " + rest);
    }

    @Test
    void cron_isReadInTheConfiguredZone() {
        PipelineConfig c = PipelineConfig.from(Map.of("PIPELINE_SCHEDULE_CRON", "0 2 * * MON-FRI",
                "PIPELINE_TIMEZONE", "America/New_York"));

        assertThat(c.schedule()).isEqualTo(Schedule.cron("0 2 * * 1-5", ZoneId.of("America/New_York")));
        assertThat(c.schedule().describe()).isEqualTo("cron 0 2 * * MON-FRI");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            0 25 * * * | hour 25 is out of range 0-23
            0 2 * *    | has 4 fields, expected 5 (minute hour day-of-month month day-of-week) or a macro such as @daily
            0 0 30 2 * | day-of-month 30 never occurs in month 2, so the schedule would never run; choose days that exist in those months
            @reboot    | unknown macro @reboot; accepted: @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually
            """)
    void cron_badExpression_isOneLineNamingVariableValueAndHint(String cron, String detail) {
        String message = failure(Map.of("PIPELINE_SCHEDULE_CRON", cron), "PIPELINE_SCHEDULE_CRON");

        assertThat(message).isEqualTo("PIPELINE_SCHEDULE_CRON=\"" + cron + "\" is not a valid cron expression: " + detail
                + "; expected 5 fields minute hour day-of-month month day-of-week, e.g. 0 2 * * * for 02:00 every day");
    }

    @Test
    void intervalAndCronTogether_isAnError() {
        String message = failure(Map.of("PIPELINE_SCHEDULE_INTERVAL_HOURS", "24", "PIPELINE_SCHEDULE_CRON", "0 2 * * *"),
                "PIPELINE_SCHEDULE_CRON");

        assertThat(message).isEqualTo("PIPELINE_SCHEDULE_CRON=\"0 2 * * *\" and PIPELINE_SCHEDULE_INTERVAL_HOURS=\"24\""
                + " are both set; set only one of them (a cron expression for fixed times, interval hours for a fixed period)");
    }

    // --- time zone, log level, backend, directory

    @Test
    void timezone_acceptsRegionIds() {
        assertThat(PipelineConfig.from(Map.of("PIPELINE_TIMEZONE", "UTC")).timezone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(PipelineConfig.from(Map.of("PIPELINE_TIMEZONE", "Asia/Kolkata")).schedule().zone())
                .isEqualTo(ZoneId.of("Asia/Kolkata"));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = '|', textBlock = """
            Mars/Olympus  | is not a known time zone; expected a region id of the tz database such as Europe/Zurich or UTC
            europe/zurich | is not a known time zone; expected a region id of the tz database such as Europe/Zurich or UTC (did you mean Europe/Zurich?)
            +02:00        | is a fixed offset, not a region; expected a region id of the tz database such as Europe/Zurich or UTC
            CEST          | is not a known time zone; expected a region id of the tz database such as Europe/Zurich or UTC
            """)
    void timezone_badValue_isOneLineNamingVariableValueAndHint(String zone, String rest) {
        assertThat(failure(Map.of("PIPELINE_TIMEZONE", zone), "PIPELINE_TIMEZONE"))
                .isEqualTo("PIPELINE_TIMEZONE=\"" + zone + "\" " + rest);
    }

    @Test
    void timezone_isCheckedBeforeTheSchedule() {
        failure(Map.of("PIPELINE_TIMEZONE", "Nowhere", "PIPELINE_SCHEDULE_INTERVAL_HOURS", "x"), "PIPELINE_TIMEZONE");
    }

    @Test
    void logLevel_anyCase_orOneLineError() {
        assertThat(PipelineConfig.from(Map.of("PIPELINE_LOG_LEVEL", "debug")).logLevel()).isEqualTo(LogLevel.DEBUG);
        assertThat(PipelineConfig.from(Map.of("PIPELINE_LOG_LEVEL", "Warn")).logLevel()).isEqualTo(LogLevel.WARN);
        assertThat(failure(Map.of("PIPELINE_LOG_LEVEL", "verbose"), "PIPELINE_LOG_LEVEL")).isEqualTo(
                "PIPELINE_LOG_LEVEL=\"verbose\" is not a log level; expected one of TRACE, DEBUG, INFO, WARN, ERROR");
    }

    @Test
    void stateBackend_fileOrRedis_orOneLineError() {
        assertThat(PipelineConfig.from(Map.of("STATE_BACKEND", "FILE")).stateBackend()).isEqualTo(StateBackendKind.FILE);
        assertThat(PipelineConfig.from(Map.of("STATE_BACKEND", "Redis", "REDIS_URL", "redis://cache:6379")).stateBackend())
                .isEqualTo(StateBackendKind.REDIS);
        assertThat(failure(Map.of("STATE_BACKEND", "s3"), "STATE_BACKEND"))
                .isEqualTo("STATE_BACKEND=\"s3\" is not a state backend; expected redis or file");
    }

    @Test
    void stateDir_isAPath_orOneLineError() {
        assertThat(PipelineConfig.from(Map.of("PIPELINE_STATE_DIR", "/var/lib/pipeline/state")).stateDir())
                .isEqualTo(Path.of("/var/lib/pipeline/state"));
        String message = failure(Map.of("PIPELINE_STATE_DIR", "/var/lib/\u0000state"), "PIPELINE_STATE_DIR");
        assertThat(message).startsWith("PIPELINE_STATE_DIR=\"/var/lib/\\u0000state\" is not a valid path (")
                .endsWith("); expected a directory path, e.g. ./pipeline-data/state")
                .doesNotContain("\u0000");
    }

    // --- Redis

    @Test
    void redisUrl_isRequiredForTheRedisBackend() {
        assertThat(failure(Map.of("STATE_BACKEND", "redis"), "REDIS_URL")).isEqualTo("REDIS_URL is not set, but"
                + " STATE_BACKEND=\"redis\" needs it; expected redis://[[user]:password@]host[:port][/db] or rediss://... (TLS)");
    }

    @Test
    void redisUrl_keepsThePasswordForConnecting_butMasksItInToString() {
        PipelineConfig c = PipelineConfig.from(Map.of("STATE_BACKEND", "redis", "REDIS_URL", "rediss://app:s3cret@cache:6380/2"));

        assertThat(c.redisUrl()).contains("rediss://app:s3cret@cache:6380/2");
        assertThat(c.toString()).contains("redisUrl=rediss://app:***@cache:6380/2").doesNotContain("s3cret");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            http://:s3cret@cache:6379 | REDIS_URL="http://:***@cache:6379" does not start with redis:// or rediss://
            cache:6379                | REDIS_URL="cache:6379" does not start with redis:// or rediss://
            s3cret@cache              | REDIS_URL="***@cache" does not start with redis:// or rediss://
            redis://:s3cret@          | REDIS_URL="redis://:***@" has no host
            redis://                  | REDIS_URL="redis://" has no host
            """)
    void redisUrl_badValue_isOneLineWithThePasswordMasked(String url, String start) {
        String message = failure(Map.of("STATE_BACKEND", "redis", "REDIS_URL", url), "REDIS_URL");

        assertThat(message).isEqualTo(start + "; expected redis://[[user]:password@]host[:port][/db] or rediss://... (TLS)")
                .doesNotContain("s3cret");
    }

    @Test
    void redisUrl_isCheckedEvenForTheFileBackend() {
        assertThat(failure(Map.of("REDIS_URL", "localhost"), "REDIS_URL")).contains("REDIS_URL=\"localhost\"");
    }

    @Test
    void configException_isAPipelineException_andAlwaysOneLine() {
        ConfigException e = new ConfigException("X", "first\nsecond\r\nthird");

        assertThat(e).isInstanceOf(PipelineException.class).hasMessage("first second third");
        assertThat(e.variable()).isEqualTo("X");
    }
}
