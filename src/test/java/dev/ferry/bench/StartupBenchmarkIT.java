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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.ferry.embedded.DevTokens;
import dev.ferry.support.EmbeddedServersResource;
import dev.ferry.support.FerryProcess;
import dev.ferry.support.KafkaTestClient;
import dev.ferry.support.TestTokens;

/**
 * JVM mode: process start to ready, and RSS after 100 requests, of the packaged Ferry against
 * already-running MariaDB and Kafka, beside a bare Quarkus REST hello app built in this same run.
 *
 * <p>Ferry runs as deployed: production profile, configured through the environment, one target.
 * Both apps are measured twice: with the JVM's defaults on this machine, and with the options the
 * image ships ({@code JAVA_OPTS_APPEND} of Dockerfile.jvm, AppCDS archive included) under the
 * Deployment's memory limit. The goals apply to the second, which is what runs in production.
 */
class StartupBenchmarkIT {

    private static final int STARTS = 3;
    private static final Path HELLO = Path.of("target/bench/hello");

    @Test
    void startAndMemory() throws Exception {
        Map<String, String> config = new EmbeddedServersResource().start();
        Path helloJar = buildHelloApp();
        KafkaTestClient kafka = KafkaTestClient.withTopicPrefix("startup-");
        Map<String, String> environment = productionEnvironment(config);
        List<String> shipped = shippedJvmOptions();
        List<String> ferryOptions = new ArrayList<>();
        kafka.topicConfig().forEach((key, value) -> ferryOptions.add("-D" + key + "=" + value));
        ferryOptions.add("-Dferry.targets.plain.jdbc-url=jdbc:mariadb://" + config.get("ferry.db.host") + ":"
                + config.get("ferry.db.port") + "/ferry_test_startup_plain?createDatabaseIfNotExist=true");
        ferryOptions.add("-Dferry.targets.plain.username=" + config.get("ferry.db.username"));
        ferryOptions.add("-Dferry.targets.plain.password=" + config.get("ferry.db.password"));
        ferryOptions.add("-Dferry.targets.plain.locations=filesystem:" + config.get("ferry.test.scripts-dir") + "/plain");
        // The first start of a fresh ledger schema migrates it; that is not what a restart costs.
        FerryProcess.startDeployed(environment, ferryOptions, "ferry-startup-schema").stop();

        BenchReport report = new BenchReport();
        for (boolean asShipped : new boolean[] { false, true }) {
            List<String> jvm = asShipped ? shipped : List.of();
            String variant = asShipped ? "as-shipped" : "jvm-defaults";
            double[] ferryStart = new double[STARTS];
            double[] helloStart = new double[STARTS];
            long ferryRss = 0;
            long helloRss = 0;
            for (int run = 0; run < STARTS; run++) {
                List<String> options = new ArrayList<>(jvm);
                options.addAll(ferryOptions);
                long began = System.nanoTime();
                FerryProcess ferry = FerryProcess.startDeployed(environment, options, "ferry-startup-" + variant + "-" + run);
                waitFor200("http://127.0.0.1:" + ferry.port() + "/q/health/ready", null);
                ferryStart[run] = (System.nanoTime() - began) / 1e6;
                if (run == STARTS - 1) {
                    String token = TestTokens.operator();
                    for (int i = 0; i < 100; i++) {
                        String id = "startup-info-" + UUID.randomUUID();
                        kafka.request(id, "info", "plain", Map.of());
                        assertThat(kafka.awaitResult(id, Duration.ofSeconds(30)).path("status").asText()).isEqualTo("SUCCEEDED");
                        waitFor200("http://127.0.0.1:" + ferry.port() + "/api/requests/" + id, token);
                    }
                    ferryRss = ferry.rss();
                }
                ferry.stop();

                Path log = HELLO.resolve("run-" + variant + "-" + run + ".log").toAbsolutePath();
                List<String> command = new ArrayList<>(List.of(java()));
                command.addAll(jvm);
                command.addAll(List.of("-Dquarkus.http.port=0", "-jar", "quarkus-run.jar"));
                began = System.nanoTime();
                Process hello = new ProcessBuilder(command).directory(helloJar.getParent().toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                int port = port(log);
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
            double startup = BenchReport.median(ferryStart);
            double helloStartup = BenchReport.median(helloStart);
            if (asShipped) {
                report.atMost("startup-jvm-to-ready", "ms", startup, "quarkus-rest-hello", helloStartup, 1500, STARTS);
                report.atMost("rss-jvm-after-100-requests", "MB", ferryRss / 1e6, "quarkus-rest-hello", helloRss / 1e6, 200, 1);
            } else {
                report.context("startup-jvm-to-ready-jvm-defaults", "ms", startup, "quarkus-rest-hello", helloStartup, STARTS);
                report.context("rss-jvm-after-100-requests-jvm-defaults", "MB", ferryRss / 1e6, "quarkus-rest-hello",
                        helloRss / 1e6, 1);
            }
        }
        report.appendTo(Path.of("target/bench"));
    }

    /** Production configuration, as the Deployment passes it: environment variables only. */
    private static Map<String, String> productionEnvironment(Map<String, String> config) throws IOException {
        Path jwt = Path.of("target/bench/jwt-public.pem").toAbsolutePath();
        Files.createDirectories(jwt.getParent());
        Files.writeString(jwt, "-----BEGIN PUBLIC KEY-----\n" + TestTokens.publicKey() + "\n-----END PUBLIC KEY-----\n");
        Map<String, String> environment = new HashMap<>();
        environment.put("FERRY_DB_HOST", config.get("ferry.db.host"));
        environment.put("FERRY_DB_PORT", config.get("ferry.db.port"));
        environment.put("FERRY_DB_USER", config.get("ferry.db.username"));
        environment.put("FERRY_DB_PASSWORD", config.get("ferry.db.password"));
        environment.put("FERRY_DB_SCHEMA", "ferry_test_startup");
        environment.put("FERRY_AUDIT_DB_URL", "mysql://" + config.get("ferry.db.host") + ":" + config.get("ferry.db.port")
                + "/ferry_test_startup_plain");
        environment.put("FERRY_AUDIT_DB_USER", config.get("ferry.db.username"));
        environment.put("FERRY_AUDIT_DB_PASSWORD", config.get("ferry.db.password"));
        environment.put("KAFKA_BOOTSTRAP_SERVERS", config.get("kafka.bootstrap.servers"));
        environment.put("FERRY_JWT_PUBLIC_KEY_LOCATION", jwt.toString());
        environment.put("FERRY_JWT_ISSUER", DevTokens.ISSUER);
        return environment;
    }

    /**
     * The -XX/-Xshare options of Dockerfile.jvm's JAVA_OPTS_APPEND (paths relative to the app folder),
     * and the Deployment's memory limit as the JVM sees it inside the pod.
     */
    private static List<String> shippedJvmOptions() throws IOException {
        Matcher opts = Pattern.compile("ENV JAVA_OPTS_APPEND=\"([^\"]*)\"").matcher(Files.readString(Path.of("src/main/docker/Dockerfile.jvm")));
        assertThat(opts.find()).as("JAVA_OPTS_APPEND in Dockerfile.jvm").isTrue();
        List<String> options = new ArrayList<>();
        for (String option : opts.group(1).split("\\s+")) {
            if (option.startsWith("-XX:") || option.startsWith("-Xshare")) {
                options.add(option.replace("/deployments/", ""));
            }
        }
        Matcher limit = Pattern.compile("limits:\\s*\\n\\s*memory:\\s*(\\d+)Mi").matcher(Files.readString(Path.of("k8s/deployment.yaml")));
        assertThat(limit.find()).as("memory limit in k8s/deployment.yaml").isTrue();
        options.add("-XX:MaxRAM=" + limit.group(1) + "m");
        return options;
    }

    /** A minimal Quarkus REST app on the same platform version, built with this project's Maven wrapper. */
    private static Path buildHelloApp() throws IOException, InterruptedException {
        Path source = HELLO.resolve("src/main/java/hello");
        Files.createDirectories(source);
        Files.writeString(HELLO.resolve("pom.xml"), Files.readString(Path.of("src/test/resources/bench/hello-pom.xml")));
        Files.writeString(source.resolve("HelloResource.java"), "package hello;\n\n@jakarta.ws.rs.Path(\"/hello\")\n"
                + "public class HelloResource {\n    @jakarta.ws.rs.GET\n    public String hello() {\n        return \"hello\";\n    }\n}\n");
        Process build = new ProcessBuilder(Path.of("mvnw").toAbsolutePath().toString(), "-B", "-q", "-ntp", "-f",
                HELLO.resolve("pom.xml").toString(), "package", "-DskipTests", "-Dquarkus.package.jar.appcds.enabled=true").redirectErrorStream(true)
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
