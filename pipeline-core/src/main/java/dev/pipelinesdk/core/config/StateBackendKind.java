package dev.pipelinesdk.core.config;

import java.util.Locale;

/** Where pipeline state lives, as chosen by {@code STATE_BACKEND}. */
public enum StateBackendKind {
    /** A directory shared by the processes of one host ({@code PIPELINE_STATE_DIR}); the default. */
    FILE,
    /** A Redis server shared by every process and machine ({@code REDIS_URL}). */
    REDIS;

    /** @return the value as written in {@code STATE_BACKEND}: {@code file} or {@code redis} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
