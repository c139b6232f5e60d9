package dev.pipelinesdk.benchmarks;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;

/**
 * The Lettuce client the baselines use: configured as {@code RedisStateBackend} configures its own
 * (2 I/O threads, commands rejected while disconnected, command timeouts on), with the same codec,
 * so that a floor measures the same kind of connection.
 */
public final class BareRedis {
    /** String keys, byte values, as the backend uses. */
    public static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private BareRedis() {
    }

    /** @return client resources sized like the backend's; shut them down after the client */
    public static ClientResources resources() {
        return DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    }

    /**
     * @param resources from {@link #resources()}
     * @return a client with the backend's options
     */
    public static RedisClient client(ClientResources resources) {
        RedisClient client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(5)))
                .build());
        return client;
    }
}
