package dev.ferry.request.action;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.migration.MigrationOutcome;
import dev.ferry.request.Action;
import dev.ferry.request.MigrationRequest;
import dev.ferry.validation.SandboxValidator;

/** {@code validate}: the pending scripts in a sandbox, against the reference data; {@code options.capture} records a new reference. */
@ApplicationScoped
public class ValidateHandler implements ActionHandler {

    private final SandboxValidator validator;

    public ValidateHandler(SandboxValidator validator) {
        this.validator = validator;
    }

    @Override
    public Action action() {
        return Action.VALIDATE;
    }

    @Override
    public ActionResult handle(MigrationRequest request, ProgressReporter progress) {
        boolean capture = request.options() != null && Boolean.TRUE.equals(request.options().get("capture"));
        SandboxValidator.Outcome done = validator.validate(request.target(), request.requestId(), Optional.ofNullable(request.toVersion()),
                capture);
        return new ActionResult(new MigrationOutcome(null, null, List.of(), null, List.of(), done.failure()), null, done.report(), null);
    }
}
