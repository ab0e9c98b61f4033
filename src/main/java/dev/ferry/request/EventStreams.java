package dev.ferry.request;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/**
 * Counts the open event streams, per caller and in all, so that nobody can hold every stream (each
 * one polls the ledger) with streams nobody needs.
 */
@ApplicationScoped
public class EventStreams {

    private final EventsConfig config;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> byCaller = new ConcurrentHashMap<>();

    public EventStreams(EventsConfig config) {
        this.config = config;
    }

    /** A place for one more stream of {@code caller}, or TOO_MANY_STREAMS. Close the permit when the stream ends. */
    public Permit open(String caller) {
        AtomicInteger mine = byCaller.computeIfAbsent(caller, c -> new AtomicInteger());
        if (mine.incrementAndGet() > config.maxStreamsPerCaller()) {
            release(caller, mine);
            throw new FerryException(ErrorCode.TOO_MANY_STREAMS, "You already hold " + config.maxStreamsPerCaller()
                    + " event streams; close one first");
        }
        if (open.incrementAndGet() > config.maxStreams()) {
            open.decrementAndGet();
            release(caller, mine);
            throw new FerryException(ErrorCode.TOO_MANY_STREAMS, "This instance holds " + config.maxStreams()
                    + " event streams; try again later");
        }
        return new Permit(caller, mine);
    }

    private void release(String caller, AtomicInteger count) {
        if (count.decrementAndGet() <= 0) {
            byCaller.remove(caller, count);
        }
    }

    /** One open stream; closing it twice frees one place. */
    public final class Permit implements AutoCloseable {
        private final String caller;
        private final AtomicInteger count;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Permit(String caller, AtomicInteger count) {
            this.caller = caller;
            this.count = count;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                open.decrementAndGet();
                release(caller, count);
            }
        }
    }
}
