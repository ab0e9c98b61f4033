package dev.ferry.request;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.RequestStatus;

/**
 * The consumer's side of the {@code ferry_request} ledger (blocking JDBC on the worker threads; the REST
 * API reads the same table reactively). Inserting the request id is the idempotency check.
 */
@ApplicationScoped
public class RequestLedger {

    private final DataSource dataSource;

    public RequestLedger(DataSource dataSource) {
        this.dataSource = dataSource;
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
        String sql = "SELECT request_id, action, target, status, result, received_at, started_at, published_at, instance,"
                + " heartbeat_at, finished_at, payload FROM ferry_request WHERE request_id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new LedgerRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                        RequestStatus.valueOf(rs.getString(4)), rs.getString(5), instant(rs, 6), instant(rs, 7), instant(rs, 8),
                        rs.getString(9), instant(rs, 10), instant(rs, 11), rs.getString(12)));
            }
        } catch (SQLException e) {
            throw new LedgerUnavailableException(e);
        }
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

    private int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
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
        LedgerUnavailableException(SQLException cause) {
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
