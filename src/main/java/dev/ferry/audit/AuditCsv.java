package dev.ferry.audit;

import java.util.List;

import org.apache.commons.csv.CSVFormat;

/**
 * RFC 4180 CSV of audit rows (quoting by Commons CSV), with spreadsheet formula injection
 * neutralised: a cell starting with {@code = + - @}, tab or carriage return gets a leading quote.
 */
final class AuditCsv {

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator("\r\n").get();
    static final String HEADER = FORMAT.format("id", "run_id", "user_id", "email", "identity_id", "resolution_status", "failure_reason",
            "kratos_error", "attempts", "attempted_at", "resolved_at", "resolved_by", "resolution_note") + "\r\n";

    private AuditCsv() {
    }

    static String lines(List<AuditRow> rows) {
        StringBuilder out = new StringBuilder(rows.size() * 160);
        for (AuditRow r : rows) {
            out.append(FORMAT.format(r.id(), safe(r.runId()), r.userId(), safe(r.email()), r.identityId(), r.resolutionStatus(),
                    r.failureReason(), safe(r.kratosError()), r.attempts(), r.attemptedAt(), r.resolvedAt(), safe(r.resolvedBy()),
                    safe(r.resolutionNote()))).append("\r\n");
        }
        return out.toString();
    }

    static String safe(String cell) {
        if (cell == null || cell.isEmpty()) {
            return cell;
        }
        char first = cell.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r' ? "'" + cell : cell;
    }
}
