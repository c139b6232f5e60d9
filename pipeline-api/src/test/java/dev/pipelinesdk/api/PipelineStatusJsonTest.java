package dev.pipelinesdk.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PipelineStatusJsonTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static PipelineStatus designExample() {
        return PipelineStatus.builder("stops").runId("run-42").state(RunState.RUNNING).trigger(Trigger.SCHEDULED)
                .mode(RunMode.full()).phase("match").phaseIndex(2).phaseCount(4)
                .message("Matched 12,000 of 50,000 stops").progress(new Progress(12_000, 50_000))
                .startedAt(Instant.parse("2026-11-23T02:00:00Z")).phaseStartedAt(Instant.parse("2026-11-23T02:00:30Z"))
                .updatedAt(Instant.parse("2026-11-23T02:01:21.234Z")).elapsedMs(81_234L).etaMs(40_200L)
                .nextRunAt(Instant.parse("2026-11-24T02:00:00Z")).lastSuccessAt(Instant.parse("2026-11-22T02:03:00Z"))
                .build();
    }

    @Test
    void toJson_writesEveryFieldOfTheDesignDocumentInOrder() {
        String json = new String(designExample().toJson(), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"pipeline\":\"stops\",\"runId\":\"run-42\",\"state\":\"running\","
                + "\"trigger\":\"scheduled\",\"mode\":\"full\",\"phase\":\"match\",\"phaseIndex\":2,\"phaseCount\":4,"
                + "\"message\":\"Matched 12,000 of 50,000 stops\","
                + "\"progress\":{\"done\":12000,\"total\":50000,\"fraction\":0.24},"
                + "\"startedAt\":\"2026-11-23T02:00:00Z\",\"phaseStartedAt\":\"2026-11-23T02:00:30Z\","
                + "\"updatedAt\":\"2026-11-23T02:01:21.234Z\",\"finishedAt\":null,"
                + "\"elapsedMs\":81234,\"etaMs\":40200,\"nextRunAt\":\"2026-11-24T02:00:00Z\","
                + "\"lastSuccessAt\":\"2026-11-22T02:03:00Z\",\"error\":null,\"version\":1}");
    }

    @Test
    void fromJson_roundTripsEveryField() {
        PipelineStatus status = designExample().toBuilder().state(RunState.FAILED)
                .error(new RunError("match", "IOException", "timeout")).finishedAt(Instant.parse("2026-11-23T02:02:00Z"))
                .build();

        PipelineStatus read = PipelineStatus.fromJson(status.toJson(), "test");

        assertThat(read).isEqualTo(status);
        assertThat(read.toJson()).isEqualTo(status.toJson());
    }

    @Test
    void fromJson_ignoresUnknownFieldsAndAcceptsNewerVersions() {
        PipelineStatus read = PipelineStatus.fromJson(utf8("{\"pipeline\":\"stops\",\"state\":\"idle\","
                + "\"futureField\":{\"nested\":[1,2,3]},\"another\":true,\"version\":2}"), "test");

        assertThat(read.state()).isEqualTo(RunState.IDLE);
        assertThat(read.version()).isEqualTo(2);
        assertThat(read.runId()).isNull();
        assertThat(read.progress()).isNull();
    }

    @Test
    void fromJson_unreadableInputNamesTheSourceAndTheProblem() {
        assertThatThrownBy(() -> PipelineStatus.fromJson(utf8("not json"), "/var/state/stops/status.json"))
                .isInstanceOf(StateCorruptedException.class)
                .hasMessageContaining("/var/state/stops/status.json")
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> PipelineStatus.fromJson(new byte[0], "key pipeline:stops:status"))
                .isInstanceOf(StateCorruptedException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> PipelineStatus.fromJson(utf8("[1,2]"), "x"))
                .isInstanceOf(StateCorruptedException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> PipelineStatus.fromJson(utf8("{\"pipeline\":\"stops\",\"state\":\"sleeping\",\"version\":1}"), "x"))
                .isInstanceOf(StateCorruptedException.class).hasMessageContaining("state").hasMessageContaining("sleeping");
        assertThatThrownBy(() -> PipelineStatus.fromJson(utf8("{\"pipeline\":\"stops\",\"version\":1}"), "x"))
                .isInstanceOf(StateCorruptedException.class).hasMessageContaining("'state' is missing");
        assertThatThrownBy(() -> PipelineStatus.fromJson(utf8("{\"pipeline\":\"stops\",\"state\":\"idle\"}"), "x"))
                .isInstanceOf(StateCorruptedException.class).hasMessageContaining("'version' is missing");
        assertThatThrownBy(() -> PipelineStatus.fromJson(utf8("{\"pipeline\":\"stops\",\"state\":\"idle\",\"version\":1,"
                + "\"startedAt\":\"yesterday\"}"), "x"))
                .isInstanceOf(StateCorruptedException.class).hasMessageContaining("startedAt");
    }

    @Test
    void fromJson_typeBasedPolymorphismIsNotHonoured() {
        PipelineStatus read = PipelineStatus.fromJson(utf8("{\"@class\":\"java.lang.ProcessBuilder\","
                + "\"pipeline\":\"stops\",\"state\":\"idle\",\"version\":1}"), "x");

        assertThat(read).isEqualTo(PipelineStatus.idle("stops"));
    }

    @Test
    void builder_truncatesInstantsToMillisAndRejectsBadNames() {
        PipelineStatus s = PipelineStatus.builder("stops").startedAt(Instant.parse("2026-11-23T02:00:00.123456789Z")).build();

        assertThat(s.startedAt()).isEqualTo(Instant.parse("2026-11-23T02:00:00.123Z"));
        assertThatThrownBy(() -> PipelineStatus.idle("Stops Import")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Stops Import'");
    }

    @Test
    void progress_fractionIsUnknownWithoutTotalAndCappedAtOne() {
        assertThat(new Progress(5, 0).fraction()).isNull();
        assertThat(new Progress(15, 10).fraction()).isEqualTo(1.0);
        assertThatThrownBy(() -> new Progress(-1, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void exportRecord_roundTripsAndValidates() {
        Instant now = Instant.parse("2026-11-23T02:00:00Z");
        ExportRecord done = ExportRecord.started("exp-1", now, now.plusSeconds(3600)).withProgress(new Progress(3, 3))
                .completed(new ExportRecord.FileInfo("exports/exp-1.csv", 10, "0".repeat(64), 3));

        assertThat(ExportRecord.fromJson(done.toJson(), "x")).isEqualTo(done);
        assertThat(done.isExpired(now.plusSeconds(3599))).isFalse();
        assertThat(done.isExpired(now.plusSeconds(3600))).isTrue();
        assertThatThrownBy(() -> ExportRecord.started("../x", now, now)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExportRecord.started("x", now, now.minusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before createdAt");
        assertThatThrownBy(() -> ExportRecord.fromJson(utf8("{\"id\":\"x\"}"), "/exports/x.json"))
                .isInstanceOf(StateCorruptedException.class).hasMessageContaining("/exports/x.json");
    }
}
