package dev.ferry.audit;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.backfill.AuditStatus;
import dev.ferry.KeysetCursor;
import dev.ferry.problem.FerryException;
import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Reactive access to {@code user_authid_backfill_audit} through the Vert.x MySQL client. */
@ApplicationScoped
public class AuditRepository {

    private static final String TABLE = "user_authid_backfill_audit";

    private final Pool pool;

    public AuditRepository(@ReactiveDataSource("audit") Pool pool) {
        this.pool = pool;
    }

    /** Newest first; a page after {@code cursor} costs the same as the first (keyset on attempted_at, id). */
    Uni<List<AuditRow>> page(AuditFilter filter, KeysetCursor cursor, int limit) {
        Tuple params = Tuple.tuple();
        StringBuilder sql = new StringBuilder("SELECT " + AuditRow.COLUMNS + " FROM " + TABLE + " WHERE 1 = 1").append(filter.where(params));
        if (cursor != null) {
            sql.append(" AND (attempted_at < ? OR (attempted_at = ? AND id < ?))");
            params.addLocalDateTime(cursor.time()).addLocalDateTime(cursor.time()).addLong(keyOf(cursor));
        }
        sql.append(" ORDER BY attempted_at DESC, id DESC LIMIT ?");
        params.addInteger(limit);
        return pool.preparedQuery(sql.toString()).execute(params).map(rows -> {
            List<AuditRow> page = new ArrayList<>(limit);
            rows.forEach(r -> page.add(AuditRow.of(r)));
            return page;
        });
    }

    /** An audit cursor's key is the row id. */
    private static long keyOf(KeysetCursor cursor) {
        try {
            return Long.parseLong(cursor.key());
        } catch (NumberFormatException e) {
            throw FerryException.badParameter("after", "not a cursor from this API");
        }
    }

    Uni<AuditRow> find(long id) {
        return pool.preparedQuery("SELECT " + AuditRow.COLUMNS + " FROM " + TABLE + " WHERE id = ?").execute(Tuple.of(id))
                .map(rows -> rows.iterator().hasNext() ? AuditRow.of(rows.iterator().next()) : null);
    }

    /** Marks a failed row resolved if it still has {@code version}; true if it did. */
    Uni<Boolean> resolve(long id, int version, String by, String note) {
        return pool.preparedQuery("UPDATE " + TABLE + " SET resolution_status = 'resolved', resolved_at = ?, resolved_by = ?,"
                + " resolution_note = ?, version = version + 1 WHERE id = ? AND version = ? AND resolution_status = 'failed'")
                .execute(Tuple.of(LocalDateTime.now(ZoneOffset.UTC), by, note, id, version))
                .map(result -> result.rowCount() == 1);
    }

    /** Every matching row, newest first, fetched through a server cursor in chunks: constant memory. */
    Multi<AuditRow> stream(AuditFilter filter) {
        Tuple params = Tuple.tuple();
        String sql = "SELECT " + AuditRow.COLUMNS + " FROM " + TABLE + " WHERE 1 = 1" + filter.where(params)
                + " ORDER BY attempted_at DESC, id DESC";
        return pool.getConnection().toMulti().flatMap(connection -> connection.prepare(sql).toMulti()
                .flatMap(statement -> statement.createStream(1_000, params).toMulti())
                .map(AuditRow::of)
                .onTermination().call(connection::close));
    }

    Uni<AuditSummary> summary() {
        Uni<List<Row>> byStatus = rows("SELECT resolution_status, failure_reason, COUNT(*) AS n FROM " + TABLE
                + " GROUP BY resolution_status, failure_reason");
        Uni<List<Row>> perRun = rows("SELECT run_id, resolution_status, COUNT(*) AS n, MAX(attempted_at) AS last_attempt FROM " + TABLE
                + " WHERE run_id IN (SELECT run_id FROM (SELECT run_id, MAX(attempted_at) AS m FROM " + TABLE
                + " GROUP BY run_id ORDER BY m DESC LIMIT 50) recent) GROUP BY run_id, resolution_status");
        Uni<List<Row>> times = rows("SELECT (SELECT MIN(attempted_at) FROM " + TABLE + " WHERE resolution_status = 'failed') AS oldest,"
                + " (SELECT MAX(attempted_at) FROM " + TABLE + ") AS latest");
        return Uni.combine().all().unis(byStatus, perRun, times).asTuple().map(t -> {
            Map<String, Long> statuses = new LinkedHashMap<>();
            Map<String, Long> reasons = new LinkedHashMap<>();
            for (Row r : t.getItem1()) {
                statuses.merge(r.getString("resolution_status"), r.getLong("n"), Long::sum);
                if (r.getString("failure_reason") != null && AuditStatus.FAILED.is(r.getString("resolution_status"))) {
                    reasons.merge(r.getString("failure_reason"), r.getLong("n"), Long::sum);
                }
            }
            Map<String, AuditSummary.Run> runs = new LinkedHashMap<>();
            for (Row r : t.getItem2()) {
                AuditSummary.Run run = runs.computeIfAbsent(r.getString("run_id"), id -> new AuditSummary.Run(id, new LinkedHashMap<>(), null));
                run.byStatus().put(r.getString("resolution_status"), r.getLong("n"));
                LocalDateTime last = r.getLocalDateTime("last_attempt");
                if (run.lastAttempt() == null || last.toInstant(ZoneOffset.UTC).isAfter(run.lastAttempt())) {
                    runs.put(run.runId(), new AuditSummary.Run(run.runId(), run.byStatus(), last.toInstant(ZoneOffset.UTC)));
                }
            }
            Row time = t.getItem3().get(0);
            LocalDateTime oldest = time.getLocalDateTime("oldest");
            LocalDateTime latest = time.getLocalDateTime("latest");
            return new AuditSummary(statuses, reasons, new ArrayList<>(runs.values()),
                    oldest == null ? null : oldest.toInstant(ZoneOffset.UTC), latest == null ? null : latest.toInstant(ZoneOffset.UTC));
        });
    }

    private Uni<List<Row>> rows(String sql) {
        return pool.query(sql).execute().map(rows -> {
            List<Row> list = new ArrayList<>();
            rows.forEach(list::add);
            return list;
        });
    }
}
