package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import dev.ferry.support.TestTokens;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;

/**
 * The pipeline Job's container command (k8s/migrate-job.yaml) run as written, with the packaged
 * ferry-cli as "ferry-cli" on the PATH, against the packaged Ferry in test mode.
 */
@QuarkusIntegrationTest
class PipelineJobIT {

    @Test
    void theJobsCommandMigratesAndARerunOfTheSameReleaseIsIdempotent() throws Exception {
        String script = jobScript();
        Path bin = Files.createTempDirectory("ferry-cli-bin");
        Path wrapper = bin.resolve("ferry-cli");
        Files.writeString(wrapper, "#!/bin/sh\nexec java -jar " + Path.of("target/ferry-cli.jar").toAbsolutePath() + " \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        String release = "it-" + UUID.randomUUID();

        Result first = run(script, bin, release);
        assertThat(first.code).as(first.output).isZero();
        assertThat(first.output).contains("rel-" + release + "-alkemio: migrate on alkemio: SUCCEEDED");

        Result again = run(script, bin, release);
        assertThat(again.code).as(again.output).isZero();
        assertThat(again.output).contains("SUCCEEDED");
    }

    private static Result run(String script, Path bin, String release) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("PATH", bin + ":" + env.get("PATH"));
        env.put("FERRY_URL", "http://localhost:" + RestAssured.port);
        env.put("TARGET", "alkemio");
        env.put("RELEASE", release);
        env.put("FERRY_TOKEN", TestTokens.operator());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    @SuppressWarnings("unchecked")
    private static String jobScript() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("k8s/migrate-job.yaml"))) {
            Map<String, Object> job = new Yaml().load(in);
            Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) job.get("spec")).get("template"))
                    .get("spec");
            Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
            assertThat(container.get("command")).isEqualTo(List.of("/bin/sh", "-c"));
            return (String) ((List<?>) container.get("args")).get(0);
        }
    }

    private record Result(int code, String output) {
    }
}
