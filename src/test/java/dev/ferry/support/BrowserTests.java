package dev.ferry.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs one of {@code src/test/browser}'s files with Node's test runner: Debian's Chromium driven by
 * playwright-core, never a downloaded browser. Needs chromium, node and npm; CI installs them and sets
 * ferry.test.require-tools, so there a browser test cannot be skipped by accident.
 */
public final class BrowserTests {

    private static final Path FOLDER = Path.of("src/test/browser").toAbsolutePath();

    private BrowserTests() {
    }

    /** Screenshots the browser tests take, for the README. */
    public static Path screenshots() throws IOException {
        return Files.createDirectories(Path.of("target/console-screenshots").toAbsolutePath());
    }

    /** Runs {@code file} with {@code env} (plus CHROMIUM and SCREENSHOTS) and fails with its output unless every test passed. */
    public static void run(String file, Map<String, String> env) throws Exception {
        Path chromium = onPath("chromium");
        Path node = onPath("node");
        boolean ready = chromium != null && node != null && (Files.isDirectory(FOLDER.resolve("node_modules/playwright-core")) || npmCi());
        assertThat(ready || !Boolean.getBoolean("ferry.test.require-tools"))
                .as("chromium, node and playwright-core (npm ci in src/test/browser) are installed").isTrue();
        Assumptions.assumeTrue(ready, "the browser tests need chromium (Debian: apt-get install chromium), node and npm");

        ProcessBuilder builder = new ProcessBuilder(node.toString(), "--test", "--test-reporter=spec", file).directory(FOLDER.toFile())
                .redirectErrorStream(true);
        Map<String, String> all = new HashMap<>(env);
        all.put("CHROMIUM", chromium.toString());
        all.put("SCREENSHOTS", screenshots().toString());
        builder.environment().putAll(all);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // The scenarios by name, passed or not, in the build's log.
        System.out.println(output);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the browser tests finished").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("fail 0");
    }

    private static boolean npmCi() {
        Path npm = onPath("npm");
        if (npm == null) {
            return false;
        }
        try {
            Process process = new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund").directory(FOLDER.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(3, TimeUnit.MINUTES) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path onPath(String command) {
        return List.of(System.getenv("PATH").split(File.pathSeparator)).stream().map(dir -> Path.of(dir, command))
                .filter(Files::isExecutable).findFirst().orElse(null);
    }
}
