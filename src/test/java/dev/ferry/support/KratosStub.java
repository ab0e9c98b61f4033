package dev.ferry.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * A WireMock Kratos admin API for the backfill tests, on a fixed free port (so it can be stopped and
 * started again) and counting lookups in flight, so tests can check the concurrency bound.
 */
public final class KratosStub {

    private static KratosStub shared;

    private final WireMockServer server;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    private KratosStub() {
        server = new WireMockServer(WireMockConfiguration.options()
                .port(freePort())
                .containerThreads(64)
                .jettyAcceptors(2)
                .extensions(new InFlightCounter()));
        server.start();
        // The same server stands in for Alertmanager: alerts are accepted unless a test says otherwise.
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/api/v2/alerts")).atPriority(100)
                .willReturn(aResponse().withStatus(200)));
        // Unknown emails: Kratos answers an empty array.
        server.stubFor(get(urlPathEqualTo("/admin/identities")).atPriority(100)
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("[]")));
    }

    public static synchronized KratosStub instance() {
        if (shared == null) {
            shared = new KratosStub();
        }
        return shared;
    }

    public WireMockServer server() {
        return server;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public void resetMaxInFlight() {
        maxInFlight.set(0);
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class InFlightCounter implements ServeEventListener {
        @Override
        public void beforeMatch(ServeEvent serveEvent, com.github.tomakehurst.wiremock.extension.Parameters parameters) {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
        }

        /** Before the response goes out: the client cannot have started another lookup in its place yet. */
        @Override
        public void beforeResponseSent(ServeEvent serveEvent, com.github.tomakehurst.wiremock.extension.Parameters parameters) {
            inFlight.decrementAndGet();
        }

        @Override
        public String getName() {
            return "in-flight-counter";
        }
    }
}
