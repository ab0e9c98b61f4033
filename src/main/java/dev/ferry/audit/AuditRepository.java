package dev.ferry.audit;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import dev.ferry.KeysetCursor;
import dev.ferry.backfill.AuditStatus;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import io.quarkus.hibernate.orm.PersistenceUnit;
import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * {@code user_authid_backfill_audit}, for the REST API: read and resolved with Hibernate Reactive over
 * the Vert.x MySQL client (persistence unit {@code audit}). The CSV export alone streams over the
 * Vert.x client itself: Hibernate Reactive has no cursor, and an export must not hold every row.
 */
@ApplicationScoped
public class AuditRepository {

    private static final String TABLE = "user_authid_backfill_audit";

    private final Mutiny.SessionFactory sessions;
    private final Pool pool;

    public AuditRepository(@PersistenceUnit("audit") Mutiny.SessionFactory sessions, @ReactiveDataSource("audit") Pool pool) {
        this.sessions = sessions;
        this.pool = pool;
    }

    /** Newest first; a page after {@code cursor} costs the same as the first (keyset on attempted_at, id). */
    Uni<List<AuditRow>> page(AuditFilter filter, KeysetCursor cursor, int limit) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT " + AuditRow.COLUMNS + " FROM " + TABLE + " WHERE 1 = 1").append(filter.where(params));
        if (cursor != null) {
            sql.append(" AND (attempted_at < ? OR (attempted_at = ? AND id < ?))");
            params.add(cursor.time());
            params.add(cursor.time());
            params.add(keyOf(cursor));
        }
        sql.append(" ORDER BY attempted_at DESC, id DESC LIMIT ?");
        params.add(limit);
        return sessions.withSession(session -> bound(session.createNativeQuery(sql.toString(), AuditEntry.class), params).getResultList())
                .map(entries -> entries.stream().map(AuditRow::of).toList());
    }

    /** An audit cursor's key is the row id. */
    private static long keyOf(KeysetCursor cursor) {
        try {
            return Long.parseLong(cursor.key());
        } catch (NumberFormatException e) {
            throw FerryException.badParameter("after", "not a cursor from this API");
        }
    }

    /** One row; fails with AUDIT_NOT_FOUND when there is none. */
    Uni<AuditRow> existing(long id) {
        return sessions.withSession(session -> session.find(AuditEntry.class, id)).onItem().ifNull()
                .failWith(() -> new FerryException(ErrorCode.AUDIT_NOT_FOUND, "No audit row " + id)).map(AuditRow::of);
    }

    /** Marks a failed row resolved if it still has {@code version}; true if it did. */
    Uni<Boolean> resolve(long id, int version, String by, String note) {
        return sessions.withTransaction(session -> bound(session.createNativeQuery("UPDATE " + TABLE + " SET resolution_status = 'resolved',"
                + " resolved_at = ?, resolved_by = ?, resolution_note = ?, version = version + 1 WHERE id = ? AND version = ?"
                + " AND resolution_status = 'failed'"), List.of(LocalDateTime.now(ZoneOffset.UTC), by, note, id, version)).executeUpdate())
                .map(updated -> updated == 1);
    }

    /** Every matching row, newest first, fetched through a server cursor in chunks: constant memory. */
    Multi<AuditRow> stream(AuditFilter filter) {
        List<Object> params = new ArrayList<>();
        String sql = "SELECT " + AuditRow.COLUMNS + " FROM " + TABLE + " WHERE 1 = 1" + filter.where(params)
                + " ORDER BY attempted_at DESC, id DESC";
        return pool.getConnection().toMulti().flatMap(connection -> connection.prepare(sql).toMulti()
                .flatMap(statement -> statement.createStream(1_000, Tuple.from(params)).toMulti())
                .map(AuditRow::of)
                .onTermination().call(connection::close));
    }

    Uni<AuditSummary> summary() {
        String byStatus = "SELECT resolution_status, failure_reason, COUNT(*) FROM " + TABLE + " GROUP BY resolution_status, failure_reason";
        String perRun = "SELECT run_id, resolution_status, COUNT(*), MAX(attempted_at) FROM " + TABLE
                + " WHERE run_id IN (SELECT run_id FROM (SELECT run_id, MAX(attempted_at) AS m FROM " + TABLE
                + " GROUP BY run_id ORDER BY m DESC LIMIT 50) recent) GROUP BY run_id, resolution_status";
        String times = "SELECT (SELECT MIN(attempted_at) FROM " + TABLE + " WHERE resolution_status = 'failed'),"
                + " (SELECT MAX(attempted_at) FROM " + TABLE + ")";
        return sessions.withSession(session -> rows(session, byStatus)
                .flatMap(statuses -> rows(session, perRun)
                        .flatMap(runs -> rows(session, times).map(time -> summary(statuses, runs, time.get(0))))));
    }

    private static AuditSummary summary(List<Object[]> byStatus, List<Object[]> perRun, Object[] times) {
        Map<String, Long> statuses = new LinkedHashMap<>();
        Map<String, Long> reasons = new LinkedHashMap<>();
        for (Object[] r : byStatus) {
            String status = (String) r[0];
            long n = ((Number) r[2]).longValue();
            statuses.merge(status, n, Long::sum);
            if (r[1] != null && AuditStatus.FAILED.is(status)) {
                reasons.merge((String) r[1], n, Long::sum);
            }
        }
        Map<String, AuditSummary.Run> runs = new LinkedHashMap<>();
        for (Object[] r : perRun) {
            AuditSummary.Run run = runs.computeIfAbsent((String) r[0], id -> new AuditSummary.Run(id, new LinkedHashMap<>(), null));
            run.byStatus().put((String) r[1], ((Number) r[2]).longValue());
            Instant last = instant(r[3]);
            if (run.lastAttempt() == null || last.isAfter(run.lastAttempt())) {
                runs.put(run.runId(), new AuditSummary.Run(run.runId(), run.byStatus(), last));
            }
        }
        return new AuditSummary(statuses, reasons, new ArrayList<>(runs.values()), instant(times[0]), instant(times[1]));
    }

    /** A DATETIME as the driver hands it back, read as UTC. */
    private static Instant instant(Object value) {
        if (value instanceof LocalDateTime time) {
            return time.toInstant(ZoneOffset.UTC);
        }
        if (value instanceof java.sql.Timestamp time) {
            return time.toLocalDateTime().toInstant(ZoneOffset.UTC);
        }
        return value instanceof Instant time ? time : null;
    }

    @SuppressWarnings("unchecked")
    private static Uni<List<Object[]>> rows(Mutiny.Session session, String sql) {
        return session.createNativeQuery(sql, Object[].class).getResultList().map(list -> (List<Object[]>) (List<?>) list);
    }

    private static <Q extends Mutiny.AbstractQuery> Q bound(Q query, List<Object> params) {
        for (int i = 0; i < params.size(); i++) {
            query.setParameter(i + 1, params.get(i));
        }
        return query;
    }
}
