package dev.ferry.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Heap still in use after the latest collection of each pool: what a run retains, not the garbage a
 * large default heap lets pile up between collections. Includes everything the benchmark's JVM
 * hosts (the application, the stub, the in-JVM broker).
 */
final class LiveHeap implements AutoCloseable {

    private final long before;
    private final AtomicLong peak;
    private final Thread sampler;

    private LiveHeap() {
        // A full collection first: otherwise "before" is whatever the old generation held at its last
        // collection, which may be long before (one run read 20 MB here and 327 MB a moment later).
        System.gc();
        before = now();
        peak = new AtomicLong(before);
        sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(now(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "live-heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts sampling the live heap every 20 ms until closed. */
    static LiveHeap sample() {
        return new LiveHeap();
    }

    long before() {
        return before;
    }

    long peak() {
        return peak.get();
    }

    @Override
    public void close() {
        sampler.interrupt();
    }

    private static long now() {
        long live = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                live += pool.getCollectionUsage().getUsed();
            }
        }
        return live;
    }
}
