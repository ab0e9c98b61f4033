package dev.ferry.migration;

import java.util.Optional;

import dev.ferry.problem.FerryException;

/**
 * A check that must pass before a change touches a target (schema drift: the live schema must be
 * what the history produces). Implemented outside this package, so migrations do not depend on it.
 */
public interface ChangeGuard {

    /** Why the target must not be changed now, if it must not. */
    Optional<FerryException> refusal(TargetDatabase target);
}
