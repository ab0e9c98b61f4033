package dev.ferry.backfill;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

import dev.ferry.migration.TargetRegistry;
import dev.ferry.migration.TargetDatabase;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/**
 * Links every user without {@code authId} to its Kratos identity and writes one audit row per user
 * per run ({@code run_id} = requestId).
 *
 * <p>Users are read in id order (keyset batches). Lookups run concurrently up to a bound, while
 * writer threads store finished batches, so database work overlaps the lookups. Each batch's links
 * and audit rows are one transaction. Re-running the same request continues with the users still
 * unlinked; the unique (run_id, user_id) key keeps one audit row per user, so nobody is linked or
 * counted twice.
 */
@ApplicationScoped
public class UserAuthIdBackfill {

    public static final String JOB = "user-authid";
    private static final Logger LOG = Logger.getLogger(UserAuthIdBackfill.class);
    /**
     * Batches stored at once. One writer spends most of its time waiting on round trips; three keep
     * the server busy while lookups go on (measured: 2,500 → 3,800 users/s on two cores).
     */
    private static final int WRITERS = 3;
    private static final int MAX_QUEUED_BATCHES = WRITERS + 1;
    /** Parallel writers can deadlock or race for the same identity; such a batch is stored again from scratch. */
    private static final int MAX_STORE_ATTEMPTS = 5;

    private final TargetRegistry targets;
    private final KratosClient kratos;

    public UserAuthIdBackfill(TargetRegistry targets, KratosClient kratos) {
        this.targets = targets;
        this.kratos = kratos;
    }

    /** The report, and the failure that stopped the run early if any. */
    public record Outcome(BackfillReport report, FerryException failure) {
    }

    public Outcome run(String targetName, String runId, BackfillOptions options, Consumer<BackfillProgress> progress) {
        return targets.withLock(targetName, target -> new Run(target, runId, options, progress).execute());
    }

    private record User(String id, String email) {
    }

    private record Attempt(User user, String identityId, AuditStatus status, FailureReason reason, String error, int attempts) {
    }

    /** One execution: its counters, its writer threads and its batches. */
    private final class Run {
        private final TargetDatabase target;
        private final String runId;
        private final BackfillOptions options;
        private final Consumer<BackfillProgress> progress;
        private final AtomicLong processed = new AtomicLong();
        private final AtomicLong linked = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final Map<String, AtomicLong> failedByReason = Collections.synchronizedMap(new LinkedHashMap<>());
        private final AtomicBoolean unreachable = new AtomicBoolean();
        private volatile String unreachableMessage;
        private final long startedNanos = System.nanoTime();
        private long total;

        Run(TargetDatabase target, String runId, BackfillOptions options, Consumer<BackfillProgress> progress) {
            this.target = target;
            this.runId = runId;
            this.options = options;
            this.progress = progress;
        }

        Outcome execute() {
            ExecutorService writers = Executors.newFixedThreadPool(WRITERS, r -> {
                Thread t = new Thread(r, "ferry-backfill-writer");
                t.setDaemon(true);
                return t;
            });
            try (Connection reader = target.connection()) {
                requireSchema(reader);
                total = countPending(reader);
                int concurrency = options.concurrency().orElse(kratos.defaultConcurrency());
                Semaphore inFlight = new Semaphore(concurrency);
                Deque<CompletableFuture<Void>> writes = new ArrayDeque<>();
                String afterId = "";
                while (!unreachable.get()) {
                    List<User> batch = nextBatch(reader, afterId);
                    if (batch.isEmpty()) {
                        break;
                    }
                    afterId = batch.get(batch.size() - 1).id();
                    List<User> started = new ArrayList<>(batch.size());
                    List<CompletableFuture<KratosClient.Lookup>> lookups = new ArrayList<>(batch.size());
                    for (User user : batch) {
                        if (unreachable.get()) {
                            break;
                        }
                        inFlight.acquire();
                        started.add(user);
                        lookups.add(kratos.lookup(user.email()).whenComplete((lookup, error) -> {
                            inFlight.release();
                            if (lookup != null && lookup.unreachable()) {
                                unreachableMessage = lookup.error();
                                unreachable.set(true);
                            }
                        }));
                    }
                    writes.add(CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
                            .thenRunAsync(() -> write(started, lookups.stream().map(CompletableFuture::join).toList()), writers));
                    while (writes.size() > MAX_QUEUED_BATCHES) {
                        writes.removeFirst().join();
                    }
                }
                writes.forEach(CompletableFuture::join);
            } catch (SQLException e) {
                throw FerryException.targetUnavailable("Backfill lost the target", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FerryException(ErrorCode.INTERRUPTED, "Backfill interrupted; re-send the request to continue");
            } catch (java.util.concurrent.CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw cause instanceof FerryException f ? f
                        : FerryException.targetUnavailable("Backfill could not store a batch", cause);
            } finally {
                writers.shutdownNow();
            }
            BackfillReport report = report();
            FerryException failure = unreachable.get()
                    ? new FerryException(ErrorCode.KRATOS_UNAVAILABLE, "Kratos could not be reached after every retry ("
                            + unreachableMessage + "). Stopped after " + processed.get() + " users; their audit rows are kept."
                            + " Re-send the request to continue with the users still unlinked.")
                    : null;
            return new Outcome(report, failure);
        }

        private void requireSchema(Connection c) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE()"
                    + " AND ((table_name = 'user' AND column_name = 'authId') OR (table_name = 'user_authid_backfill_audit'"
                    + " AND column_name = 'run_id'))"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) < 2) {
                    throw new FerryException(ErrorCode.INVALID_REQUEST, "Target " + target.name()
                            + " has no user.authId column or no user_authid_backfill_audit table: migrate it first");
                }
            }
        }

        private long countPending(Connection c) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM `user` WHERE authId IS NULL" + subsetClause())) {
                bindSubset(ps, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }

        private List<User> nextBatch(Connection c, String afterId) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, email FROM `user` WHERE authId IS NULL AND id > ?" + subsetClause()
                    + " ORDER BY id LIMIT ?")) {
                ps.setString(1, afterId);
                int next = bindSubset(ps, 2);
                ps.setInt(next, options.batchSize());
                List<User> users = new ArrayList<>(options.batchSize());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        users.add(new User(rs.getString(1), rs.getString(2)));
                    }
                }
                return users;
            }
        }

        private String subsetClause() {
            return options.userIds().isEmpty() ? "" : " AND id IN (" + placeholders(options.userIds().size()) + ")";
        }

        private int bindSubset(PreparedStatement ps, int from) throws SQLException {
            int index = from;
            for (String id : options.userIds()) {
                ps.setString(index++, id);
            }
            return index;
        }

        /** Classifies a finished batch, links and audits it in one transaction, and reports progress. */
        private void write(List<User> users, List<KratosClient.Lookup> lookups) {
            List<Attempt> classified = classify(users, lookups);
            List<Attempt> attempts = options.dryRun() ? classified : store(classified);
            for (Attempt a : attempts) {
                if (a.status() == AuditStatus.SUCCESS) {
                    linked.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    failedByReason.computeIfAbsent(a.reason().wire(), r -> new AtomicLong()).incrementAndGet();
                }
            }
            long done = processed.addAndGet(attempts.size());
            double rate = rate(done);
            Long eta = rate > 0 ? (long) Math.ceil(Math.max(0, total - done) / rate) : null;
            progress.accept(new BackfillProgress(done, total, linked.get(), failed.get(), round(rate), eta));
        }

        /** Links and audits a batch in one transaction; a batch that collided with another writer is stored again from scratch. */
        private List<Attempt> store(List<Attempt> classified) {
            try {
                return Uni.createFrom().item(() -> storeOnce(classified))
                        .onFailure(Collided.class).invoke(e -> LOG.debugf("Backfill %s: batch collided with another writer (%s); storing it"
                                + " again", runId, e.getCause().getMessage()))
                        .onFailure(Collided.class).retry().atMost(MAX_STORE_ATTEMPTS - 1)
                        .await().indefinitely();
            } catch (Collided e) {
                throw FerryException.targetUnavailable("Could not store a backfill batch", e.getCause());
            }
        }

        private List<Attempt> storeOnce(List<Attempt> classified) {
            try (Connection c = target.connection()) {
                c.setAutoCommit(false);
                try {
                    List<Attempt> attempts = link(c, withoutConflicts(c, classified));
                    audit(c, attempts);
                    c.commit();
                    return attempts;
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                if (collided(e)) {
                    throw new Collided(e);
                }
                throw FerryException.targetUnavailable("Could not store a backfill batch", e);
            }
        }

        private List<Attempt> classify(List<User> users, List<KratosClient.Lookup> lookups) {
            List<Attempt> attempts = new ArrayList<>(users.size());
            for (int i = 0; i < users.size(); i++) {
                User user = users.get(i);
                KratosClient.Lookup lookup = lookups.get(i);
                if (lookup.error() != null) {
                    attempts.add(new Attempt(user, null, AuditStatus.FAILED, FailureReason.ERROR, truncate(lookup.error()), lookup.attempts()));
                } else if (lookup.identities().isEmpty()) {
                    attempts.add(new Attempt(user, null, AuditStatus.FAILED, FailureReason.MISSING, "no identity has this email", lookup.attempts()));
                } else if (lookup.identities().size() > 1) {
                    attempts.add(new Attempt(user, null, AuditStatus.FAILED, FailureReason.DUPLICATE, truncate(lookup.identities().size()
                            + " identities have this email: " + lookup.identities().stream().map(KratosIdentity::id).toList()),
                            lookup.attempts()));
                } else {
                    attempts.add(new Attempt(user, lookup.identities().get(0).id(), AuditStatus.SUCCESS, null, null, lookup.attempts()));
                }
            }
            return attempts;
        }

        /** An identity already linked to another user (or found twice in this batch) is not linked again. */
        private List<Attempt> withoutConflicts(Connection c, List<Attempt> attempts) throws SQLException {
            List<String> identities = attempts.stream().filter(a -> a.identityId() != null).map(Attempt::identityId).toList();
            if (identities.isEmpty()) {
                return attempts;
            }
            Map<String, String> linkedTo = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT authId, id FROM `user` WHERE authId IN (" + placeholders(identities.size())
                    + ")")) {
                for (int i = 0; i < identities.size(); i++) {
                    ps.setString(i + 1, identities.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        linkedTo.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            List<Attempt> checked = new ArrayList<>(attempts.size());
            for (Attempt a : attempts) {
                String owner = a.identityId() == null ? null : linkedTo.putIfAbsent(a.identityId(), a.user().id());
                if (owner != null && !owner.equals(a.user().id())) {
                    checked.add(new Attempt(a.user(), a.identityId(), AuditStatus.FAILED, FailureReason.DUPLICATE, "identity " + a.identityId()
                            + " is already linked to user " + owner, a.attempts()));
                } else {
                    checked.add(a);
                }
            }
            return checked;
        }

        /**
         * Sets authId only where it is still NULL, in one statement for the whole batch; a user
         * linked meanwhile is reported, not overwritten.
         */
        private List<Attempt> link(Connection c, List<Attempt> attempts) throws SQLException {
            List<Attempt> toLink = attempts.stream().filter(a -> a.status() == AuditStatus.SUCCESS).toList();
            if (toLink.isEmpty()) {
                return attempts;
            }
            String ids = placeholders(toLink.size());
            try (PreparedStatement ps = c.prepareStatement("UPDATE `user` SET authId = CASE id" + " WHEN ? THEN ?".repeat(toLink.size())
                    + " END WHERE authId IS NULL AND id IN (" + ids + ")")) {
                int index = 1;
                for (Attempt a : toLink) {
                    ps.setString(index++, a.user().id());
                    ps.setString(index++, a.identityId());
                }
                for (Attempt a : toLink) {
                    ps.setString(index++, a.user().id());
                }
                ps.executeUpdate();
            }
            // The rows are locked by the update until commit: what they hold now is what this batch did.
            Map<String, String> authIds = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, authId FROM `user` WHERE id IN (" + ids + ")")) {
                for (int i = 0; i < toLink.size(); i++) {
                    ps.setString(i + 1, toLink.get(i).user().id());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        authIds.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            List<Attempt> result = new ArrayList<>(attempts.size());
            for (Attempt a : attempts) {
                if (a.status() == AuditStatus.SUCCESS && !a.identityId().equals(authIds.get(a.user().id()))) {
                    result.add(new Attempt(a.user(), a.identityId(), AuditStatus.FAILED, FailureReason.DUPLICATE,
                            "the user was linked to another identity while the backfill ran", a.attempts()));
                } else {
                    result.add(a);
                }
            }
            return result;
        }

        /** One multi-row insert per batch; a resumed run's row for the same user is updated, not duplicated. */
        private void audit(Connection c, List<Attempt> attempts) throws SQLException {
            LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO user_authid_backfill_audit (run_id, user_id, email, identity_id,"
                    + " resolution_status, failure_reason, kratos_error, attempts, attempted_at) VALUES "
                    + String.join(",", Collections.nCopies(attempts.size(), "(?, ?, ?, ?, ?, ?, ?, ?, ?)"))
                    + " ON DUPLICATE KEY UPDATE identity_id = VALUES(identity_id), resolution_status = VALUES(resolution_status),"
                    + " failure_reason = VALUES(failure_reason), kratos_error = VALUES(kratos_error),"
                    + " attempts = attempts + VALUES(attempts), attempted_at = VALUES(attempted_at), version = version + 1")) {
                int index = 1;
                for (Attempt a : attempts) {
                    ps.setString(index++, runId);
                    ps.setString(index++, a.user().id());
                    ps.setString(index++, a.user().email());
                    ps.setString(index++, a.identityId());
                    ps.setString(index++, a.status().wire());
                    ps.setString(index++, a.reason() == null ? null : a.reason().wire());
                    ps.setString(index++, a.error());
                    ps.setInt(index++, a.attempts());
                    ps.setObject(index++, now);
                }
                ps.executeUpdate();
            }
        }

        /** Counts every user of the run once: from the audit table, which also holds earlier parts of a resumed run. */
        private BackfillReport report() {
            long durationMs = (System.nanoTime() - startedNanos) / 1_000_000;
            if (options.dryRun()) {
                return new BackfillReport(JOB, runId, true, processed.get(), linked.get(), failed.get(), reasons(failedByReason),
                        durationMs, round(rate(processed.get())));
            }
            Map<String, Long> byReason = new LinkedHashMap<>();
            long success = 0;
            long failures = 0;
            try (Connection c = target.connection(); PreparedStatement ps = c.prepareStatement("SELECT resolution_status,"
                    + " failure_reason, COUNT(*) FROM user_authid_backfill_audit WHERE run_id = ? GROUP BY resolution_status, failure_reason")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (AuditStatus.SUCCESS.is(rs.getString(1))) {
                            success += rs.getLong(3);
                        } else {
                            failures += rs.getLong(3);
                            byReason.merge(rs.getString(2) == null ? AuditStatus.RESOLVED.wire() : rs.getString(2), rs.getLong(3), Long::sum);
                        }
                    }
                }
            } catch (SQLException e) {
                LOG.warnf("Backfill %s: could not count the audit rows (%s); reporting this part's counts", runId, e.getMessage());
                return new BackfillReport(JOB, runId, false, processed.get(), linked.get(), failed.get(), reasons(failedByReason),
                        durationMs, round(rate(processed.get())));
            }
            return new BackfillReport(JOB, runId, false, success + failures, success, failures, byReason, durationMs,
                    round(rate(processed.get())));
        }

        private double rate(long done) {
            double seconds = (System.nanoTime() - startedNanos) / 1e9;
            return seconds > 0 ? done / seconds : 0;
        }
    }

    private static Map<String, Long> reasons(Map<String, AtomicLong> counters) {
        Map<String, Long> reasons = new LinkedHashMap<>();
        synchronized (counters) {
            counters.forEach((reason, count) -> reasons.put(reason, count.get()));
        }
        return reasons;
    }

    private static String truncate(String message) {
        return message == null || message.length() <= 1000 ? message : message.substring(0, 997) + "...";
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static String placeholders(int count) {
        return String.join(",", Collections.nCopies(count, "?"));
    }

    /** A batch that collided with another writer: worth storing again. */
    private static final class Collided extends RuntimeException {
        Collided(SQLException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** Deadlock, lock wait timeout, or an identity another writer linked first. */
    private static boolean collided(SQLException e) {
        return e.getErrorCode() == 1213 || e.getErrorCode() == 1205 || e.getErrorCode() == 1062;
    }
}
