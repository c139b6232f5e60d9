package dev.pipelinesdk.api;

import dev.pipelinesdk.api.internal.StatusJson;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The status document: one per pipeline, the contract between the scheduler, the web app and the
 * browser. Its JSON form ({@link #toJson()}) is byte-for-byte the same in every backend; readers
 * ignore unknown fields. Instants are kept at millisecond precision. Build one with
 * {@link #builder(String)} or {@link #toBuilder()}.
 *
 * @param pipeline       the pipeline's name
 * @param runId          the current or last run's id; {@code null} when idle
 * @param state          the state
 * @param trigger        who started the current or last run
 * @param mode           the run's mode
 * @param phase          the current (or last) phase's name
 * @param phaseIndex     the phase's position among the run's phases, 1-based
 * @param phaseCount     how many phases the run executes
 * @param message        a short human-readable line
 * @param progress       the current phase's progress, {@code null} when none was reported
 * @param startedAt      when the run started
 * @param phaseStartedAt when the current phase started
 * @param updatedAt      when this document was written
 * @param finishedAt     when the run finished, {@code null} while running
 * @param elapsedMs      run time so far (or in all, once finished), in milliseconds
 * @param etaMs          estimated time left, in milliseconds, {@code null} when unknown
 * @param nextRunAt      the next scheduled run, {@code null} when none is scheduled
 * @param lastSuccessAt  when a run last succeeded; kept across failed runs
 * @param error          why the last run did not succeed, {@code null} otherwise
 * @param version        the document's schema version ({@link #SCHEMA_VERSION} for documents written now)
 */
public record PipelineStatus(
        String pipeline,
        String runId,
        RunState state,
        Trigger trigger,
        RunMode mode,
        String phase,
        Integer phaseIndex,
        Integer phaseCount,
        String message,
        Progress progress,
        Instant startedAt,
        Instant phaseStartedAt,
        Instant updatedAt,
        Instant finishedAt,
        Long elapsedMs,
        Long etaMs,
        Instant nextRunAt,
        Instant lastSuccessAt,
        RunError error,
        int version) {

    /** The schema version this library writes. */
    public static final int SCHEMA_VERSION = 1;

    /** Validates the document and truncates instants to milliseconds. */
    public PipelineStatus {
        Names.requirePipeline(pipeline);
        Objects.requireNonNull(state, "state");
        if (version < 1) {
            throw new IllegalArgumentException("status version must be >= 1, was " + version);
        }
        startedAt = millis(startedAt);
        phaseStartedAt = millis(phaseStartedAt);
        updatedAt = millis(updatedAt);
        finishedAt = millis(finishedAt);
        nextRunAt = millis(nextRunAt);
        lastSuccessAt = millis(lastSuccessAt);
    }

    private static Instant millis(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * @param pipeline the pipeline's name
     * @return the document of a pipeline that has never run
     */
    public static PipelineStatus idle(String pipeline) {
        return builder(pipeline).build();
    }

    /**
     * @param pipeline the pipeline's name
     * @return a builder for an {@code idle} document of the current schema version
     */
    public static Builder builder(String pipeline) {
        return new Builder(pipeline);
    }

    /** @return a builder holding this document's values */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** @return the canonical JSON form (UTF-8), the same bytes in every backend */
    public byte[] toJson() {
        return StatusJson.write(this);
    }

    /**
     * Reads a status document; unknown fields are ignored.
     *
     * @param json   UTF-8 JSON
     * @param source where the bytes came from (a file path, a key), for the error message
     * @return the document
     * @throws StateCorruptedException naming {@code source} when the bytes are not a readable document
     */
    public static PipelineStatus fromJson(byte[] json, String source) {
        return StatusJson.read(json, source);
    }

    /** A mutable builder of {@link PipelineStatus}; not thread-safe. */
    public static final class Builder {
        private String pipeline;
        private String runId;
        private RunState state = RunState.IDLE;
        private Trigger trigger;
        private RunMode mode;
        private String phase;
        private Integer phaseIndex;
        private Integer phaseCount;
        private String message;
        private Progress progress;
        private Instant startedAt;
        private Instant phaseStartedAt;
        private Instant updatedAt;
        private Instant finishedAt;
        private Long elapsedMs;
        private Long etaMs;
        private Instant nextRunAt;
        private Instant lastSuccessAt;
        private RunError error;
        private int version = SCHEMA_VERSION;

        private Builder(String pipeline) {
            this.pipeline = pipeline;
        }

        private Builder(PipelineStatus s) {
            pipeline = s.pipeline;
            runId = s.runId;
            state = s.state;
            trigger = s.trigger;
            mode = s.mode;
            phase = s.phase;
            phaseIndex = s.phaseIndex;
            phaseCount = s.phaseCount;
            message = s.message;
            progress = s.progress;
            startedAt = s.startedAt;
            phaseStartedAt = s.phaseStartedAt;
            updatedAt = s.updatedAt;
            finishedAt = s.finishedAt;
            elapsedMs = s.elapsedMs;
            etaMs = s.etaMs;
            nextRunAt = s.nextRunAt;
            lastSuccessAt = s.lastSuccessAt;
            error = s.error;
            version = s.version;
        }

        /** @param v run id @return this */
        public Builder runId(String v) { runId = v; return this; }
        /** @param v state @return this */
        public Builder state(RunState v) { state = v; return this; }
        /** @param v trigger @return this */
        public Builder trigger(Trigger v) { trigger = v; return this; }
        /** @param v mode @return this */
        public Builder mode(RunMode v) { mode = v; return this; }
        /** @param v phase name @return this */
        public Builder phase(String v) { phase = v; return this; }
        /** @param v 1-based phase index @return this */
        public Builder phaseIndex(Integer v) { phaseIndex = v; return this; }
        /** @param v phase count @return this */
        public Builder phaseCount(Integer v) { phaseCount = v; return this; }
        /** @param v message @return this */
        public Builder message(String v) { message = v; return this; }
        /** @param v progress @return this */
        public Builder progress(Progress v) { progress = v; return this; }
        /** @param v run start @return this */
        public Builder startedAt(Instant v) { startedAt = v; return this; }
        /** @param v phase start @return this */
        public Builder phaseStartedAt(Instant v) { phaseStartedAt = v; return this; }
        /** @param v write time @return this */
        public Builder updatedAt(Instant v) { updatedAt = v; return this; }
        /** @param v run end @return this */
        public Builder finishedAt(Instant v) { finishedAt = v; return this; }
        /** @param v elapsed ms @return this */
        public Builder elapsedMs(Long v) { elapsedMs = v; return this; }
        /** @param v eta ms @return this */
        public Builder etaMs(Long v) { etaMs = v; return this; }
        /** @param v next scheduled run @return this */
        public Builder nextRunAt(Instant v) { nextRunAt = v; return this; }
        /** @param v last success @return this */
        public Builder lastSuccessAt(Instant v) { lastSuccessAt = v; return this; }
        /** @param v error @return this */
        public Builder error(RunError v) { error = v; return this; }
        /** @param v schema version @return this */
        public Builder version(int v) { version = v; return this; }

        /** @return the document */
        public PipelineStatus build() {
            return new PipelineStatus(pipeline, runId, state, trigger, mode, phase, phaseIndex, phaseCount,
                    message, progress, startedAt, phaseStartedAt, updatedAt, finishedAt, elapsedMs, etaMs,
                    nextRunAt, lastSuccessAt, error, version);
        }
    }
}
