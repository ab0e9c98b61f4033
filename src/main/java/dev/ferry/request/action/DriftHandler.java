package dev.ferry.request.action;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.drift.DriftDetector;
import dev.ferry.drift.DriftReport;
import dev.ferry.migration.MigrationOutcome;
import dev.ferry.request.Action;
import dev.ferry.request.MigrationRequest;

/** {@code drift}: every difference between the live schema and what the applied scripts produce; changes nothing. */
@ApplicationScoped
public class DriftHandler implements ActionHandler {

    private final DriftDetector detector;

    public DriftHandler(DriftDetector detector) {
        this.detector = detector;
    }

    @Override
    public Action action() {
        return Action.DRIFT;
    }

    @Override
    public ActionResult handle(MigrationRequest request, ProgressReporter progress) {
        DriftReport drift = detector.check(request.target());
        return new ActionResult(new MigrationOutcome(drift.version(), drift.version(), List.of(), null, List.of(), null), null, null, drift);
    }
}
