package dev.pipelinesdk.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.pipelinesdk.api.testing.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Separate JVMs hammering one lease on one redis-server, while the parent SIGKILLs whichever
 * process is working under the lease and starts a replacement. A killed holder's lease expires by
 * its TTL; nobody works under it before that.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MultiProcessRedisLeaseTest {

    private static final int PROCESSES = 3;
    private static final int MIN_ITERATIONS = 20;
    private static final int HOLDER_KILLS = 5;
    private static final int MAX_KILLS = 15;

    @TempDir
    Path tmp;

    @Test
    void jvmsHammeringOneLease_withHoldersKilled_neverOverlap_andFencesStrictlyIncrease() throws Exception {
        Path log = tmp.resolve("intervals.log");
        Path stop = tmp.resolve("stop");
        Map<Long, ChildJvm> live = new LinkedHashMap<>();
        List<ChildJvm> all = new ArrayList<>();
        Set<Long> killed = new HashSet<>();
        Set<Long> killedHolders = new HashSet<>();
        try (RedisServerProcess server = RedisServerProcess.start(tmp.resolve("redis"))) {
            for (int i = 0; i < PROCESSES; i++) {
                startChild(server, log, stop, live, all);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(100).toNanos();
            while (killedHolders.size() < HOLDER_KILLS) {
                assertThat(killed.size()).as("kills needed to hit %d holders%s", HOLDER_KILLS, diagnostics(all))
                        .isLessThan(MAX_KILLS);
                String[] start = awaitWorkingHolder(log, live.keySet(), deadline, all);
                long pid = Long.parseLong(start[1]);
                ChildJvm victim = live.remove(pid);
                victim.kill(); // SIGKILL: no release, no END line
                killed.add(pid);
                if (!lines(log).contains("END " + pid + " " + start[2])) {
                    killedHolders.add(pid); // it died inside its interval
                }
                startChild(server, log, stop, live, all);
            }
            Files.createFile(stop);
            for (ChildJvm child : live.values()) {
                assertThat(child.awaitExit(Duration.ofSeconds(60))).as("exit code%s", child.diagnostics()).isZero();
                assertThat(child.stdout()).as("%s", child.diagnostics()).contains("DONE " + child.pid());
            }
        } finally {
            all.forEach(ChildJvm::close);
        }

        List<String> lines = lines(log);
        String[] open = null;
        long lastFence = 0;
        int intervals = 0;
        Set<Long> unclosed = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] parts = lines.get(i).split(" ");
            String where = "line " + (i + 1) + " '" + lines.get(i) + "'" + (open == null ? "" : " (open: " + String.join(" ", open) + ")");
            assertThat(parts).as(where).hasSize(3);
            long pid = Long.parseLong(parts[1]);
            long fence = Long.parseLong(parts[2]);
            if (parts[0].equals("START")) {
                if (open != null) {
                    long openPid = Long.parseLong(open[1]);
                    assertThat(killed).as("only a killed holder may leave its interval open: %s", where).contains(openPid);
                    assertThat(pid).as(where).isNotEqualTo(openPid);
                    unclosed.add(openPid);
                }
                assertThat(fence).as("fences strictly increase: %s", where).isGreaterThan(lastFence);
                lastFence = fence;
                open = parts;
                intervals++;
            } else {
                assertThat(parts[0]).as(where).isEqualTo("END");
                assertThat(open).as("an END must close the interval just begun: %s", where).isNotNull();
                assertThat(parts).as("an END must close the interval just begun: %s", where)
                        .containsExactly("END", open[1], open[2]);
                open = null;
            }
        }
        if (open != null) {
            assertThat(killed).as("last interval open").contains(Long.parseLong(open[1]));
            unclosed.add(Long.parseLong(open[1]));
        }
        assertThat(unclosed).as("the unclosed intervals are exactly the killed holders'").isEqualTo(killedHolders);
        assertThat(intervals).isGreaterThanOrEqualTo(PROCESSES * MIN_ITERATIONS);
    }

    private void startChild(RedisServerProcess server, Path log, Path stop, Map<Long, ChildJvm> live,
                            List<ChildJvm> all) throws IOException {
        ChildJvm child = ChildJvm.start(tmp, List.of(), RedisLeaseHammer.class, "hammer", server.url(), log.toString(),
                stop.toString(), String.valueOf(MIN_ITERATIONS));
        live.put(child.pid(), child);
        all.add(child);
    }

    /** @return the last log line, once it is a START of a live child (someone works under the lease) */
    private static String[] awaitWorkingHolder(Path log, Set<Long> livePids, long deadline, List<ChildJvm> all)
            throws IOException, InterruptedException {
        while (true) {
            List<String> lines = lines(log);
            if (!lines.isEmpty()) {
                String[] last = lines.get(lines.size() - 1).split(" ");
                if (last[0].equals("START") && livePids.contains(Long.parseLong(last[1]))) {
                    return last;
                }
            }
            if (System.nanoTime() > deadline) {
                return fail("no live holder at work before the deadline; log tail %s%s",
                        lines.subList(Math.max(0, lines.size() - 5), lines.size()), diagnostics(all));
            }
            Thread.sleep(1);
        }
    }

    /** @return the complete lines of the log (a line still being written is left out) */
    private static List<String> lines(Path log) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : Arrays.asList(text.substring(0, end).split("\n"));
    }

    private static String diagnostics(List<ChildJvm> all) {
        StringBuilder b = new StringBuilder();
        all.forEach(c -> b.append(c.diagnostics()));
        return b.toString();
    }
}
