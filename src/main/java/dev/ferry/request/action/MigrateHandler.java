package dev.ferry.request.action;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.migration.MigrationRunner;
import dev.ferry.request.Action;
import dev.ferry.request.MigrationRequest;

/** {@code migrate}: the pending scripts up to {@code toVersion}, or their plan on a dry run. */
@ApplicationScoped
public class MigrateHandler implements ActionHandler {

    private final MigrationRunner runner;

    public MigrateHandler(MigrationRunner runner) {
        this.runner = runner;
    }

    @Override
    public Action action() {
        return Action.MIGRATE;
    }

    @Override
    public ActionResult handle(MigrationRequest request, ProgressReporter progress) {
        return ActionResult.of(runner.migrate(request.target(), Optional.ofNullable(request.toVersion()), request.isForced(),
                request.isDryRun(), progress::report, request.options() != null && Boolean.TRUE.equals(request.options().get("recordOnly"))));
    }
}
