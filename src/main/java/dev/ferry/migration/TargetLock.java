package dev.ferry.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

import io.smallrye.mutiny.infrastructure.Infrastructure;

import java.sql.Connection;
import java.sql.SQLException;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/**
 * {@code GET_LOCK('ferry:<target>')} held on its own connection for the whole change, so a second
 * Ferry instance, or a person running migrations by hand with the same lock, waits or gives up.
 */
final class TargetLock implements AutoCloseable {

    private final Connection connection;
    private final String lockName;
    private final List<Runnable> beforeRelease = new ArrayList<>();

    private TargetLock(Connection connection, String lockName) {
        this.connection = connection;
        this.lockName = lockName;
    }

    static String lockName(String target) {
        return "ferry:" + target;
    }

    /** Takes the lock or throws LOCK_TIMEOUT after the target's lock timeout. */
    static TargetLock acquire(TargetDatabase target) {
        String name = lockName(target.name());
        long timeoutSeconds = Math.max(0, target.config().lockTimeout().toSeconds());
        Connection connection = target.connection();
        try {
            if (!NamedLocks.tryLock(connection, name, timeoutSeconds)) {
                closeQuietly(connection);
                throw new FerryException(ErrorCode.LOCK_TIMEOUT, "Target " + target.name() + " is locked by another change ("
                        + name + " not free after " + timeoutSeconds + " s)");
            }
            return new TargetLock(connection, name);
        } catch (SQLException e) {
            closeQuietly(connection);
            throw FerryException.targetUnavailable("Cannot lock target " + target.name(), e);
        }
    }

    /**
     * Bookkeeping that must end before the next change of the target starts, but that the answer of this
     * one need not wait for: it runs after {@link #close()}, in the background, and the lock is released
     * only when it is done.
     */
    void beforeRelease(Runnable step) {
        beforeRelease.add(step);
    }

    @Override
    public void close() {
        if (beforeRelease.isEmpty()) {
            release();
            return;
        }
        Runnable finish = () -> {
            try {
                beforeRelease.forEach(Runnable::run);
            } finally {
                release();
            }
        };
        try {
            Infrastructure.getDefaultWorkerPool().execute(finish);
        } catch (RejectedExecutionException e) {
            finish.run(); // shutting down: finish here
        }
    }

    private void release() {
        NamedLocks.release(connection, lockName);
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // nothing left to release
        }
    }
}
