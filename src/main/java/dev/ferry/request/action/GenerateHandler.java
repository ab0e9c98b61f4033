package dev.ferry.request.action;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.migration.MigrationOutcome;
import dev.ferry.request.Action;
import dev.ferry.request.MigrationRequest;
import dev.ferry.generate.ScriptGenerator;

/** {@code generate}: draft V and U scripts from a reference schema. */
@ApplicationScoped
public class GenerateHandler implements ActionHandler {

    private final ScriptGenerator generator;

    public GenerateHandler(ScriptGenerator generator) {
        this.generator = generator;
    }

    @Override
    public Action action() {
        return Action.GENERATE;
    }

    @Override
    public ActionResult handle(MigrationRequest request, ProgressReporter progress) {
        return ActionResult.of(new MigrationOutcome(null, null, List.of(),
                generator.generate(request.target(), request.requestId(), request.options()), List.of(), null));
    }
}
