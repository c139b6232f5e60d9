package dev.pipelinesdk.core.scheduling;

import dev.pipelinesdk.file.FileStateBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A scheduler instance, or a database-only trigger, in a child JVM.
 *
 * <pre>
 * scheduler JDBC_URL USER PASSWORD STATE_DIR WORK_LOG NODE INTERVAL_MS WORK_MS LEASE_TTL_MS
 * trigger   JDBC_URL USER PASSWORD PIPELINE
 * </pre>
 *
 * Prints {@code READY} once started, {@code TRIGGER <status> <runId>} for a trigger.
 */
public final class SchedulerNode {
    private SchedulerNode() {
    }

    public static void main(String[] args) throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(args[1]);
        ds.setUser(args[2]);
        if (!args[3].isEmpty()) {
            ds.setPassword(args[3]);
        }
        if (args[0].equals("trigger")) {
            TriggerResult r = PipelineSchedulerClient.connect(ds).trigger(args[4]);
            System.out.println("TRIGGER " + r.status() + " " + r.runId());
            return;
        }
        Path stateDir = Path.of(args[4]);
        Path workLog = Path.of(args[5]);
        String node = args[6];
        long intervalMs = Long.parseLong(args[7]);
        long workMs = Long.parseLong(args[8]);
        Duration ttl = Duration.ofMillis(Long.parseLong(args[9]));
        FileStateBackend backend = FileStateBackend.open(stateDir);
        PipelineScheduler scheduler = PipelineScheduler.builder(ds, backend)
                .pipeline(WorkLog.pipeline("tick", workLog, node, workMs),
                        Schedule.every(Duration.ofMillis(intervalMs), ZoneId.of("UTC")))
                .pollingInterval(Duration.ofMillis(200))
                .misfireGrace(Duration.ofSeconds(30))
                .leaseTtl(ttl)
                .nodeId(node)
                .build()
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(scheduler::close));
        System.out.println("READY");
        Thread.sleep(Long.MAX_VALUE);
    }
}
