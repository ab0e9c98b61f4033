package dev.ferry.request;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.ferry.KeysetCursor;
import dev.ferry.RequestStatus;
import dev.ferry.sql.Jdbc;

/**
 * The {@code ferry_request} ledger: every statement that reads or writes it, each row handed out as a
 * {@link LedgerRecord}. Inserting the request id is the idempotency check.
 *
 * <p>The consumer reads and writes over JDBC on its worker threads, where each step runs inside a
 * bounded retry; the REST API reads with Hibernate Reactive. The one exception is the event stream's
 * poll, which uses the reactive pool directly: it runs on timer ticks, outside the Vert.x context a
 * Hibernate Reactive session needs.
 */
@ApplicationScoped
public class RequestLedger {

    private static final String COLUMNS = "request_id, action, target, status, dry_run, forced, requested_by, reason, result,"
            + " error_code, received_at, started_at, finished_at, published_at, instance, heartbeat_at, deliveries, progress, payload, approval";

    private final DataSource dataSource;
    private final Pool pool;

    public RequestLedger(DataSource dataSource, Pool pool) {
        this.dataSource = dataSource;
        this.pool = pool;
    }

    /** Records the request as RUNNING by {@code instance}; false if the id is already known. */
    public boolean claim(MigrationRequest request, String payload, Instant receivedAt, String instance) {
        String sql = "INSERT INTO ferry_request (request_id, action, target, status, dry_run, forced, requested_by, reason,"
                + " payload, received_at, started_at, instance, heartbeat_at) VALUES (?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                // A known id only counts one more delivery: 1 row affected means inserted, 2 means it existed.
                + " ON DUPLICATE KEY UPDATE deliveries = deliveries + 1";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, request.requestId());
            ps.setString(2, truncate(request.action(), 32));
            ps.setString(3, truncate(request.target(), 128));
            ps.setBoolean(4, request.isDryRun());
            ps.setBoolean(5, request.isForced());
            ps.setString(6, truncate(request.requestedBy(), 255));
            ps.setString(7, truncate(request.reason(), 1000));
            ps.setString(8, payload);
            ps.setObject(9, utc(receivedAt));
            ps.setObject(10, utc(receivedAt));
            ps.setString(11, instance);
            ps.setObject(12, utc(receivedAt));
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            // A request the database will never take (bad data, not a lost connection) must not be retried forever.
            throw e instanceof java.sql.SQLNonTransientException && !(e instanceof java.sql.SQLNonTransientConnectionException)
                    ? new LedgerRefusedException(e) : new LedgerUnavailableException(e);
        }
    }

    /** Records work Ferry started itself (a retention run) as a finished ledger entry. */
    public void record(String requestId, String action, String target, RequestStatus status, String resultJson) {
        LocalDateTime now = utc(Instant.now());
        update("INSERT INTO ferry_request (request_id, action, target, status, payload, result, received_at, started_at, finished_at,"
                + " published_at) VALUES (?, ?, ?, ?, '{}', ?, ?, ?, ?, ?)", requestId, action, target, status.name(), resultJson, now, now,
                now, now);
    }

    public Optional<LedgerRecord> find(String requestId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM ferry_request WHERE request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new LedgerRecord(rs.getString(1), rs.getString(2), rs.getString(3), RequestStatus.valueOf(rs.getString(4)),
                        rs.getBoolean(5), rs.getBoolean(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                        instant(rs, 11), instant(rs, 12), instant(rs, 13), instant(rs, 14), rs.getString(15), instant(rs, 16),
                        rs.getInt(17), rs.getString(18), rs.getString(19), rs.getString(20)));
            }
        } catch (SQLException e) {
            throw new LedgerUnavailableException(e);
        }
    }

    /** Refreshes a rollout's own request while an instance drives it (the driver may change with a takeover). */
    public void driving(String requestId, String instance, Instant now) {
        update("UPDATE ferry_request SET instance = ?, heartbeat_at = ? WHERE request_id = ? AND status = 'RUNNING'", instance, utc(now),
                requestId);
    }

    /** Refreshes the heartbeat of a request this instance runs. */
    public void heartbeat(String requestId, String instance, Instant now) {
        update("UPDATE ferry_request SET heartbeat_at = ? WHERE request_id = ? AND instance = ? AND status = 'RUNNING'",
                utc(now), requestId, instance);
    }

    /** Stores the progress of a long request (JSON), shown by the REST API while it runs. */
    public void progress(String requestId, String progressJson) {
        update("UPDATE ferry_request SET progress = ? WHERE request_id = ?", progressJson, requestId);
    }

    /** Takes over a RUNNING request whose owner stopped beating; true if this instance now owns it. */
    public boolean takeOver(String requestId, Instant staleBefore, String instance, Instant now) {
        return update("UPDATE ferry_request SET instance = ?, heartbeat_at = ? WHERE request_id = ? AND status = 'RUNNING'"
                + " AND heartbeat_at < ?", instance, utc(now), requestId, utc(staleBefore)) == 1;
    }

    /** Parks a request this instance runs until an approver decides; false if it is not RUNNING any more. */
    public boolean park(String requestId, String approvalJson, Instant expiresAt) {
        return update("UPDATE ferry_request SET status = 'AWAITING_APPROVAL', approval = ?, approval_expires_at = ?, heartbeat_at = NULL"
                + " WHERE request_id = ? AND status = 'RUNNING'", approvalJson, utc(expiresAt), requestId) == 1;
    }

    /**
     * Records a decision on a waiting request and makes it this instance's to finish (RUNNING, with a
     * heartbeat); false when it no longer waits (another approver or the expiry got there first).
     */
    public boolean decide(String requestId, String approvalJson, String instance, Instant now) {
        return update("UPDATE ferry_request SET status = 'RUNNING', approval = ?, instance = ?, heartbeat_at = ?, started_at = ?"
                + " WHERE request_id = ? AND status = 'AWAITING_APPROVAL'", approvalJson, instance, utc(now), utc(now), requestId) == 1;
    }

    /** Waiting requests whose time to be decided ran out. */
    public List<String> approvalsExpiredBy(Instant now) {
        return ids("SELECT request_id FROM ferry_request WHERE status = 'AWAITING_APPROVAL' AND approval_expires_at < ?", now);
    }

    /** Decided requests (running after approval, or being ended) whose owner stopped beating: no record will bring them back. */
    public List<String> decidedAndStale(Instant staleBefore) {
        return ids("SELECT request_id FROM ferry_request WHERE status = 'RUNNING' AND heartbeat_at < ? AND approval IS NOT NULL",
                staleBefore);
    }

    private List<String> ids(String sql, Instant time) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, utc(time));
            List<String> ids = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new LedgerUnavailableException(e);
        }
    }

    /** Stores the final result. */
    public void finish(MigrationResult result, String resultJson) {
        update("UPDATE ferry_request SET status = ?, result = ?, error_code = ?, started_at = ?, finished_at = ?,"
                + " heartbeat_at = NULL WHERE request_id = ?",
                result.status().name(), resultJson, result.error() == null ? null : result.error().code(),
                utc(result.startedAt()), utc(result.finishedAt()), result.requestId());
    }

    /** Notes that the broker acknowledged the result, so a redelivery re-publishes it as a duplicate. */
    public void markPublished(String requestId, Instant now) {
        update("UPDATE ferry_request SET published_at = ? WHERE request_id = ? AND published_at IS NULL", utc(now), requestId);
    }

    /** One request, for the REST API; null if the ledger has no such id. */
    public Uni<LedgerRecord> entry(String requestId) {
        return Panache.withSession(() -> RequestEntry.<RequestEntry> findById(requestId)).map(e -> e == null ? null : LedgerRecord.of(e));
    }

    /** Requests newest first, after {@code after} (keyset), each filter optional. */
    public Uni<List<LedgerRecord>> page(String target, RequestStatus status, Action action, KeysetCursor after, int limit) {
        StringBuilder hql = new StringBuilder("from RequestEntry where 1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (target != null) {
            hql.append(" and target = :target");
            params.put("target", target);
        }
        if (status != null) {
            hql.append(" and status = :status");
            params.put("status", status);
        }
        if (action != null) {
            hql.append(" and action = :action");
            params.put("action", action.wireName());
        }
        if (after != null) {
            hql.append(" and (receivedAt < :afterTime or (receivedAt = :afterTime and requestId < :afterId))");
            params.put("afterTime", after.time());
            params.put("afterId", after.key());
        }
        hql.append(" order by receivedAt desc, requestId desc");
        return Panache.withSession(() -> RequestEntry.<RequestEntry> find(hql.toString(), params).range(0, limit - 1).list())
                .map(entries -> entries.stream().map(LedgerRecord::of).toList());
    }

    /** The cursor that continues a page after {@code last}. */
    public static KeysetCursor cursorAfter(LedgerRecord last) {
        return new KeysetCursor(LocalDateTime.ofInstant(last.receivedAt(), ZoneOffset.UTC), last.requestId());
    }

    /** How many requests have ids starting with {@code prefix}, and how many of those still run. */
    public Uni<Counts> countByPrefix(String prefix) {
        return Panache.withSession(() -> RequestEntry.count("requestId like ?1", prefix + "%")
                .flatMap(all -> RequestEntry.count("requestId like ?1 and status = ?2", prefix + "%", RequestStatus.RUNNING)
                        .map(running -> new Counts(all, running))));
    }

    /** Requests counted: all of them, and those still running. */
    public record Counts(long all, long running) {
    }

    /**
     * The request as a stream or a waiting call reads it, every few hundred milliseconds; null while the
     * ledger has no such id. The payload (the request as received) and the approval are not read: nothing polling shows them.
     */
    public Uni<LedgerRecord> poll(String requestId) {
        return pool.preparedQuery("SELECT " + COLUMNS.replace(", payload, approval", "") + " FROM ferry_request WHERE request_id = ?")
                .execute(Tuple.of(requestId))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    return new LedgerRecord(r.getString("request_id"), r.getString("action"), r.getString("target"),
                            RequestStatus.valueOf(r.getString("status")), flag(r, "dry_run"), flag(r, "forced"),
                            r.getString("requested_by"), r.getString("reason"), r.getString("result"), r.getString("error_code"),
                            LedgerRecord.instant(r.getLocalDateTime("received_at")), LedgerRecord.instant(r.getLocalDateTime("started_at")),
                            LedgerRecord.instant(r.getLocalDateTime("finished_at")), LedgerRecord.instant(r.getLocalDateTime("published_at")),
                            r.getString("instance"), LedgerRecord.instant(r.getLocalDateTime("heartbeat_at")), r.getInteger("deliveries"),
                            r.getString("progress"), null, null);
                });
    }

    /** A BOOLEAN column, which MySQL stores as TINYINT(1). */
    private static boolean flag(Row row, String column) {
        Object value = row.getValue(column);
        return value instanceof Boolean b ? b : value instanceof Number n && n.intValue() != 0;
    }

    private int update(String sql, Object... params) {
        try {
            return Jdbc.update(dataSource, sql, params);
        } catch (SQLException e) {
            throw new LedgerUnavailableException(e);
        }
    }

    private static LocalDateTime utc(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    /** The ledger database cannot be reached; the request is retried, never dropped. */
    public static class LedgerUnavailableException extends RuntimeException {
        public LedgerUnavailableException(SQLException cause) {
            super("The request ledger is unavailable: " + cause.getMessage(), cause);
        }
    }

    /** The ledger database refused the request itself; trying again cannot help. */
    public static class LedgerRefusedException extends RuntimeException {
        LedgerRefusedException(SQLException cause) {
            super("The request ledger refused the request: " + cause.getMessage(), cause);
        }
    }
}
