package dev.pipelinesdk.benchmarks.lease;

import dev.pipelinesdk.benchmarks.BareRedis;

import dev.pipelinesdk.api.Lease;
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
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code redis-lease}: one lease cycle ({@code tryAcquire} + {@code release}) of
 * {@link RedisStateBackend} against the bare two-command floor and against the command sequence
 * ShedLock's Redis providers send for one lock + unlock.
 */
public final class RedisLeaseBenchmark implements Benchmark {

    static final String ID = "redis-lease";
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final String PIPELINE = "lease-bench";
    private static final String OWNER = "bench-owner-1";
    private static final String BARE_KEY = "bench-bare:lease-bench:lock";
    private static final String SCRIPT_PREFIX = "bench-scripts:";
    private static final String SHEDLOCK_KEY = "job-lock:default:lease-bench";
    private static final int WARMUP = 3;
    private static final int ROUNDS = 14;
    private static final int OPS = 600;
    /** ShedLock's unlock with {@code safeUpdate = true}: delete only while the value is still ours. */
    private static final String SHEDLOCK_SAFE_DELETE = """
            if redis.call("get", KEYS[1]) == ARGV[1] then
                return redis.call("del", KEYS[1])
            else
                return 0
            end
            """;

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
                + " GET lock, GET fence, DEL lock), each one round trip. Baseline (the floor): `SET key owner NX PX 30000`"
                + " then `DEL key`, sent through a Lettuce `StatefulRedisConnection<String, byte[]>` of the same kind and"
                + " client options as the backend's (sync API, same `redis-server` on loopback). Second baseline:"
                + " the *ShedLock-equivalent command sequence*: what ShedLock's Redis providers (`InternalRedisLockProvider`,"
                + " shared by its Spring, Jedis and Lettuce providers) send per lock + unlock with default settings:"
                + " `SET job-lock:default:<name> \"ADDED:<ISO time>@<host>:<UUID>\" NX PX <lockAtMostFor>` then `DEL`"
                + " (lockAtLeastFor 0), and with `safeUpdate = true` the DEL replaced by an `EVAL` of a GET-compare-DEL"
                + " script. ShedLock itself was not run: its Redis providers on Maven Central need Spring Data Redis or"
                + " Jedis, which this build does not depend on, so its sequence is replayed on the same Lettuce connection."
                + " Decomposition: the library's two scripts sent bare by EVALSHA (no Java layer). Each comparison: "
                + WARMUP + " warm-up rounds per side, then " + ROUNDS + " alternating rounds of " + OPS
                + " cycles per side. Bounded by the loopback round trip (two per cycle on every side) and by the"
                + " Lettuce sync path (command object, Netty event-loop hand-off, future wait).";
    }

    @Override
    public List<Figure> run(Environment env) throws Exception {
        String url = env.redis().url();
        ClientResources resources = BareRedis.resources();
        RedisClient client = BareRedis.client(resources);
        RedisCodec<String, byte[]> codec = BareRedis.CODEC;
        try (RedisStateBackend backend = RedisStateBackend.builder(url).keyPrefix("bench-lease:").build();
                StatefulRedisConnection<String, byte[]> connection = client.connect(codec, RedisURI.create(url))) {
            RedisCommands<String, byte[]> redis = connection.sync();
            byte[] owner = OWNER.getBytes(StandardCharsets.UTF_8);
            long ttlMs = TTL.toMillis();
            String host = hostName();

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
            Op shedlock = () -> {
                byte[] value = ("ADDED:" + Instant.now() + "@" + host + ":" + UUID.randomUUID())
                        .getBytes(StandardCharsets.UTF_8);
                if (!"OK".equals(redis.set(SHEDLOCK_KEY, value, SetArgs.Builder.nx().px(ttlMs)))) {
                    throw new IllegalStateException("ShedLock-equivalent SET NX of " + SHEDLOCK_KEY + " refused");
                }
                redis.del(SHEDLOCK_KEY);
            };
            Op shedlockSafe = () -> {
                byte[] value = ("ADDED:" + Instant.now() + "@" + host + ":" + UUID.randomUUID())
                        .getBytes(StandardCharsets.UTF_8);
                if (!"OK".equals(redis.set(SHEDLOCK_KEY, value, SetArgs.Builder.nx().px(ttlMs)))) {
                    throw new IllegalStateException("ShedLock-equivalent SET NX of " + SHEDLOCK_KEY + " refused");
                }
                Long deleted = redis.eval(SHEDLOCK_SAFE_DELETE, ScriptOutputType.INTEGER, new String[] {SHEDLOCK_KEY},
                        value);
                if (deleted == null || deleted != 1L) {
                    throw new IllegalStateException("ShedLock-equivalent safe delete removed nothing");
                }
            };
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

            Comparison vsFloor = Comparison.of(library, floor, WARMUP, ROUNDS, OPS);
            Comparison scriptsVsFloor = Comparison.of(scriptsBare, floor, WARMUP, ROUNDS, OPS);
            Comparison vsShedlock = Comparison.of(library, shedlock, WARMUP, ROUNDS, OPS);
            Comparison vsShedlockSafe = Comparison.of(library, shedlockSafe, WARMUP, ROUNDS, OPS);

            List<Figure> figures = new ArrayList<>();
            figures.add(new Figure(ID, "lease cycle / bare `SET NX PX` + `DEL`", vsFloor.ratioText(), "≤ 1.25×",
                    vsFloor.ratio() <= 1.25,
                    String.format(Locale.ROOT, "%.1f µs vs %.1f µs per cycle; %s. Of the ratio, the server-side"
                                    + " script work accounts for the next row's share; the rest is the backend's Java layer"
                                    + " and noise (2 shared cores: this ratio moved between 1.21× and 1.32× across runs)",
                            us(vsFloor.subjectNsPerOp()), us(vsFloor.baselineNsPerOp()), sample(vsFloor))));
            figures.add(new Figure(ID, "the same two scripts by bare EVALSHA / bare `SET NX PX` + `DEL`",
                    scriptsVsFloor.ratioText(), "", null,
                    String.format(Locale.ROOT, "decomposition: %.1f µs vs %.1f µs; the server-side script work (Lua,"
                                    + " 7 commands instead of 2) without the backend's Java layer; %s",
                            us(scriptsVsFloor.subjectNsPerOp()), us(scriptsVsFloor.baselineNsPerOp()),
                            sample(scriptsVsFloor))));
            figures.add(new Figure(ID, "lease cycle / ShedLock-equivalent command sequence (default: SET NX PX + DEL)",
                    vsShedlock.ratioText(), "", null,
                    String.format(Locale.ROOT, "%.1f µs vs %.1f µs; ShedLock itself not run (no Lettuce-only provider"
                                    + " on Central; its sequence replayed on the same connection); %s",
                            us(vsShedlock.subjectNsPerOp()), us(vsShedlock.baselineNsPerOp()), sample(vsShedlock))));
            figures.add(new Figure(ID, "lease cycle / ShedLock-equivalent, `safeUpdate` (SET NX PX + EVAL GET-compare-DEL)",
                    vsShedlockSafe.ratioText(), "", null,
                    String.format(Locale.ROOT, "%.1f µs vs %.1f µs; the unlock checks ownership like the library's"
                                    + " release (ShedLock sends the script text with EVAL every time); %s",
                            us(vsShedlockSafe.subjectNsPerOp()), us(vsShedlockSafe.baselineNsPerOp()),
                            sample(vsShedlockSafe))));
            return figures;
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    static double us(double ns) {
        return ns / 1000.0;
    }

    static String sample(Comparison c) {
        return c.rounds() + " alternating rounds × " + c.opsPerRound() + " cycles per side";
    }
}
