package dev.ferry.audit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import dev.ferry.backfill.AuditStatus;
import dev.ferry.backfill.FailureReason;
import dev.ferry.problem.FerryException;

/**
 * The list and export filters, checked and turned into a WHERE clause with bound parameters: no
 * parameter ever reaches the SQL as text.
 */
record AuditFilter(List<String> statuses, String reason, String runId, String emailPrefix, LocalDateTime from, LocalDateTime to,
        boolean unresolvedOnly) {

    static AuditFilter parse(List<String> statuses, String reason, String runId, String emailPrefix, String from, String to,
            boolean unresolvedOnly) {
        List<String> checked = new ArrayList<>();
        for (String status : statuses == null ? List.<String> of() : statuses) {
            if (AuditStatus.fromWire(status).isEmpty()) {
                throw FerryException.badParameter("status", "must be success, failed or resolved, not '" + status + "'");
            }
            checked.add(status);
        }
        if (reason != null && FailureReason.fromWire(reason).isEmpty()) {
            throw FerryException.badParameter("reason", "must be missing, duplicate or error, not '" + reason + "'");
        }
        if (runId != null && (runId.isBlank() || runId.length() > 128)) {
            throw FerryException.badParameter("runId", "must be 1-128 characters");
        }
        if (emailPrefix != null && (emailPrefix.isEmpty() || emailPrefix.length() > 255)) {
            throw FerryException.badParameter("emailPrefix", "must be 1-255 characters");
        }
        LocalDateTime fromTime = time("from", from);
        LocalDateTime toTime = time("to", to);
        if (fromTime != null && toTime != null && !fromTime.isBefore(toTime)) {
            throw FerryException.badParameter("from", "must be before 'to'");
        }
        return new AuditFilter(List.copyOf(checked), reason, runId, emailPrefix, fromTime, toTime, unresolvedOnly);
    }

    /** " AND ..." conditions for these filters, with {@code ?} for each value, the values appended to {@code params} in order. */
    String where(List<Object> params) {
        StringBuilder sql = new StringBuilder();
        if (!statuses.isEmpty()) {
            sql.append(" AND resolution_status IN (").append(String.join(", ", java.util.Collections.nCopies(statuses.size(), "?")))
                    .append(")");
            params.addAll(statuses);
        }
        if (unresolvedOnly) {
            sql.append(" AND resolution_status = 'failed'");
        }
        if (reason != null) {
            sql.append(" AND failure_reason = ?");
            params.add(reason);
        }
        if (runId != null) {
            sql.append(" AND run_id = ?");
            params.add(runId);
        }
        if (emailPrefix != null) {
            sql.append(" AND email LIKE ? ESCAPE '!'");
            params.add(emailPrefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        }
        if (from != null) {
            sql.append(" AND attempted_at >= ?");
            params.add(from);
        }
        if (to != null) {
            sql.append(" AND attempted_at < ?");
            params.add(to);
        }
        return sql.toString();
    }

    /** An ISO instant ({@code 2026-11-25T10:00:00Z}) or date ({@code 2026-11-25}, midnight UTC). */
    private static LocalDateTime time(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay()
                    : LocalDateTime.ofInstant(Instant.parse(value), ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw FerryException.badParameter(name, "must be an ISO date (2026-11-25) or instant (2026-11-25T10:00:00Z), not '" + value + "'");
        }
    }
}
