package dev.ferry.drift;

import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.migration.ChangeGuard;
import dev.ferry.migration.TargetDatabase;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/** Before migrate and revert: a target whose live schema drifted is refused (SCHEMA_DRIFT), unless it opts out. */
@ApplicationScoped
public class DriftGuard implements ChangeGuard {

    private static final int SHOWN = 10;

    private final DriftDetector detector;
    private final DriftConfig config;

    public DriftGuard(DriftDetector detector, DriftConfig config) {
        this.detector = detector;
        this.config = config;
    }

    @Override
    public Optional<FerryException> refusal(TargetDatabase target) {
        if (!target.config().drift().checkBeforeChange().orElse(config.checkBeforeChange())) {
            return Optional.empty();
        }
        DriftReport drift = detector.check(target.name());
        if (drift.clean()) {
            return Optional.empty();
        }
        return Optional.of(new FerryException(ErrorCode.SCHEMA_DRIFT, "The live schema of " + target.name() + " differs from what its"
                + " history (version " + drift.version() + ") produces, in " + drift.objects() + " object(s): "
                + drift.differences().stream().limit(SHOWN).map(Difference::summary).toList()
                + (drift.objects() > SHOWN ? " and more" : "") + ". Undo the change made outside Ferry, capture it in a script"
                + " (generate from the live schema), or send force: true.", null, Map.of("drift", drift.differences()), null));
    }
}
