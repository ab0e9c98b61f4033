package dev.ferry.request.action;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.migration.MigrationRunner;
import dev.ferry.request.Action;
import dev.ferry.request.MigrationRequest;

/** {@code repair}: Flyway repair (failed rows removed, checksums realigned); a dry run shows the history instead. */
@ApplicationScoped
public class RepairHandler implements ActionHandler {

    private final MigrationRunner runner;

    public RepairHandler(MigrationRunner runner) {
        this.runner = runner;
    }

    @Override
    public Action action() {
        return Action.REPAIR;
    }

    @Override
    public ActionResult handle(MigrationRequest request, ProgressReporter progress) {
        return ActionResult.of(request.isDryRun() ? runner.info(request.target()) : runner.repair(request.target()));
    }
}
