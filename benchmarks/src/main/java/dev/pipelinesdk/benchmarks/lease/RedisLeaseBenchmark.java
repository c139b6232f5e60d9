package dev.pipelinesdk.benchmarks.lease;

import dev.pipelinesdk.api.Lease;
import dev.pipelinesdk.benchmarks.BareRedis;
import dev.pipelinesdk.benchmarks.Benchmark;
import dev.pipelinesdk.benchmarks.Comparison;
import dev.pipelinesdk.benchmarks.Environment;
import dev.pipelinesdk.benchmarks.Figure;
import dev.pipelinesdk.benchmarks.Op;
import dev.pipelinesdk.redis.RedisStateBackend;
import dev.pipelinesdk.redis.internal.LuaScripts;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.resource.ClientResources;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.redis.spring.RedisLockProvider;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * {@code redis-lease}: one lease cycle ({@code tryAcquire} + {@code release}) of
 * {@link RedisStateBackend} against the bare two-command floor and against ShedLock's
 * {@code RedisLockProvider} (lock + unlock) running on Spring Data Redis' Lettuce connection factory.
 */
public final class RedisLeaseBenchmark implements Benchmark {

    static final String ID = "redis-lease";
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final String PIPELINE = "lease-bench";
    private static final String OWNER = "bench-owner-1";
    private static final String BARE_KEY = "bench-bare:lease-bench:lock";
    private static final String SCRIPT_PREFIX = "bench-scripts:";
    /** ShedLock's lock name; its provider stores the lock under {@code job-lock:default:<name>}. */
    private static final String SHEDLOCK_NAME = "lease-bench";
    private static final int WARMUP = 3;
    private static final int ROUNDS = 14;
    private static final int OPS = 600;
    /** Cycles of every side before the first comparison, so that each is measured JIT-compiled. */
    private static final int JIT_WARMUP_CYCLES = 20_000;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Lease cycle on Redis";
    }

    @Override
    public String method() {
        return "Subject: `RedisStateBackend.tryAcquire(pipeline, owner, 30 s)` followed by `Lease.release()`, i.e. the"
                + " acquire script (EVALSHA: GET fence, SET lock NX PX, TIME, SET fence) and the release script (EVALSHA:"
                + " GET lock, GET fence, DEL lock), each one round trip, on Lettuce " + version("io.lettuce", "lettuce-core")
                + ". Baseline (the floor): `SET key owner NX PX 30000` then `DEL key`, sent through a Lettuce"
                + " `StatefulRedisConnection<String, byte[]>` of the same kind and client options as the backend's (sync"
                + " API, same `redis-server` on loopback). Second baseline: ShedLock itself, as a benchmark-only"
                + " dependency: `shedlock-provider-redis-spring` " + version("net.javacrumbs.shedlock",
                "shedlock-provider-redis-spring") + " (`RedisLockProvider`) on Spring Data Redis "
                + version("org.springframework.data", "spring-data-redis") + " `LettuceConnectionFactory` (standalone,"
                + " same host, port and password, the same Lettuce client resources and client options as the floor;"
                + " by default the factory hands every operation a shared native Lettuce connection, so no pool and no"
                + " connect per operation). One cycle is `lock(new LockConfiguration(now, name, lockAtMostFor 30 s,"
                + " lockAtLeastFor 0)).get().unlock()`, each lock checked as granted; on the wire that is"
                + " `SET job-lock:default:<name> \"ADDED:<ISO time>@<host>\" NX PX 30000` then `DEL` (the unlock of"
                + " this provider does not compare the owner), sent through Spring's `StringRedisTemplate`."
                + " Decompositions: the library's two scripts sent bare by EVALSHA (no Java layer), and ShedLock against"
                + " the floor (what its Spring and ShedLock layers add to the same two commands), measured before the"
                + " library-vs-ShedLock comparison so that both sides of that one are equally warmed up. Each comparison: "
                + WARMUP + " warm-up rounds per side, then " + ROUNDS + " alternating rounds of " + OPS
                + " cycles per side. Bounded by the loopback round trip (two per cycle on every side) and by the"
                + " Lettuce sync path (command object, Netty event-loop hand-off, future wait).";
    }

    @Override
    public List<Figure> run(Environment env) throws Exception {
        String url = env.redis().url();
        RedisURI uri = RedisURI.create(url);
        ClientResources resources = BareRedis.resources();
        RedisClient client = BareRedis.client(resources);
        RedisCodec<String, byte[]> codec = BareRedis.CODEC;
        LettuceConnectionFactory springFactory = null;
        try (RedisStateBackend backend = RedisStateBackend.builder(url).keyPrefix("bench-lease:").build();
                StatefulRedisConnection<String, byte[]> connection = client.connect(codec, uri)) {
            RedisCommands<String, byte[]> redis = connection.sync();
            byte[] owner = OWNER.getBytes(StandardCharsets.UTF_8);
            long ttlMs = TTL.toMillis();
            springFactory = springFactory(uri, client, resources);
            LockProvider shedlockProvider = new RedisLockProvider(springFactory);

            Op library = () -> {
                Lease lease = backend.tryAcquire(PIPELINE, OWNER, TTL)
                        .orElseThrow(() -> new IllegalStateException("lease of '" + PIPELINE + "' not granted"));
                lease.release();
            };
            Op floor = () -> {
                if (!"OK".equals(redis.set(BARE_KEY, owner, SetArgs.Builder.nx().px(ttlMs)))) {
                    throw new IllegalStateException("bare SET NX of " + BARE_KEY + " refused");
                }
                redis.del(BARE_KEY);
            };
            Op shedlock = () -> shedlockProvider
                    .lock(new LockConfiguration(ClockProvider.now(), SHEDLOCK_NAME, TTL, Duration.ZERO))
                    .orElseThrow(() -> new IllegalStateException("ShedLock lock '" + SHEDLOCK_NAME + "' not granted"))
                    .unlock();
            String[] scriptKeys = {SCRIPT_PREFIX + PIPELINE + ":lock", SCRIPT_PREFIX + PIPELINE + ":fence"};
            byte[] ttlArg = Long.toString(ttlMs).getBytes(StandardCharsets.US_ASCII);
            // load both scripts once, as the backend's first calls do
            redis.scriptLoad(LuaScripts.ACQUIRE.text().getBytes(StandardCharsets.UTF_8));
            redis.scriptLoad(LuaScripts.RELEASE.text().getBytes(StandardCharsets.UTF_8));
            Op scriptsBare = () -> {
                Long fence = redis.evalsha(LuaScripts.ACQUIRE.sha1(), ScriptOutputType.INTEGER, scriptKeys, owner,
                        ttlArg);
                if (fence == null || fence <= 0) {
                    throw new IllegalStateException("bare acquire script refused");
                }
                Long released = redis.evalsha(LuaScripts.RELEASE.sha1(), ScriptOutputType.INTEGER, scriptKeys, owner,
                        Long.toString(fence).getBytes(StandardCharsets.US_ASCII));
                if (released == null || released != 1L) {
                    throw new IllegalStateException("bare release script released nothing");
                }
            };

            // steady state first: every side's code (the backend's, Lettuce's, Spring's, ShedLock's) compiled by
            // the JIT, in alternating chunks, so that the first comparison does not measure compilation
            for (int done = 0; done < JIT_WARMUP_CYCLES; done += OPS) {
                for (Op op : List.of(library, floor, shedlock, scriptsBare)) {
                    for (int i = 0; i < OPS; i++) {
                        op.run();
                    }
                }
            }
            Comparison vsFloor = Comparison.of(library, floor, WARMUP, ROUNDS, OPS);
            Comparison scriptsVsFloor = Comparison.of(scriptsBare, floor, WARMUP, ROUNDS, OPS);
            // ShedLock against the floor first: by the time it meets the library, its code (and Spring's) has run
            // as many cycles as the library's has, so neither side is measured less warmed up than the other
            Comparison shedlockVsFloor = Comparison.of(shedlock, floor, WARMUP, ROUNDS, OPS);
            Comparison vsShedlock = Comparison.of(library, shedlock, WARMUP, ROUNDS, OPS);

            List<Figure> figures = new ArrayList<>();
            figures.add(new Figure(ID, "lease cycle / bare `SET NX PX` + `DEL`", vsFloor.ratioText(), "≤ 1.25×",
                    vsFloor.ratio() <= 1.25,
                    String.format(Locale.ROOT, "%.1f µs vs %.1f µs per cycle; %s. Of the ratio, the server-side"
                                    + " script work accounts for the next row's share; the rest is the backend's Java layer"
                                    + " and noise (2 shared cores: one run's ratio moves by ±0.05 or more)",
                            us(vsFloor.subjectNsPerOp()), us(vsFloor.baselineNsPerOp()), sample(vsFloor))));
            figures.add(new Figure(ID, "the same two scripts by bare EVALSHA / bare `SET NX PX` + `DEL`",
                    scriptsVsFloor.ratioText(), "", null,
                    String.format(Locale.ROOT, "decomposition: %.1f µs vs %.1f µs; the server-side script work (Lua,"
                                    + " 7 commands instead of 2) without the backend's Java layer; %s",
                            us(scriptsVsFloor.subjectNsPerOp()), us(scriptsVsFloor.baselineNsPerOp()),
                            sample(scriptsVsFloor))));
            figures.add(new Figure(ID, "lease cycle / ShedLock `RedisLockProvider` (Lettuce) lock + unlock",
                    vsShedlock.ratioText(), "≤ 1.0×", vsShedlock.ratio() <= 1.0,
                    String.format(Locale.ROOT, "%.1f µs vs %.1f µs per cycle; ShedLock %s on Spring Data Redis %s"
                                    + " `LettuceConnectionFactory` (shared native connection), lockAtMostFor 30 s,"
                                    + " lockAtLeastFor 0; %s. The two sides do not buy the same: ShedLock sends plain"
                                    + " `SET NX PX` + `DEL` (no fencing token; its unlock deletes the key without checking"
                                    + " the owner, so a holder whose lock expired can delete its successor's), the lease"
                                    + " runs two scripts: a fencing token that keeps growing even when Redis loses its"
                                    + " data, and a release that only deletes its own lock. The scripts' server time is"
                                    + " the second row's share",
                            us(vsShedlock.subjectNsPerOp()), us(vsShedlock.baselineNsPerOp()),
                            version("net.javacrumbs.shedlock", "shedlock-provider-redis-spring"),
                            version("org.springframework.data", "spring-data-redis"), sample(vsShedlock))));
            figures.add(new Figure(ID, "ShedLock `RedisLockProvider` lock + unlock / bare `SET NX PX` + `DEL`",
                    shedlockVsFloor.ratioText(), "", null,
                    String.format(Locale.ROOT, "decomposition: %.1f µs vs %.1f µs; the same two commands, so this is"
                                    + " what ShedLock's and Spring's Java layers (lock configuration, ISO-time + host"
                                    + " value, `StringRedisTemplate`, connection wrapper per operation) add; %s",
                            us(shedlockVsFloor.subjectNsPerOp()), us(shedlockVsFloor.baselineNsPerOp()),
                            sample(shedlockVsFloor))));
            return figures;
        } finally {
            if (springFactory != null) {
                springFactory.destroy();
            }
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        }
    }

    /**
     * @return a started Spring Data Redis connection factory for the server of {@code uri}, on the same client
     *     resources and client options as the floor's client (the factory leaves the given resources running)
     */
    private static LettuceConnectionFactory springFactory(RedisURI uri, RedisClient like, ClientResources resources) {
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(uri.getHost(), uri.getPort());
        server.setDatabase(uri.getDatabase());
        if (uri.getPassword() != null) {
            server.setPassword(RedisPassword.of(uri.getPassword()));
        }
        if (uri.getUsername() != null) {
            server.setUsername(uri.getUsername());
        }
        LettuceClientConfiguration clientConfig = LettuceClientConfiguration.builder()
                .clientResources(resources)
                .clientOptions(like.getOptions())
                .commandTimeout(uri.getTimeout())
                .build();
        LettuceConnectionFactory factory = new LettuceConnectionFactory(server, clientConfig);
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    /** @return the version of a jar on the classpath, from the Maven metadata it carries (kept by the shade plugin) */
    static String version(String groupId, String artifactId) {
        String resource = "/META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        try (InputStream in = RedisLeaseBenchmark.class.getResourceAsStream(resource)) {
            if (in == null) {
                return "(version unknown)";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "(version unknown)");
        } catch (IOException e) {
            return "(version unknown)";
        }
    }

    static double us(double ns) {
        return ns / 1000.0;
    }

    static String sample(Comparison c) {
        return c.rounds() + " alternating rounds × " + c.opsPerRound() + " cycles per side";
    }
}
