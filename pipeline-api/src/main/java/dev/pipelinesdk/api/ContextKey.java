package dev.pipelinesdk.api;

import java.util.Objects;

/**
 * A typed key for values one phase hands to a later phase of the same run
 * ({@link PhaseContext#put(ContextKey, Object)}, {@link PhaseContext#get(ContextKey)}).
 * Declare keys as constants: {@code static final ContextKey<Path> DOWNLOADED = ContextKey.of("downloaded", Path.class);}
 *
 * @param name a name for messages; two keys are equal when name and type are equal
 * @param type the value's class
 * @param <T>  the value type
 */
public record ContextKey<T>(String name, Class<T> type) {

    /** Validates the key. */
    public ContextKey {
        Objects.requireNonNull(type, "type");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("context key name must not be blank");
        }
    }

    /**
     * @param name the key's name
     * @param type the value's class
     * @param <T>  the value type
     * @return a key
     */
    public static <T> ContextKey<T> of(String name, Class<T> type) {
        return new ContextKey<>(name, type);
    }
}
