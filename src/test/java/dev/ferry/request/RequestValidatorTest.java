package dev.ferry.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

class RequestValidatorTest {

    private final RequestValidator validator = new RequestValidator("alkemio"::equals);

    @Test
    void aCompleteRequestGivesItsAction() {
        assertThat(validator.validate(request("rel-4.2.0", "migrate", "alkemio"))).isEqualTo(Action.MIGRATE);
        assertThat(validator.validate(new MigrationRequest("r:1", "revert", "alkemio", "4.1", null, null, null, null, null, null)))
                .isEqualTo(Action.REVERT);
    }

    @Test
    void requestIdsAreShortSafeAndNeverOnlyDots() {
        assertThat(RequestValidator.isValidRequestId("rel-4.2.0")).isTrue();
        assertThat(RequestValidator.isValidRequestId("a".repeat(128))).isTrue();
        for (String bad : new String[] { null, "", ".", "..", "a".repeat(129), "a/b", "a b", "ä" }) {
            assertThat(RequestValidator.isValidRequestId(bad)).as(String.valueOf(bad)).isFalse();
        }
        assertInvalid(request("../etc", "migrate", "alkemio"), "requestId");
    }

    @Test
    void actionAndTargetAreRequiredAndKnown() {
        assertInvalid(request("r1", null, "alkemio"), "action is required");
        assertInvalid(request("r1", "destroy", "alkemio"), "Unknown action 'destroy'");
        assertInvalid(request("r1", "migrate", " "), "target is required");
        assertThatThrownBy(() -> validator.validate(request("r1", "migrate", "elsewhere")))
                .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TARGET));
    }

    @Test
    void versionsStepsAndRiskyOptionsFollowTheContract() {
        assertInvalid(new MigrationRequest("r1", "migrate", "alkemio", "4.x", null, null, null, null, null, null), "toVersion");
        assertInvalid(new MigrationRequest("r1", "revert", "alkemio", null, 0, null, null, null, null, null), "steps");
        assertInvalid(new MigrationRequest("r1", "revert", "alkemio", "4", 1, null, null, null, null, null), "either steps or toVersion");
        assertInvalid(request("r1", "repair", "alkemio"), "repair requires a reason");
        Map<String, Object> recordOnly = Map.of("recordOnly", true);
        assertInvalid(new MigrationRequest("r1", "migrate", "alkemio", null, null, null, null, recordOnly, null, "adopted"), "recordOnly");
        assertThat(validator.validate(new MigrationRequest("r1", "migrate", "alkemio", null, null, null, true, recordOnly, null, "adopted")))
                .isEqualTo(Action.MIGRATE);
    }

    private void assertInvalid(MigrationRequest request, String message) {
        assertThatThrownBy(() -> validator.validate(request)).isInstanceOfSatisfying(FerryException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.getMessage()).contains(message);
        });
    }

    private static MigrationRequest request(String id, String action, String target) {
        return new MigrationRequest(id, action, target, null, null, null, null, null, null, null);
    }
}
