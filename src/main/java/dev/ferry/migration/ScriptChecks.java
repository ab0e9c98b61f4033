package dev.ferry.migration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.flywaydb.core.api.FlywayException;

/**
 * A V script's assertions, each on one comment line: {@code -- ferry:check <query>} must find no rows
 * before the script runs, {@code -- ferry:check-after <query>} none after its last statement. They run
 * on the script's own connection, so in {@code validate} they run in the sandbox.
 */
final class ScriptChecks {

    /** Rows of a failing check shown in the result. */
    static final int SAMPLE = 5;
    private static final Pattern CHECK = Pattern.compile("^\\s*--\\s*ferry:check(-after)?\\s+(.+?)\\s*;?\\s*$");

    /** One assertion: when it runs, its line in the script, and its query. */
    record Check(boolean after, int line, String query) {

        String shown() {
            return "-- ferry:check" + (after ? "-after " : " ") + query;
        }
    }

    private ScriptChecks() {
    }

    static List<Check> of(String script) {
        List<Check> checks = new ArrayList<>();
        String[] lines = script.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = CHECK.matcher(lines[i]);
            if (m.matches()) {
                checks.add(new Check(m.group(1) != null, i + 1, m.group(2)));
            }
        }
        return checks;
    }

    /** Runs the checks of one kind ({@code after} or before) in order; the first that finds rows, or cannot run, fails. */
    static void verify(Connection connection, String script, String version, List<Check> checks, boolean after) {
        for (Check check : checks) {
            if (check.after() == after) {
                Optional<Found> found;
                try {
                    found = found(connection, check);
                } catch (Failed cannotRun) {
                    throw cannotRun.of(script, version);
                }
                found.ifPresent(failed -> {
                    throw new Failed(script, version, check, failed.rows(), failed.sample(), null);
                });
            }
        }
    }

    private record Found(long rows, List<Map<String, Object>> sample) {
    }

    private static Optional<Found> found(Connection connection, Check check) {
        List<Map<String, Object>> sample = new ArrayList<>();
        try (Statement s = connection.createStatement()) {
            s.setMaxRows(SAMPLE);
            try (ResultSet rs = s.executeQuery(check.query())) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= meta.getColumnCount(); c++) {
                        Object value = rs.getObject(c);
                        row.put(meta.getColumnLabel(c), value == null ? null : value.toString());
                    }
                    sample.add(row);
                }
            }
            if (sample.isEmpty()) {
                return Optional.empty();
            }
            s.setMaxRows(0);
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM (" + check.query() + ") ferry_check")) {
                rs.next();
                return Optional.of(new Found(rs.getLong(1), sample));
            }
        } catch (SQLException e) {
            throw new Failed(null, null, check, 0, List.of(), e);
        }
    }

    /** A check that found rows (or could not run): the script, the check, how many rows and the first of them. */
    static final class Failed extends FlywayException {
        private final String script;
        private final String version;
        private final Check check;
        private final long rows;
        private final List<Map<String, Object>> sample;

        Failed(String script, String version, Check check, long rows, List<Map<String, Object>> sample, SQLException cannotRun) {
            super(cannotRun == null ? rows + " row(s)" : "the check cannot run: " + cannotRun.getMessage(), cannotRun);
            this.script = script;
            this.version = version;
            this.check = check;
            this.rows = rows;
            this.sample = List.copyOf(sample);
        }

        /** The same failure, named with its script (a check that could not run learns it here). */
        Failed of(String script, String version) {
            return new Failed(script, version, check, rows, sample, getCause() instanceof SQLException sql ? sql : null);
        }

        static Optional<Failed> in(Throwable e) {
            return FlywayResults.cause(e, Failed.class);
        }

        String script() {
            return script;
        }

        String version() {
            return version;
        }

        Check check() {
            return check;
        }

        /** The result's words: which check of which script, and what it found. */
        String describe() {
            String when = check.after() ? "after it ran" : "before it ran";
            if (getCause() != null) {
                return script + " line " + check.line() + " (" + check.shown() + "), checked " + when + ", " + getMessage();
            }
            return script + " line " + check.line() + " (" + check.shown() + "), checked " + when + ", found " + rows + " row(s)";
        }

        Map<String, Object> details() {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("check", check.shown());
            details.put("line", check.line());
            details.put("when", check.after() ? "after" : "before");
            details.put("rows", rows);
            if (!sample.isEmpty()) {
                details.put("sample", sample);
            }
            return details;
        }
    }
}
