package dev.ferry.request.action;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.migration.TypeOrmBaseline;
import dev.ferry.request.Action;
import dev.ferry.request.MigrationRequest;

/** {@code baseline}: adopt a TypeORM-managed database without running anything again. */
@ApplicationScoped
public class BaselineHandler implements ActionHandler {

    private final TypeOrmBaseline baseline;

    public BaselineHandler(TypeOrmBaseline baseline) {
        this.baseline = baseline;
    }

    @Override
    public Action action() {
        return Action.BASELINE;
    }

    @Override
    public ActionResult handle(MigrationRequest request, ProgressReporter progress) {
        return ActionResult.of(baseline.baseline(request.target()));
    }
}
