package dev.pipelinesdk.benchmarks.stops;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Watches the used heap while a piece of code runs: a sampler thread reads
 * {@code MemoryMXBean.getHeapMemoryUsage().getUsed()} every {@value #SAMPLE_MS} ms, and a listener on
 * every garbage collector's notifications adds the heap pools' usage just before each collection
 * (the true local maxima the sampler may miss) and just after it (what survived).
 *
 * <ul>
 *   <li>{@link #peakUsed()}: the largest used heap seen, live objects and garbage not yet collected;</li>
 *   <li>{@link #peakAfterGc()}: the largest used heap right after a collection during the watch, an
 *       upper bound of the live set at that moment (0 when no collection ran);</li>
 *   <li>{@link #baseline()}: the used heap after a full {@code System.gc()} when the watch started.</li>
 * </ul>
 */
final class HeapWatch implements AutoCloseable {
    static final int SAMPLE_MS = 5;

    private final Set<String> heapPools = new HashSet<>();
    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicLong peakAfterGc = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onGc;
    private final Thread sampler;
    private final long baseline;
    private volatile boolean running = true;

    private HeapWatch() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        baseline = settledUsed();
        peakUsed.set(baseline);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
        sampler = new Thread(() -> {
            while (running) {
                raise(peakUsed, used());
                try {
                    Thread.sleep(SAMPLE_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** @return a watch started now, after a full collection */
    static HeapWatch start() {
        return new HeapWatch();
    }

    /** @return the used heap now */
    static long used() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** @return the used heap after full collections (two, so that finalisable garbage goes too) */
    static long settledUsed() {
        System.gc();
        System.gc();
        return used();
    }

    private void onGc(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        if (info.getGcCause().equals("System.gc()")) {
            return;
        }
        collections.incrementAndGet();
        raise(peakUsed, heapUsed(info.getGcInfo().getMemoryUsageBeforeGc()));
        raise(peakAfterGc, heapUsed(info.getGcInfo().getMemoryUsageAfterGc()));
    }

    private long heapUsed(Map<String, MemoryUsage> pools) {
        long sum = 0;
        for (Map.Entry<String, MemoryUsage> e : pools.entrySet()) {
            if (heapPools.contains(e.getKey())) {
                sum += e.getValue().getUsed();
            }
        }
        return sum;
    }

    private static void raise(AtomicLong max, long value) {
        max.accumulateAndGet(value, Math::max);
    }

    /** @return the used heap after a full collection when the watch started */
    long baseline() {
        return baseline;
    }

    /** @return the largest used heap seen (live and garbage) */
    long peakUsed() {
        return peakUsed.get();
    }

    /** @return the largest used heap right after a collection during the watch, 0 when none ran */
    long peakAfterGc() {
        return peakAfterGc.get();
    }

    /** @return the collections seen (not counting {@code System.gc()}) */
    long collections() {
        return collections.get();
    }

    /** Stops sampling; GC notifications already queued are waited for briefly. */
    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        try {
            sampler.join(1000);
            Thread.sleep(100); // notifications are delivered asynchronously
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // already gone
            }
        }
    }

    /** @return bytes as MiB text */
    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.0f MiB", bytes / (1024.0 * 1024.0));
    }
}
