package dev.ferry.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactsCleanerTest {

    @TempDir
    Path root;

    private ValidationConfig config(Duration retention) {
        return new ValidationConfig() {
            @Override
            public String artifactsDir() {
                return root.toString();
            }

            @Override
            public Duration artifactsRetention() {
                return retention;
            }

            @Override
            public int maxDifferences() {
                return 10;
            }
        };
    }

    @Test
    void requestFoldersOlderThanTheRetentionAreRemovedWithTheirTables() throws Exception {
        Path old = Files.createDirectories(root.resolve("validate-old"));
        Files.writeString(old.resolve("user.csv"), "id,email\n1,a@example.org\n");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(8))));
        Path fresh = Files.createDirectories(root.resolve("validate-fresh"));
        Files.writeString(fresh.resolve("user.csv"), "id\n1\n");

        int removed = new ArtifactsCleaner(config(Duration.ofDays(7))).removeOlderThan(Instant.now().minus(Duration.ofDays(7)));

        assertThat(removed).isEqualTo(1);
        assertThat(old).doesNotExist();
        assertThat(fresh.resolve("user.csv")).exists();
    }

    @Test
    void aZeroRetentionKeepsEverything() throws Exception {
        Path old = Files.createDirectories(root.resolve("validate-old"));
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(800))));
        assertThat(new ArtifactsCleaner(config(Duration.ZERO)).removeOlderThan(Instant.now())).isZero();
        assertThat(old).exists();
    }
}
