package dev.ferry.request.action;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.migration.MigrationRunner;
import dev.ferry.request.Action;
import dev.ferry.request.MigrationRequest;

/** {@code info}: every script with its state, as {@code migration:show} lists them. */
@ApplicationScoped
public class InfoHandler implements ActionHandler {

    private final MigrationRunner runner;

    public InfoHandler(MigrationRunner runner) {
        this.runner = runner;
    }

    @Override
    public Action action() {
        return Action.INFO;
    }

    @Override
    public ActionResult handle(MigrationRequest request, ProgressReporter progress) {
        return ActionResult.of(runner.info(request.target()));
    }
}
