package dev.ferry.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged Ferry (target/quarkus-app) as a separate OS process, for fault tests that kill it
 * for real (SIGKILL) and start it again.
 */
public final class FerryProcess {

    private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:]+:(\\d+)");

    private final Process process;
    private final Path log;
    private final int port;

    private FerryProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** The configuration of one of several instances, which records itself in the ledger under {@code name}. */
    public static Map<String, String> instance(Map<String, String> config, String name) {
        Map<String, String> own = new java.util.HashMap<>(config);
        own.put("ferry.requests.instance", name);
        // A killed instance is noticed in seconds, not the production minute: the broker gives its partitions
        // away after the session timeout (45 s by default), the ledger its requests after stale-after (30 s).
        own.putIfAbsent("mp.messaging.incoming.migration-requests.session.timeout.ms", "10000");
        own.putIfAbsent("mp.messaging.incoming.migration-requests.heartbeat.interval.ms", "2000");
        own.putIfAbsent("ferry.requests.heartbeat-interval", "2s");
        own.putIfAbsent("ferry.requests.stale-after", "10s");
        return own;
    }

    /** Starts the packaged jar with the test profile and the given configuration; returns once it listens. */
    public static FerryProcess start(Map<String, String> config, String name) throws IOException, InterruptedException {
        return start(config, name, List.of());
    }

    /** As {@link #start(Map, String)}, with JVM options (heap size, GC logging) before the configuration. */
    public static FerryProcess start(Map<String, String> config, String name, List<String> jvmOptions)
            throws IOException, InterruptedException {
        List<String> options = new ArrayList<>(jvmOptions);
        // -Dferry.test.jfr=<folder>: a flight recording of each process, named after it (where a benchmark's time goes).
        String recordings = System.getProperty("ferry.test.jfr");
        if (recordings != null && !recordings.isBlank()) {
            options.add("-XX:StartFlightRecording=settings=profile,filename=" + Path.of(recordings).toAbsolutePath().resolve(name + ".jfr"));
        }
        options.add("-Dquarkus.profile=test");
        return launch(javaHome(), options, config, Map.of(), Path.of("target/quarkus-app"), Path.of("."), name);
    }

    /**
     * The packaged jar as the container image runs it: production profile, configured through the
     * environment, started from its own folder (where the AppCDS archive's class path is valid).
     */
    public static FerryProcess startDeployed(Map<String, String> environment, List<String> jvmOptions, String name)
            throws IOException, InterruptedException {
        Path app = Path.of("target/quarkus-app");
        return launch(javaHome(), jvmOptions, Map.of(), environment, app, app, name);
    }

    /** As {@link #startDeployed(Map, List, String)}, on another JDK and another build of the application. */
    public static FerryProcess startDeployed(Path javaHome, Path app, Map<String, String> environment, List<String> jvmOptions,
            String name) throws IOException, InterruptedException {
        return launch(javaHome, jvmOptions, Map.of(), environment, app, app, name);
    }

    private static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    private static FerryProcess launch(Path javaHome, List<String> jvmOptions, Map<String, String> config,
            Map<String, String> environment, Path app, Path workDir, String name) throws IOException, InterruptedException {
        Path log = Path.of("target", name + ".log").toAbsolutePath();
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin/java").toString());
        command.addAll(jvmOptions);
        command.add("-Dquarkus.http.port=0");
        command.add("-Dquarkus.log.console.color=false");
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        Path nativeImage = System.getProperty("native.image.path") == null ? null : Path.of(System.getProperty("native.image.path"));
        if (nativeImage != null && Files.isExecutable(nativeImage)) {
            // ./mvnw verify -Dnative: the same fault tests against the native binary.
            command.set(0, nativeImage.toAbsolutePath().toString());
            command.removeIf(option -> option.startsWith("-XX:") || option.startsWith("-Xlog") || option.startsWith("-Xshare"));
        } else {
            command.add("-jar");
            command.add(app.resolve("quarkus-run.jar").toAbsolutePath().toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Ferry exited at start; see " + log);
            }
            Matcher m = LISTENING.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return new FerryProcess(process, log, Integer.parseInt(m.group(1)));
            }
            Thread.sleep(20);
        }
        process.destroyForcibly();
        throw new IllegalStateException("Ferry did not start within 90 s; see " + log);
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    /** Resident memory of this process now, in bytes. */
    public long rss() throws IOException {
        return rss(process.pid());
    }

    /** Resident memory of any process on this machine, in bytes (Linux /proc). */
    public static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL: no shutdown hook, no graceful close, exactly what a crash does. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            kill();
        }
    }
}
