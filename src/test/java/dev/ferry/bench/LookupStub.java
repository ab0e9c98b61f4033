package dev.ferry.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * A Kratos admin API stand-in for throughput benchmarks: every lookup answers, after a fixed
 * latency, one identity derived from the email (so every user links to its own identity). Vert.x
 * with TCP_NODELAY and a timer instead of a sleeping thread: thousands of lookups per second cost
 * the shared CPU little, so the figures show Ferry rather than the stub.
 */
final class LookupStub implements AutoCloseable {

    private final Vertx vertx;
    private final HttpServer server;

    private LookupStub(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    static LookupStub start(Duration latency) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setHost("127.0.0.1").setPort(0))
                .requestHandler(request -> {
                    String email = request.getParam("credentials_identifier");
                    if (email == null) {
                        request.response().setStatusCode(400).end();
                        return;
                    }
                    String body = "[{\"id\":\"" + UUID.nameUUIDFromBytes(email.getBytes(StandardCharsets.UTF_8))
                            + "\",\"state\":\"active\"}]";
                    vertx.setTimer(latency.toMillis(), tick -> request.response().putHeader("Content-Type", "application/json").end(body));
                });
        server.listen().toCompletionStage().toCompletableFuture().get();
        return new LookupStub(vertx, server);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    int port() {
        return server.actualPort();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }
}
