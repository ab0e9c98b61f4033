package dev.ferry.validation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/**
 * Deletes validation and generate artifacts (one folder per requestId) older than
 * {@code ferry.validation.artifacts-retention}: they copy whole tables, emails included, and must
 * not pile up on the pod's disk.
 */
@ApplicationScoped
public class ArtifactsCleaner {

    private static final Logger LOG = Logger.getLogger(ArtifactsCleaner.class);

    private final ValidationConfig config;

    public ArtifactsCleaner(ValidationConfig config) {
        this.config = config;
    }

    @Scheduled(every = "1h", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        int removed = removeOlderThan(Instant.now().minus(config.artifactsRetention()));
        if (removed > 0) {
            LOG.infof("Removed %d validation artifact folders older than %s", removed, config.artifactsRetention());
        }
    }

    /** Removes the request folders last written before {@code cutoff}; returns how many. */
    int removeOlderThan(Instant cutoff) {
        Path root = Path.of(config.artifactsDir());
        if (config.artifactsRetention().isZero() || !Files.isDirectory(root)) {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> folders = Files.list(root)) {
            for (Path folder : folders.filter(Files::isDirectory).toList()) {
                if (Files.getLastModifiedTime(folder).toInstant().isBefore(cutoff) && delete(folder)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warnf("Could not list %s: %s", root, e.getMessage());
        }
        return removed;
    }

    private static boolean delete(Path folder) {
        try (Stream<Path> tree = Files.walk(folder)) {
            List<Path> paths = tree.sorted(Comparator.reverseOrder()).toList();
            for (Path path : paths) {
                Files.deleteIfExists(path);
            }
            return true;
        } catch (IOException e) {
            LOG.warnf("Could not remove %s: %s", folder, e.getMessage());
            return false;
        }
    }
}
