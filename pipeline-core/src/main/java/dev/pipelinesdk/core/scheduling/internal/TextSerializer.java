package dev.pipelinesdk.core.scheduling.internal;

import com.github.kagkarlsson.scheduler.serializer.Serializer;
import java.nio.charset.StandardCharsets;

/**
 * Stores db-scheduler task data as UTF-8 text, and nothing else: the scheduler's tasks carry a
 * small JSON string ({@link TaskData}). Refusing every other type keeps Java serialization (and
 * with it untyped deserialization of whatever a database row holds) out of the process.
 */
public final class TextSerializer implements Serializer {
    /** The one instance. */
    public static final TextSerializer INSTANCE = new TextSerializer();

    private TextSerializer() {
    }

    @Override
    public byte[] serialize(Object data) {
        if (data == null) {
            return null;
        }
        if (!(data instanceof String text)) {
            throw new IllegalArgumentException("Pipeline SDK task data must be text, was " + data.getClass().getName());
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <T> T deserialize(Class<T> clazz, byte[] serializedData) {
        if (clazz != String.class) {
            throw new IllegalArgumentException("Pipeline SDK task data can only be read as text, not " + clazz.getName());
        }
        return serializedData == null ? null : clazz.cast(new String(serializedData, StandardCharsets.UTF_8));
    }
}
