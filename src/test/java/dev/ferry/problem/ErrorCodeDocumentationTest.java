package dev.ferry.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import dev.ferry.alert.AlertKind;
import dev.ferry.lint.LintRule;

/** Every error code, alert kind and lint rule a caller can meet has its row in the README. */
class ErrorCodeDocumentationTest {

    private static String readme() throws Exception {
        return Files.readString(Path.of("README.md"));
    }

    @Test
    void everyErrorCodeHasARow() throws Exception {
        String readme = readme();
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::name).filter(code -> !readme.contains("| `" + code + "` |")))
                .as("error codes without a row in the README").isEmpty();
    }

    @Test
    void everyAlertKindAndLintRuleHasARow() throws Exception {
        String readme = readme();
        assertThat(Arrays.stream(AlertKind.values()).map(AlertKind::wire).filter(kind -> !readme.contains("| `" + kind + "` |")))
                .as("alert kinds without a row").isEmpty();
        assertThat(Arrays.stream(LintRule.values()).map(LintRule::id).filter(rule -> !readme.contains("| `" + rule + "` |")))
                .as("lint rules without a row").isEmpty();
    }
}
