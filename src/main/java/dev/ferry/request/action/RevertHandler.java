package dev.ferry.request.action;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.migration.UndoRunner;
import dev.ferry.request.Action;
import dev.ferry.request.MigrationRequest;

/** {@code revert}: the last version, the last {@code steps}, or every version above {@code toVersion}, with undo scripts. */
@ApplicationScoped
public class RevertHandler implements ActionHandler {

    private final UndoRunner undo;

    public RevertHandler(UndoRunner undo) {
        this.undo = undo;
    }

    @Override
    public Action action() {
        return Action.REVERT;
    }

    @Override
    public ActionResult handle(MigrationRequest request, ProgressReporter progress) {
        return ActionResult.of(undo.revert(request.target(), request.steps(), Optional.ofNullable(request.toVersion()), request.isForced(),
                request.isDryRun()));
    }
}
