package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.ferry.support.EmbeddedServersResource;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestTokens;

/**
 * JVM mode: process start to ready, and RSS after 100 requests, of the packaged Ferry against
 * already-running MariaDB and Kafka, beside a bare Quarkus REST hello app built in this same run.
 */
class StartupBenchmarkIT {

    private static final int STARTS = 3;
    private static final Path HELLO = Path.of("target/bench/hello");

    @Test
    void startAndMemory() throws Exception {
        Map<String, String> config = new EmbeddedServersResource().start();
        Path helloJar = buildHelloApp();
        KafkaTestClient kafka = KafkaTestClient.get();

        double[] ferryStart = new double[STARTS];
        double[] helloStart = new double[STARTS];
        long ferryRss = 0;
        long helloRss = 0;
        for (int run = 0; run < STARTS; run++) {
            long began = System.nanoTime();
            FerryProcess ferry = FerryProcess.start(config, "ferry-startup-" + run);
            waitFor200("http://127.0.0.1:" + ferry.port() + "/q/health/ready", null);
            ferryStart[run] = (System.nanoTime() - began) / 1e6;
            if (run == STARTS - 1) {
                String token = TestTokens.operator();
                for (int i = 0; i < 100; i++) {
                    String id = "startup-info-" + UUID.randomUUID();
                    kafka.request(id, "info", "plain", Map.of());
                    kafka.awaitResult(id, Duration.ofSeconds(30));
                    waitFor200("http://127.0.0.1:" + ferry.port() + "/api/requests/" + id, token);
                }
                ferryRss = ferry.rss();
            }
            ferry.stop();

            began = System.nanoTime();
            Process hello = new ProcessBuilder(java(), "-Dquarkus.http.port=0", "-jar", helloJar.toString())
                    .redirectErrorStream(true).redirectOutput(HELLO.resolve("run-" + run + ".log").toFile()).start();
            int port = port(HELLO.resolve("run-" + run + ".log"));
            waitFor200("http://127.0.0.1:" + port + "/hello", null);
            helloStart[run] = (System.nanoTime() - began) / 1e6;
            if (run == STARTS - 1) {
                for (int i = 0; i < 100; i++) {
                    waitFor200("http://127.0.0.1:" + port + "/hello", null);
                }
                helloRss = FerryProcess.rss(hello.pid());
            }
            hello.destroy();
            hello.waitFor();
        }

        BenchReport report = new BenchReport();
        report.atMost("startup-jvm-to-ready", "ms", BenchReport.median(ferryStart), "quarkus-rest-hello", BenchReport.median(helloStart),
                1500, STARTS);
        report.atMost("rss-jvm-after-100-requests", "MB", ferryRss / 1e6, "quarkus-rest-hello", helloRss / 1e6, 200, 1);
        report.appendTo(Path.of("target/bench"));
    }

    /** A minimal Quarkus REST app on the same platform version, built with this project's Maven wrapper. */
    private static Path buildHelloApp() throws IOException, InterruptedException {
        Path source = HELLO.resolve("src/main/java/hello");
        Files.createDirectories(source);
        Files.writeString(HELLO.resolve("pom.xml"), Files.readString(Path.of("src/test/resources/bench/hello-pom.xml")));
        Files.writeString(source.resolve("HelloResource.java"), "package hello;\n\n@jakarta.ws.rs.Path(\"/hello\")\n"
                + "public class HelloResource {\n    @jakarta.ws.rs.GET\n    public String hello() {\n        return \"hello\";\n    }\n}\n");
        Process build = new ProcessBuilder(Path.of("mvnw").toAbsolutePath().toString(), "-B", "-q", "-ntp", "-f",
                HELLO.resolve("pom.xml").toString(), "package", "-DskipTests").redirectErrorStream(true)
                .redirectOutput(HELLO.resolve("build.log").toFile()).start();
        assertThat(build.waitFor()).as("hello app build, see " + HELLO.resolve("build.log")).isZero();
        return HELLO.resolve("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
    }

    private static int port(Path log) throws IOException, InterruptedException {
        Pattern listening = Pattern.compile("Listening on: http://[^:]+:(\\d+)");
        for (int i = 0; i < 600; i++) {
            Matcher m = listening.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("hello app did not start; see " + log);
    }

    private static void waitFor200(String url, String token) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 3000; i++) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
                if (token != null) {
                    request.header("Authorization", "Bearer " + token);
                }
                if (client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException(url + " never answered 200");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
