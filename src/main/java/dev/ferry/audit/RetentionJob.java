package dev.ferry.audit;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.RequestStatus;
import dev.ferry.alert.Alert;
import dev.ferry.alert.AlertKind;
import dev.ferry.alert.Alerts;
import dev.ferry.migration.TargetRegistry;
import dev.ferry.migration.NamedLocks;
import dev.ferry.migration.TargetDatabase;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import dev.ferry.request.RequestLedger;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;

/**
 * Moves audit rows older than the retention period out of {@code user_authid_backfill_audit}, in
 * small batches so no lock is held long. Safe to stop at any point: archive-table copies and deletes
 * a batch in one transaction; archive-csv deletes a batch only after its file is fsynced (a batch
 * interrupted between the two is archived again by the next run); drop just deletes. Unresolved
 * failures stay unless the policy includes them. One run at a time per target (a database lock);
 * every run is recorded in the ledger.
 */
@ApplicationScoped
public class RetentionJob {

    static final Set<String> POLICIES = Set.of("archive-table", "archive-csv", "drop");
    private static final Logger LOG = Logger.getLogger(RetentionJob.class);
    private static final Duration FLOOR = Duration.ofDays(90);
    private static final String AUDIT = "user_authid_backfill_audit";

    private final RetentionConfig config;
    private final TargetRegistry targets;
    private final RequestLedger ledger;
    private final Alerts alerts;
    private final MeterRegistry metrics;
    private final ObjectMapper mapper;
    private final String auditTarget;

    public RetentionJob(AuditConfig audit, TargetRegistry targets, RequestLedger ledger, Alerts alerts, MeterRegistry metrics,
            ObjectMapper mapper) {
        this.config = audit.retention();
        this.targets = targets;
        this.ledger = ledger;
        this.alerts = alerts;
        this.metrics = metrics;
        this.mapper = mapper;
        this.auditTarget = audit.target();
    }

    @Scheduled(cron = "${ferry.audit.retention.cron:0 30 3 * * ?}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            run(false, null, null, Optional.empty(), false);
        } catch (FerryException e) {
            LOG.warnf("Scheduled retention did not run: %s", e.getMessage());
        }
    }

    /**
     * Runs (or, with dryRun, counts) one retention pass; {@code policy} and {@code includeUnresolved}
     * override the config. A run asked for by hand that drops rows or deletes unresolved ones must name
     * the count its dry run reported ({@code expectRows}), so a typo cannot delete what nobody looked at.
     * The scheduled run follows the configuration, which is its own confirmation.
     */
    public RetentionReport run(boolean dryRun, String policyOverride, Boolean includeUnresolvedOverride, Optional<Long> expectRows,
            boolean byHand) {
        String policy = policyOverride == null ? config.policy() : policyOverride;
        if (!POLICIES.contains(policy)) {
            throw new FerryException(ErrorCode.INVALID_REQUEST, "Retention policy must be archive-table, archive-csv or drop, not '"
                    + policy + "'");
        }
        if (config.period().compareTo(FLOOR) < 0 && !config.allowShorterThan90Days()) {
            throw new FerryException(ErrorCode.INVALID_REQUEST, "ferry.audit.retention.period is " + config.period().toDays()
                    + " days; under 90 days needs ferry.audit.retention.allow-shorter-than-90-days=true");
        }
        boolean includeUnresolved = includeUnresolvedOverride == null ? config.includeUnresolved() : includeUnresolvedOverride;
        String runId = "retention-" + Instant.now().toString().replaceAll("[^0-9TZ]", "");
        LocalDateTime cutoff = LocalDateTime.now(ZoneOffset.UTC).minus(config.period());
        TargetDatabase target = targets.get(auditTarget);
        long started = System.nanoTime();
        try (Connection c = target.connection()) {
            if (!NamedLocks.tryLock(c, lockName(), 0)) {
                throw new FerryException(ErrorCode.LOCK_TIMEOUT, "Another retention run of " + auditTarget + " is in progress");
            }
            try {
                boolean destructive = policy.equals("drop") || includeUnresolved;
                if (!dryRun && destructive && byHand) {
                    long rows = count(c, runId, policy, cutoff, includeUnresolved, started).rows();
                    if (expectRows.isEmpty()) {
                        throw new FerryException(ErrorCode.PRECONDITION_REQUIRED, "A run with policy " + policy
                                + (includeUnresolved ? " that includes unresolved rows" : "") + " deletes for good: run it with"
                                + " dryRun=true first, then send expectRows=<the rows it reported> (" + rows + " now)");
                    }
                    if (expectRows.get() != rows) {
                        throw new FerryException(ErrorCode.ROW_COUNT_MISMATCH, "The run would touch " + rows + " rows, not "
                                + expectRows.get() + "; nothing was changed. Run the dry run again and look before you send its count.");
                    }
                }
                RetentionReport report = dryRun ? count(c, runId, policy, cutoff, includeUnresolved, started)
                        : move(c, runId, policy, cutoff, includeUnresolved, started);
                record(runId, RequestStatus.SUCCEEDED, report);
                return report;
            } finally {
                NamedLocks.release(c, lockName());
            }
        } catch (ArchiveMismatch e) {
            String message = "Audit retention on " + auditTarget + " stopped: the archive already holds different rows under ids "
                    + e.ids + "; those rows and the rest of their batch were kept";
            LOG.error(message);
            alerts.raise(Alert.of(AlertKind.RETENTION_FAILED, auditTarget, runId, message,
                    Map.of("policy", policy)));
            record(runId, RequestStatus.FAILED, Map.of("error", message));
            throw new FerryException(ErrorCode.ARCHIVE_MISMATCH, message, null, Map.of("ids", e.ids), null);
        } catch (SQLException | IOException e) {
            LOG.errorf(e, "Retention run %s failed", runId);
            alerts.raise(Alert.of(AlertKind.RETENTION_FAILED, auditTarget, runId,
                    "Audit retention on " + auditTarget + " failed: " + e.getMessage(), Map.of("policy", policy)));
            record(runId, RequestStatus.FAILED, Map.of("error", String.valueOf(e.getMessage())));
            throw FerryException.targetUnavailable("Retention failed", e);
        }
    }

    private RetentionReport count(Connection c, String runId, String policy, LocalDateTime cutoff, boolean includeUnresolved, long started)
            throws SQLException {
        Map<String, Long> byStatus = new LinkedHashMap<>();
        long rows = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT resolution_status, COUNT(*) FROM " + AUDIT + " WHERE attempted_at < ?"
                + unresolved(includeUnresolved) + " GROUP BY resolution_status")) {
            ps.setObject(1, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byStatus.put(rs.getString(1), rs.getLong(2));
                    rows += rs.getLong(2);
                }
            }
        }
        return new RetentionReport(runId, auditTarget, policy, true, cutoff.toInstant(ZoneOffset.UTC).toString(), includeUnresolved, rows,
                byStatus, 0, null, (System.nanoTime() - started) / 1_000_000);
    }

    private RetentionReport move(Connection c, String runId, String policy, LocalDateTime cutoff, boolean includeUnresolved, long started)
            throws SQLException, IOException {
        Map<String, Long> byStatus = new LinkedHashMap<>();
        List<String> files = new ArrayList<>();
        long rows = 0;
        int batches = 0;
        while (true) {
            List<Long> ids = new ArrayList<>();
            Map<Long, String> statuses = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, resolution_status FROM " + AUDIT + " WHERE attempted_at < ?"
                    + unresolved(includeUnresolved) + " ORDER BY id LIMIT ?")) {
                ps.setObject(1, cutoff);
                ps.setInt(2, config.batchSize());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                        statuses.put(rs.getLong(1), rs.getString(2));
                    }
                }
            }
            if (ids.isEmpty()) {
                break;
            }
            String in = " WHERE id IN (" + String.join(",", Collections.nCopies(ids.size(), "?")) + ")";
            if (policy.equals("archive-csv")) {
                files.add(writeCsv(c, runId, batches, in, ids).toString());
            }
            c.setAutoCommit(false);
            try {
                if (policy.equals("archive-table")) {
                    execute(c, "INSERT IGNORE INTO " + AUDIT + "_archive SELECT a.*, UTC_TIMESTAMP(3) FROM " + AUDIT + " a" + in, ids);
                    // INSERT IGNORE skips a row the archive already holds under the same id: delete only what is
                    // verifiably archived, else that row would be gone from both tables.
                    List<Long> differing = notArchived(c, in, ids);
                    if (!differing.isEmpty()) {
                        c.rollback();
                        throw new ArchiveMismatch(differing);
                    }
                }
                execute(c, "DELETE FROM " + AUDIT + in, ids);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            statuses.values().forEach(s -> byStatus.merge(s, 1L, Long::sum));
            rows += ids.size();
            batches++;
            metrics.counter("ferry.retention.rows", "target", auditTarget, "policy", policy).increment(ids.size());
        }
        return new RetentionReport(runId, auditTarget, policy, false, cutoff.toInstant(ZoneOffset.UTC).toString(), includeUnresolved, rows,
                byStatus, batches, policy.equals("archive-csv") ? files : null, (System.nanoTime() - started) / 1_000_000);
    }

    /** One gzip CSV file per batch, forced to disk before the batch is deleted. */
    private Path writeCsv(Connection c, String runId, int batch, String in, List<Long> ids) throws SQLException, IOException {
        Path folder = Path.of(config.archiveDir());
        Files.createDirectories(folder);
        Path file = folder.resolve(auditTarget + "-" + AUDIT + "-" + runId + "-" + String.format("%05d", batch) + ".csv.gz");
        try (PreparedStatement ps = c.prepareStatement("SELECT " + AuditRow.COLUMNS + " FROM " + AUDIT + in + " ORDER BY id")) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setLong(i + 1, ids.get(i));
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                GZIPOutputStream gzip = new GZIPOutputStream(java.nio.channels.Channels.newOutputStream(channel));
                Writer out = new OutputStreamWriter(gzip, StandardCharsets.UTF_8);
                try (ResultSet rs = ps.executeQuery(); CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180)) {
                    int columns = rs.getMetaData().getColumnCount();
                    List<String> header = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        header.add(rs.getMetaData().getColumnLabel(i));
                    }
                    csv.printRecord(header);
                    while (rs.next()) {
                        List<String> row = new ArrayList<>(columns);
                        for (int i = 1; i <= columns; i++) {
                            row.add(AuditCsv.safe(rs.getString(i)));
                        }
                        csv.printRecord(row);
                    }
                    csv.flush();
                    gzip.finish();
                    channel.force(true);
                }
            }
        }
        return file;
    }

    /** The ids of the batch whose archived copy is missing or differs in any column. */
    private static List<Long> notArchived(Connection c, String in, List<Long> ids) throws SQLException {
        StringBuilder same = new StringBuilder();
        for (String column : AuditRow.COLUMNS.split(",\\s*")) {
            same.append(" AND r.").append(column).append(" <=> a.").append(column);
        }
        List<Long> differing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.id FROM " + AUDIT + " a LEFT JOIN " + AUDIT + "_archive r ON r.id = a.id"
                + same + in.replace("WHERE id", "WHERE a.id") + " AND r.id IS NULL ORDER BY a.id")) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setLong(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    differing.add(rs.getLong(1));
                }
            }
        }
        return differing;
    }

    /** Some rows of a batch are not in the archive as they are in the table. */
    private static final class ArchiveMismatch extends RuntimeException {
        private final List<Long> ids;

        ArchiveMismatch(List<Long> ids) {
            super("archived copies differ: " + ids);
            this.ids = ids;
        }
    }

    private static String unresolved(boolean includeUnresolved) {
        return includeUnresolved ? "" : " AND resolution_status <> 'failed'";
    }

    private static void execute(Connection c, String sql, List<Long> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setLong(i + 1, ids.get(i));
            }
            ps.executeUpdate();
        }
    }

    private String lockName() {
        return "ferry:retention:" + auditTarget;
    }

    private void record(String runId, RequestStatus status, Object result) {
        try {
            ledger.record(runId, "retention", auditTarget, status, mapper.writeValueAsString(result));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("Retention run %s not recorded in the ledger: %s", runId, e.getMessage());
        }
    }
}
