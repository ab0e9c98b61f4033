package dev.ferry.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * A Kratos admin API stand-in for benchmarks and fault runs: every lookup answers, after a fixed
 * latency, one identity derived from the email (so every user links to its own identity), unless a
 * fault is drawn for it. Vert.x with TCP_NODELAY and a timer instead of a sleeping thread: thousands
 * of lookups per second cost the shared CPU little, so the figures show Ferry rather than the stub.
 */
public final class LookupStub implements AutoCloseable {

    /** What a lookup gets instead of its identity, drawn per request with these probabilities. */
    public record Faults(double slow, Duration slowBy, double serverError, double tooManyRequests, double malformed, double reset,
            long seed) {

        public static final Faults NONE = new Faults(0, Duration.ZERO, 0, 0, 0, 0, 0);
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong faulted = new AtomicLong();
    private volatile Faults faults;
    private volatile Random random;

    private LookupStub(Vertx vertx, Duration latency, Faults faults) throws Exception {
        this.vertx = vertx;
        faults(faults);
        this.server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setHost("127.0.0.1").setPort(0))
                .requestHandler(request -> handle(request, latency));
        server.listen().toCompletionStage().toCompletableFuture().get();
    }

    public static LookupStub start(Duration latency) throws Exception {
        return start(latency, Faults.NONE);
    }

    public static LookupStub start(Duration latency, Faults faults) throws Exception {
        return new LookupStub(Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1)), latency, faults);
    }

    /** Changes the faults from the next lookup on (a flapping Kratos, a storm that ends). */
    public void faults(Faults faults) {
        this.faults = faults;
        this.random = new Random(faults.seed());
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    public int port() {
        return server.actualPort();
    }

    /** Lookups answered with an identity (slow ones too), and lookups that got a fault, a slow answer included. */
    public long answered() {
        return answered.get();
    }

    public long faulted() {
        return faulted.get();
    }

    private void handle(HttpServerRequest request, Duration latency) {
        String email = request.getParam("credentials_identifier");
        if (email == null) {
            request.response().setStatusCode(400).end();
            return;
        }
        Faults f = faults;
        double draw;
        synchronized (this) {
            draw = random.nextDouble();
        }
        long delay = latency.toMillis();
        if ((draw -= f.reset()) < 0) {
            faulted.incrementAndGet();
            request.connection().close();
            return;
        }
        if ((draw -= f.serverError()) < 0) {
            faulted.incrementAndGet();
            later(delay, () -> request.response().setStatusCode(503).end("{\"error\":{\"code\":503,\"message\":\"flapping\"}}"));
            return;
        }
        if ((draw -= f.tooManyRequests()) < 0) {
            faulted.incrementAndGet();
            later(delay, () -> request.response().setStatusCode(429).putHeader("Retry-After", "1").end());
            return;
        }
        if ((draw -= f.malformed()) < 0) {
            faulted.incrementAndGet();
            later(delay, () -> request.response().putHeader("Content-Type", "application/json").end("[{\"id\": "));
            return;
        }
        if ((draw -= f.slow()) < 0) {
            faulted.incrementAndGet();
            delay += f.slowBy().toMillis();
        }
        String body = "[{\"id\":\"" + UUID.nameUUIDFromBytes(email.getBytes(StandardCharsets.UTF_8)) + "\",\"state\":\"active\"}]";
        later(delay, () -> {
            answered.incrementAndGet();
            request.response().putHeader("Content-Type", "application/json").end(body);
        });
    }

    private void later(long delay, Runnable answer) {
        if (delay <= 0) {
            answer.run();
        } else {
            vertx.setTimer(delay, tick -> answer.run());
        }
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }
}
