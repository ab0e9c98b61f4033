package dev.ferry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
 * Both apps are measured in each of these ways:
 * <ul>
 * <li>with the JVM's defaults on this machine (context only);</li>
 * <li>as Dockerfile.jvm ships them: its JVM options (AppCDS archive included) under the Deployment's
 * memory limit;</li>
 * <li>as Dockerfile.jvm with the JIT limited to C1 (context only): it starts sooner and uses less
 * memory, and the REST API throughput measured after each start shows what that costs;</li>
 * <li>as Dockerfile.jvm-aot ships them, when a JDK 25 is at {@code ferry.bench.aot-jdk}: both apps
 * built again on it as {@code aot-jar}, each with an AOT cache from a training run of the same
 * workload that is measured.</li>
 * </ul>
 */
class StartupBenchmarkIT {

    private static final int STARTS = 3;
    private static final int WORKLOAD = 100;
    private static final int API_CLIENTS = 4;
    private static final int API_WARM_UP = 8000;
    private static final int API_CALLS = 3000;
    private static final Path BENCH = Path.of("target/bench").toAbsolutePath();
    private static final Path AOT_JDK = Path.of(System.getProperty("ferry.bench.aot-jdk", "/usr/lib/jvm/temurin-25-jdk-amd64"));

    /** One way of running both apps: which JDK, which builds, which options, whether with a trained AOT cache. */
    private record Variant(String suffix, Path javaHome, Path ferryApp, Path helloApp, List<String> jvmOptions, boolean aotCache,
            boolean goals) {
    }

    /** What one variant measured: medians of the start times, and the rest after the workload of its last start. */
    private record Measured(double ferryStart, double helloStart, long ferryRss, long helloRss, double apiCallsPerSecond) {
    }

    private KafkaTestClient kafka;
    private Map<String, String> environment;
    private final List<String> targetOptions = new ArrayList<>();

    @Test
    void startAndMemory() throws Exception {
        Map<String, String> config = new EmbeddedServersResource().start();
        environment = productionEnvironment(config);
        kafka = KafkaTestClient.withTopicPrefix("startup-");
        kafka.topicConfig().forEach((key, value) -> targetOptions.add("-D" + key + "=" + value));
        targetOptions.add("-Dferry.targets.plain.jdbc-url=jdbc:mariadb://" + config.get("ferry.db.host") + ":"
                + config.get("ferry.db.port") + "/ferry_test_startup_plain?createDatabaseIfNotExist=true");
        targetOptions.add("-Dferry.targets.plain.username=" + config.get("ferry.db.username"));
        targetOptions.add("-Dferry.targets.plain.password=" + config.get("ferry.db.password"));
        targetOptions.add("-Dferry.targets.plain.locations=filesystem:" + config.get("ferry.test.scripts-dir") + "/plain");
        // The first start of a fresh ledger schema migrates it; that is not what a restart costs.
        FerryProcess.startDeployed(environment, targetOptions, "ferry-startup-schema").stop();

        Path jdk = Path.of(System.getProperty("java.home"));
        Path ferryApp = Path.of("target/quarkus-app").toAbsolutePath();
        Path helloApp = build(helloSources(BENCH.resolve("hello")), jdk, "-Dquarkus.package.jar.appcds.enabled=true");
        List<String> limit = List.of(memoryLimit());
        List<String> shipped = concat(imageJvmOptions("Dockerfile.jvm"), limit);
        Variant dockerfileJvm = new Variant("", jdk, ferryApp, helloApp, shipped, false, true);
        List<Variant> variants = new ArrayList<>(List.of(
                new Variant("-jvm-defaults", jdk, ferryApp, helloApp, List.of(), false, false),
                dockerfileJvm,
                new Variant("-jvm-c1-only", jdk, ferryApp, helloApp, concat(shipped, List.of("-XX:TieredStopAtLevel=1")), false, false)));
        if (Files.isExecutable(AOT_JDK.resolve("bin/java"))) {
            String[] aotJar = { "-Dquarkus.package.jar.type=aot-jar", "-Dquarkus.package.jar.appcds.enabled=false" };
            variants.add(new Variant("-jdk25-aot-cache", AOT_JDK, build(ferrySources(BENCH.resolve("ferry-aot")), AOT_JDK, aotJar),
                    build(helloSources(BENCH.resolve("hello-aot")), AOT_JDK, aotJar), concat(imageJvmOptions("Dockerfile.jvm-aot"), limit),
                    true, true));
        }

        BenchReport report = new BenchReport();
        Map<Variant, Measured> measured = new LinkedHashMap<>();
        for (Variant variant : variants) {
            Measured m = measure(variant);
            measured.put(variant, m);
            String start = "startup-jvm-to-ready" + variant.suffix();
            String memory = "rss-jvm-after-100-requests" + variant.suffix();
            if (variant.goals()) {
                report.atMost(start, "ms", m.ferryStart(), "quarkus-rest-hello", m.helloStart(), 1500, STARTS);
                report.atMost(memory, "MB", m.ferryRss() / 1e6, "quarkus-rest-hello", m.helloRss() / 1e6, 200, 1);
            } else {
                report.context(start, "ms", m.ferryStart(), "quarkus-rest-hello", m.helloStart(), STARTS);
                report.context(memory, "MB", m.ferryRss() / 1e6, "quarkus-rest-hello", m.helloRss() / 1e6, 1);
            }
        }
        double shippedApi = measured.get(dockerfileJvm).apiCallsPerSecond();
        measured.forEach((variant, m) -> report.context("api-requests-list-100-rows" + variant.suffix(), "calls/s",
                m.apiCallsPerSecond(), "Dockerfile.jvm options", shippedApi, 1));
        report.appendTo(BENCH);
    }

    /** Starts both apps {@link #STARTS} times; after the last start of Ferry, runs the workload and the API load. */
    private Measured measure(Variant variant) throws Exception {
        if (variant.aotCache()) {
            train(variant);
        }
        List<String> ferryOptions = concat(variant.jvmOptions(), targetOptions);
        List<String> helloOptions = variant.jvmOptions();
        double[] ferryStart = new double[STARTS];
        double[] helloStart = new double[STARTS];
        long ferryRss = 0;
        long helloRss = 0;
        double apiCallsPerSecond = 0;
        for (int run = 0; run < STARTS; run++) {
            String name = "startup" + variant.suffix() + "-" + run;
            long began = System.nanoTime();
            FerryProcess ferry = FerryProcess.startDeployed(variant.javaHome(), variant.ferryApp(), environment, ferryOptions,
                    "ferry-" + name);
            waitFor200("http://127.0.0.1:" + ferry.port() + "/q/health/ready", null);
            ferryStart[run] = (System.nanoTime() - began) / 1e6;
            if (run == STARTS - 1) {
                ferryWorkload(ferry);
                ferryRss = ferry.rss();
                apiCallsPerSecond = apiCallsPerSecond(ferry);
            }
            ferry.stop();

            began = System.nanoTime();
            Process hello = startHello(variant, helloOptions, "hello-" + name);
            int port = port(BENCH.resolve("hello-" + name + ".log"));
            waitFor200("http://127.0.0.1:" + port + "/hello", null);
            helloStart[run] = (System.nanoTime() - began) / 1e6;
            if (run == STARTS - 1) {
                helloWorkload(port);
                helloRss = FerryProcess.rss(hello.pid());
            }
            hello.destroy();
            hello.waitFor();
        }
        return new Measured(BenchReport.median(ferryStart), BenchReport.median(helloStart), ferryRss, helloRss, apiCallsPerSecond);
    }

    /**
     * Steady-state throughput of a CPU-bound API call (a page of 100 ledger rows, as JSON) from
     * {@link #API_CLIENTS} clients, after a warm-up, so that JIT settings show their cost.
     */
    private static double apiCallsPerSecond(FerryProcess ferry) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest page = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ferry.port() + "/api/requests?limit=100"))
                .header("Authorization", "Bearer " + TestTokens.operator()).build();
        ExecutorService clients = Executors.newFixedThreadPool(API_CLIENTS);
        try {
            callsPerSecond(client, page, clients, API_WARM_UP);
            return callsPerSecond(client, page, clients, API_CALLS);
        } finally {
            clients.shutdownNow();
        }
    }

    private static double callsPerSecond(HttpClient client, HttpRequest page, ExecutorService clients, int calls) throws Exception {
        int perClient = calls / API_CLIENTS;
        List<Future<Void>> done = new ArrayList<>();
        long began = System.nanoTime();
        for (int c = 0; c < API_CLIENTS; c++) {
            done.add(clients.submit(() -> {
                for (int i = 0; i < perClient; i++) {
                    HttpResponse<String> response = client.send(page, HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                }
                return null;
            }));
        }
        for (Future<Void> each : done) {
            each.get();
        }
        return perClient * API_CLIENTS / ((System.nanoTime() - began) / 1e9);
    }

    /**
     * The training runs: each app runs what is measured (Ferry: the workload and the API load) once,
     * and writes its AOT cache as it exits.
     */
    private void train(Variant variant) throws Exception {
        List<String> options = new ArrayList<>(variant.jvmOptions());
        options.replaceAll(option -> option.startsWith("-XX:AOTCache=") ? "-XX:AOTCacheOutput=" + option.substring(13) : option);
        List<String> ferryOptions = concat(options, targetOptions);
        FerryProcess ferry = FerryProcess.startDeployed(variant.javaHome(), variant.ferryApp(), environment, ferryOptions,
                "ferry-startup-training");
        waitFor200("http://127.0.0.1:" + ferry.port() + "/q/health/ready", null);
        ferryWorkload(ferry);
        apiCallsPerSecond(ferry);
        ferry.stop();
        Process hello = startHello(variant, options, "hello-startup-training");
        helloWorkload(port(BENCH.resolve("hello-startup-training.log")));
        hello.destroy();
        hello.waitFor();
        assertThat(variant.ferryApp().resolve("app.aot")).as("Ferry's AOT cache").exists();
        assertThat(variant.helloApp().resolve("app.aot")).as("the hello app's AOT cache").exists();
    }

    private void ferryWorkload(FerryProcess ferry) throws InterruptedException {
        String token = TestTokens.operator();
        for (int i = 0; i < WORKLOAD; i++) {
            String id = "startup-info-" + UUID.randomUUID();
            kafka.request(id, "info", "plain", Map.of());
            assertThat(kafka.awaitResult(id, Duration.ofSeconds(30)).path("status").asText()).isEqualTo("SUCCEEDED");
            waitFor200("http://127.0.0.1:" + ferry.port() + "/api/requests/" + id, token);
        }
    }

    private static void helloWorkload(int port) throws InterruptedException {
        for (int i = 0; i < WORKLOAD; i++) {
            waitFor200("http://127.0.0.1:" + port + "/hello", null);
        }
    }

    private static Process startHello(Variant variant, List<String> options, String name) throws IOException {
        List<String> command = new ArrayList<>(List.of(variant.javaHome().resolve("bin/java").toString()));
        command.addAll(options);
        command.addAll(List.of("-Dquarkus.http.port=0", "-jar", "quarkus-run.jar"));
        return new ProcessBuilder(command).directory(variant.helloApp().toFile()).redirectErrorStream(true)
                .redirectOutput(BENCH.resolve(name + ".log").toFile()).start();
    }

    /** Production configuration, as the Deployment passes it: environment variables only. */
    private static Map<String, String> productionEnvironment(Map<String, String> config) throws IOException {
        Path jwt = BENCH.resolve("jwt-public.pem");
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

    /** The -XX and -Xshare options an image starts the JVM with (file paths relative to the app folder). */
    private static List<String> imageJvmOptions(String dockerfile) throws IOException {
        List<String> options = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("src/main/docker", dockerfile))) {
            Matcher option = Pattern.compile("(-XX:[^\"\\s,]+|-Xshare:\\w+)").matcher(line.startsWith("#") ? "" : line);
            while (option.find()) {
                options.add(option.group(1).replace("/deployments/", ""));
            }
        }
        assertThat(options).as("JVM options in " + dockerfile).isNotEmpty();
        return options;
    }

    /** The Deployment's memory limit, as the JVM sees it inside the pod. */
    private static String memoryLimit() throws IOException {
        Matcher limit = Pattern.compile("limits:\\s*\\n\\s*memory:\\s*(\\d+)Mi").matcher(Files.readString(Path.of("k8s/deployment.yaml")));
        assertThat(limit.find()).as("memory limit in k8s/deployment.yaml").isTrue();
        return "-XX:MaxRAM=" + limit.group(1) + "m";
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** A minimal Quarkus REST app on the same platform version; answers its project folder. */
    private static Path helloSources(Path project) throws IOException {
        Path source = project.resolve("src/main/java/hello");
        Files.createDirectories(source);
        Files.writeString(project.resolve("pom.xml"), Files.readString(Path.of("src/test/resources/bench/hello-pom.xml")));
        Files.writeString(source.resolve("HelloResource.java"), "package hello;\n\n@jakarta.ws.rs.Path(\"/hello\")\n"
                + "public class HelloResource {\n    @jakarta.ws.rs.GET\n    public String hello() {\n        return \"hello\";\n    }\n}\n");
        Files.copy(Path.of("mvnw"), project.resolve("mvnw"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        copyTree(Path.of(".mvn"), project.resolve(".mvn"));
        return project;
    }

    /** This project's build files and main sources, to be built again with other settings. */
    private static Path ferrySources(Path project) throws IOException {
        Files.createDirectories(project);
        for (String file : List.of("pom.xml", "mvnw")) {
            Files.copy(Path.of(file), project.resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
        copyTree(Path.of(".mvn"), project.resolve(".mvn"));
        copyTree(Path.of("src/main"), project.resolve("src/main"));
        return project;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Packages the project with the Maven wrapper on the given JDK; answers its quarkus-app folder. */
    private static Path build(Path project, Path javaHome, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("./mvnw", "-B", "-q", "-ntp", "package", "-Dmaven.test.skip=true"));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(project.resolve("build.log").toFile());
        builder.environment().put("JAVA_HOME", javaHome.toString());
        assertThat(builder.start().waitFor()).as("build of " + project + ", see its build.log").isZero();
        return project.resolve("target/quarkus-app");
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
}
