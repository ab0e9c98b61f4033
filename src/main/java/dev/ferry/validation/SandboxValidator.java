package dev.ferry.validation;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.jboss.logging.Logger;

import dev.ferry.Identifiers;
import dev.ferry.Transient;
import dev.ferry.migration.FlywayResults;
import dev.ferry.migration.NamedLocks;
import dev.ferry.migration.ScriptRecords;
import dev.ferry.migration.TargetDatabase;
import dev.ferry.migration.TargetRegistry;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import dev.ferry.sql.SchemaReferences;

/**
 * The CSV snapshot routine done properly: clone the target into a scratch schema of the same server
 * (every table's structure, the rows of the tables the pending scripts touch), apply the pending
 * scripts there, export the touched tables to CSV (stable column and row order, volatile columns
 * left out), compare them row by row with the reference CSVs, and drop the sandbox. The live schema
 * is only ever read.
 */
@ApplicationScoped
public class SandboxValidator {

    private static final Logger LOG = Logger.getLogger(SandboxValidator.class);
    private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setRecordSeparator("\n").get();
    private static final Pattern TOUCHED = Pattern.compile("(?i)\\b(?:CREATE\\s+TABLE(?:\\s+IF\\s+NOT\\s+EXISTS)?|ALTER\\s+TABLE|INSERT"
            + "(?:\\s+IGNORE)?\\s+INTO|REPLACE\\s+INTO|UPDATE|DELETE\\s+FROM|TRUNCATE(?:\\s+TABLE)?|RENAME\\s+TABLE)\\s+`?([A-Za-z0-9_$]+)`?");

    private final TargetRegistry targets;
    private final ScriptRecords records;
    private final ValidationConfig config;

    public SandboxValidator(TargetRegistry targets, ScriptRecords records, ValidationConfig config) {
        this.targets = targets;
        this.records = records;
        this.config = config;
    }

    /** The report, and the failure when the scripts failed in the sandbox or the data did not match. */
    public record Outcome(ValidationReport report, FerryException failure) {
    }

    public Outcome validate(String targetName, String requestId, Optional<String> toVersion, boolean capture) {
        TargetDatabase target = targets.get(targetName);
        List<MigrationInfo> pending;
        try {
            pending = Arrays.asList(target.flyway(toVersion).info().pending());
        } catch (FlywayException e) {
            throw FerryException.targetUnavailable("Cannot read the target's history", e);
        }
        List<String> scripts = pending.stream().map(MigrationInfo::getScript).toList();
        Set<String> touched = target.config().validation().tables().<Set<String>> map(LinkedHashSet::new)
                .orElseGet(() -> touchedTables(target, scripts));
        Path artifacts = inside(Path.of(config.artifactsDir()), requestId);
        try (Connection connection = target.connection(); Sandbox scratch = Sandbox.create(connection, targetName)) {
            String sandbox = scratch.name();
            long started = System.nanoTime();
            // The server clones and migrates while this JVM parses the reference files.
            Map<String, CompletableFuture<List<CSVRecord>>> references = readReferences(target, touched);
            String live = connection.getCatalog();
            String history = target.config().historyTable();
            try {
                SandboxClone.build(connection, live, sandbox, touched, history, target.config().validation().sampleRows());
            } catch (SQLException e) {
                if (Transient.is(e)) {
                    throw e;
                }
                return new Outcome(null, new FerryException(ErrorCode.VALIDATION_FAILED, "Cannot build the sandbox from the live"
                        + " definitions: " + e.getMessage(), null, Map.of("sandbox", sandbox), null));
            }
            // Read once: compared with the live schema now, and with the schema the undo scripts leave later.
            SchemaSnapshot before = SchemaSnapshot.read(connection, sandbox, history);
            Optional<FerryException> unlike = differsFromLive(connection, live, sandbox, history, before);
            if (unlike.isPresent()) {
                return new Outcome(null, unlike.get());
            }
            long cloned = System.nanoTime();
            List<RoundTrip.Leg> undos = target.config().validation().undoRoundTrip() && !capture ? RoundTrip.legs(target, pending)
                    : List.of();
            // The live schema is only read: a pending script that names another schema is refused before anything
            // runs, and the scripts run as a user granted nothing but the sandbox wherever one can be created.
            try (SandboxUser confined = SandboxUser.create(connection, sandbox).orElse(null)) {
                List<String> checked = new ArrayList<>(scripts);
                undos.forEach(leg -> checked.add(leg.undo().name()));
                Optional<FerryException> leaving = leavesTheSandbox(connection, target, checked, sandbox, confined == null);
                if (leaving.isPresent()) {
                    return new Outcome(null, leaving.get());
                }
                RoundTrip.Access access = confined == null ? new RoundTrip.Access(target, sandbox, null, null)
                        : new RoundTrip.Access(target, sandbox, confined.name(), confined.password());
                try {
                    access.flyway(toVersion).migrate();
                } catch (FlywayException e) {
                    Optional<FerryException> check = FlywayResults.checkFailed(e, "in the sandbox", Map.of("sandbox", sandbox));
                    if (check.isPresent()) {
                        return new Outcome(null, check.get());
                    }
                    String script = e instanceof FlywayMigrateException m && m.getMigration() != null ? m.getMigration().getScript() : null;
                    return new Outcome(null, new FerryException(ErrorCode.VALIDATION_FAILED, "A pending script failed in the sandbox: "
                            + (script == null ? "" : script + ": ") + FlywayResults.serverMessage(e), script, Map.of("sandbox", sandbox), e));
                }
                long applied = System.nanoTime();
                List<ValidationReport.TableComparison> tables = new ArrayList<>();
                Files.createDirectories(artifacts);
                for (String table : touched) {
                    if (tableExists(connection, sandbox, table)) {
                        tables.add(exportAndCompare(connection, target, sandbox, table, artifacts, capture, references.get(table)));
                    }
                }
                long compared = System.nanoTime();
                // Then back and forth again: every undo script that fails, or leaves another schema, is named now rather
                // than in production when a revert is needed.
                ValidationReport.RoundTrip roundTrip = undos.isEmpty() ? null
                        : RoundTrip.run(connection, access, sandbox, history, toVersion, undos, before);
                long roundTripped = System.nanoTime();
                boolean dataMatches = capture || tables.stream().allMatch(t -> t.status().passes());
                boolean passed = dataMatches && (roundTrip == null || roundTrip.passed());
                ValidationReport report = new ValidationReport(passed, capture, sandbox, scripts, tables, artifacts.toAbsolutePath().toString(),
                        (cloned - started) / 1_000_000, (applied - cloned) / 1_000_000, (compared - applied) / 1_000_000, roundTrip,
                        (roundTripped - compared) / 1_000_000);
                writeReport(artifacts, report);
                if (!dataMatches) {
                    List<String> failing = tables.stream().filter(t -> !t.status().passes())
                            .map(t -> t.table() + " (" + t.status().wire() + ": " + t.missing() + " missing, " + t.unexpected() + " unexpected, "
                                    + t.changed() + " changed)").toList();
                    return new Outcome(report, new FerryException(ErrorCode.VALIDATION_FAILED, "The sandbox does not match the reference"
                            + " data: " + String.join("; ", failing) + ". Exports and the diff are in " + report.artifacts()));
                }
                if (!passed) {
                    return new Outcome(report, new FerryException(ErrorCode.VALIDATION_FAILED, "The undo round trip failed: "
                            + roundTrip.failure(), roundTrip.script(), Map.of("roundTrip", roundTrip.status().wire()), null));
                }
                if (!capture) {
                    pending.forEach(m -> records.markValidated(targetName, m.getScript(), m.getChecksum() == null ? 0 : m.getChecksum(),
                            requestId));
                }
                return new Outcome(report, null);
            }
        } catch (SQLException e) {
            throw FerryException.targetUnavailable("Sandbox validation lost the target", e);
        } catch (IOException e) {
            throw new FerryException(ErrorCode.INTERNAL_ERROR, "Cannot write validation artifacts to " + artifacts + ": " + e.getMessage());
        }
    }

    /**
     * Sandboxes a crashed run left behind have a free lock: drop them shortly after start (off the
     * start-up thread, so an unreachable target does not delay readiness) and hourly after that.
     * Sandboxes are schemas of a server, so each server (and account) is asked once, not each of its
     * targets: a fleet of two hundred targets on one server must not open two hundred connections.
     */
    @Scheduled(every = "1h", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void dropAbandonedSandboxes() {
        java.util.Set<String> servers = new java.util.HashSet<>();
        for (TargetDatabase target : targets.all()) {
            if (!servers.add(serverOf(target))) {
                continue;
            }
            try (Connection c = target.connection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'ferry\\_sbx\\_%'")) {
                List<String> sandboxes = new ArrayList<>();
                while (rs.next()) {
                    sandboxes.add(rs.getString(1));
                }
                List<String> kept = new ArrayList<>();
                for (String sandbox : sandboxes) {
                    if (NamedLocks.isFree(c, Sandbox.lockName(sandbox))) {
                        LOG.warnf("Dropping sandbox %s left behind by an interrupted validation", sandbox);
                        Sandbox.drop(c, sandbox);
                    } else {
                        kept.add(sandbox);
                    }
                }
                SandboxUser.dropAbandoned(c, kept);
            } catch (RuntimeException | SQLException e) {
                LOG.debugf("Could not look for abandoned sandboxes of %s: %s", target.name(), e.getMessage());
            }
        }
    }

    /** The server and account a target reaches: {@code host:port} of its JDBC URL, and its user. */
    private static String serverOf(TargetDatabase target) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^jdbc:[a-z]+://([^/?]*)").matcher(target.config().jdbcUrl());
        return (m.find() ? m.group(1) : target.config().jdbcUrl()) + " " + target.config().username().orElse("");
    }

    /**
     * A pending statement that would leave the sandbox: one naming another schema, and, when the
     * scripts cannot run as a confined user, one whose SQL is only known when it runs.
     */
    private static Optional<FerryException> leavesTheSandbox(Connection c, TargetDatabase target, List<String> scripts, String sandbox,
            boolean unconfined) throws SQLException {
        // A routine, trigger or view cloned into the sandbox runs with its definer's rights, not the confined
        // user's: its body must stay in the sandbox too.
        Map<String, String> bodies = new LinkedHashMap<>();
        collectBodies(c, "SELECT CONCAT(routine_type, ' ', routine_name), routine_definition FROM information_schema.routines"
                + " WHERE routine_schema = ?", sandbox, bodies);
        collectBodies(c, "SELECT CONCAT('TRIGGER ', trigger_name), action_statement FROM information_schema.triggers"
                + " WHERE trigger_schema = ?", sandbox, bodies);
        collectBodies(c, "SELECT CONCAT('VIEW ', table_name), view_definition FROM information_schema.views WHERE table_schema = ?",
                sandbox, bodies);
        for (Map.Entry<String, String> body : bodies.entrySet()) {
            Set<String> schemas = SchemaReferences.outside(body.getValue(), sandbox);
            if (!schemas.isEmpty()) {
                return Optional.of(new FerryException(ErrorCode.VALIDATION_FAILED, body.getKey() + " of the live schema reaches "
                        + String.join(", ", schemas) + "; in the sandbox it would too, with its definer's rights: nothing was run.",
                        null, Map.of("schemas", List.copyOf(schemas)), null));
            }
        }
        for (Map.Entry<String, String> script : target.scriptTexts(scripts).entrySet()) {
            List<SchemaReferences.Reference> references = SchemaReferences.inScript(script.getValue(), sandbox, unconfined);
            if (!references.isEmpty()) {
                SchemaReferences.Reference first = references.get(0);
                String reach = first.schemas().contains("?") ? "runs SQL that is only known when it runs, and Ferry's account may"
                        + " not create a user confined to the sandbox" : "reaches " + String.join(", ", first.schemas());
                return Optional.of(new FerryException(ErrorCode.VALIDATION_FAILED, script.getKey() + " line " + first.line()
                        + " " + reach + " (" + (first.statement().length() > 200 ? first.statement().substring(0, 200) + "…" : first.statement())
                        + "): in the sandbox that would change another schema, so nothing was run. validate only runs scripts"
                        + " that stay in their schema (no USE, no schema-qualified names).", script.getKey(),
                        Map.of("line", first.line(), "schemas", List.copyOf(first.schemas())), null));
            }
        }
        return Optional.empty();
    }

    private static void collectBodies(Connection c, String sql, String schema, Map<String, String> bodies) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    bodies.put(rs.getString(1), rs.getString(2) == null ? "" : rs.getString(2));
                }
            }
        }
    }

    private static Set<String> touchedTables(TargetDatabase target, List<String> scripts) {
        Set<String> tables = new LinkedHashSet<>();
        for (String text : target.scriptTexts(scripts).values()) {
            Matcher m = TOUCHED.matcher(text.replaceAll("(?m)(--|#)[^\\n]*$", " "));
            while (m.find()) {
                tables.add(m.group(1));
            }
        }
        return tables;
    }

    /**
     * A sandbox that is not the live schema proves nothing: compare tables, columns, indexes, foreign
     * keys, views, routines and triggers before any script runs.
     */
    private static Optional<FerryException> differsFromLive(Connection c, String live, String sandbox, String history,
            SchemaSnapshot sandboxSchema) throws SQLException {
        List<String> differences = new ArrayList<>(SchemaDiff.between(sandboxSchema, SchemaSnapshot.read(c, live, history))
                .differences(Integer.MAX_VALUE));
        Map<String, List<String>> liveObjects = SandboxClone.objects(c, live);
        Map<String, List<String>> sandboxObjects = SandboxClone.objects(c, sandbox);
        liveObjects.forEach((kind, names) -> names.stream().filter(n -> !sandboxObjects.get(kind).contains(n))
                .forEach(n -> differences.add("missing " + kind + " " + n)));
        if (differences.isEmpty()) {
            return Optional.empty();
        }
        List<String> shown = differences.stream().limit(5).toList();
        return Optional.of(new FerryException(ErrorCode.VALIDATION_FAILED, "The sandbox is not the live schema, so validating in it"
                + " would prove nothing: " + String.join("; ", shown) + (differences.size() > 5 ? "; and " + (differences.size() - 5)
                        + " more" : ""), null, Map.of("sandbox", sandbox, "differences", differences), null));
    }

    private ValidationReport.TableComparison exportAndCompare(Connection c, TargetDatabase target, String sandbox, String table,
            Path artifacts, boolean capture, CompletableFuture<List<CSVRecord>> referenceRecords) throws SQLException, IOException {
        Set<String> volatileColumns = new java.util.HashSet<>();
        target.config().validation().volatileColumns().forEach(v -> volatileColumns.add(v.toLowerCase(Locale.ROOT)));
        List<String> columns = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, column_key FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, sandbox);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!volatileColumns.contains(rs.getString(1).toLowerCase(Locale.ROOT))) {
                        columns.add(rs.getString(1));
                        if ("PRI".equals(rs.getString(2))) {
                            keys.add(rs.getString(1));
                        }
                    }
                }
            }
        }
        List<String> order = keys.isEmpty() ? columns : keys;
        Path export = inside(artifacts, table + ".csv");
        Map<String, List<String>> reference = reference(referenceRecords, columns, keys);
        int actual = 0;
        int unexpected = 0;
        int changed = 0;
        List<Map<String, Object>> differences = new ArrayList<>();
        String select = "SELECT " + Identifiers.quoteAll(columns) + " FROM " + Identifiers.quote(sandbox, table) + " ORDER BY "
                + Identifiers.quoteAll(order);
        try (Writer out = Files.newBufferedWriter(export, StandardCharsets.UTF_8); CSVPrinter csv = new CSVPrinter(out, CSV);
                Statement s = streaming(c); ResultSet rs = s.executeQuery(select)) {
            csv.printRecord(columns);
            while (rs.next()) {
                List<String> row = new ArrayList<>(columns.size());
                for (int i = 1; i <= columns.size(); i++) {
                    row.add(rs.getString(i));
                }
                csv.printRecord(row);
                actual++;
                if (reference == null) {
                    continue;
                }
                String key = key(columns, keys, row);
                List<String> expected = reference.remove(key);
                if (expected == null) {
                    unexpected++;
                    difference(differences, "unexpected", columns, row, null);
                } else if (!expected.equals(normalised(row))) {
                    changed++;
                    difference(differences, "changed", columns, row, expected);
                }
            }
        }
        if (capture) {
            Path folder = referenceFolder(target);
            Files.createDirectories(folder);
            Files.copy(export, inside(folder, table + ".csv"), StandardCopyOption.REPLACE_EXISTING);
        }
        if (reference == null) {
            return new ValidationReport.TableComparison(table, capture ? ValidationReport.TableStatus.CAPTURED : ValidationReport.TableStatus.NO_REFERENCE, 0, actual, 0, 0, 0, null);
        }
        int missing = reference.size();
        int expectedCount = missing + actual - unexpected;
        reference.values().stream().limit(config.maxDifferences()).forEach(row -> difference(differences, "missing", columns, null, row));
        ValidationReport.TableStatus status = missing + unexpected + changed == 0 ? ValidationReport.TableStatus.MATCH
                : ValidationReport.TableStatus.MISMATCH;
        List<Map<String, Object>> listed = differences.stream().limit(config.maxDifferences()).toList();
        return new ValidationReport.TableComparison(table, capture ? ValidationReport.TableStatus.CAPTURED : status, expectedCount, actual, missing, unexpected, changed,
                listed.isEmpty() ? null : listed);
    }

    /** Rows are compared while the server still sends the rest, instead of after all have arrived. */
    private static Statement streaming(Connection c) throws SQLException {
        Statement s = c.createStatement();
        s.setFetchSize(1_000);
        return s;
    }

    /** Starts parsing each touched table's reference file; tables without one are left out. */
    private static Map<String, CompletableFuture<List<CSVRecord>>> readReferences(TargetDatabase target, Set<String> touched) {
        Map<String, CompletableFuture<List<CSVRecord>>> references = new HashMap<>();
        if (target.config().referenceData().isEmpty()) {
            return references;
        }
        for (String table : touched) {
            Path file = inside(referenceFolder(target), table + ".csv");
            if (Files.exists(file)) {
                references.put(table, CompletableFuture.supplyAsync(() -> {
                    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                        return CSV.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
        }
        return references;
    }

    /** The reference rows by key, or null when the target has no reference file for the table. */
    private static Map<String, List<String>> reference(CompletableFuture<List<CSVRecord>> referenceRecords, List<String> columns,
            List<String> keys) throws IOException {
        if (referenceRecords == null) {
            return null;
        }
        List<CSVRecord> records;
        try {
            records = referenceRecords.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof UncheckedIOException io ? io.getCause() : new IOException(e.getCause());
        }
        Map<String, List<String>> rows = new LinkedHashMap<>();
        Map<String, Integer> header = new HashMap<>();
        if (!records.isEmpty()) {
            records.get(0).getParser().getHeaderMap().forEach(header::put);
        }
        for (CSVRecord record : records) {
            List<String> row = new ArrayList<>(columns.size());
            for (String column : columns) {
                row.add(header.containsKey(column) ? emptyToNull(record.get(column)) : null);
            }
            rows.put(key(columns, keys, row), row);
        }
        return rows;
    }

    private static Path referenceFolder(TargetDatabase target) {
        String location = target.config().referenceData().orElseThrow();
        if (location.startsWith("classpath:")) {
            throw new FerryException(ErrorCode.INVALID_REQUEST, "reference-data of " + target.name()
                    + " is on the class path: capture needs a filesystem folder");
        }
        return Path.of(location.startsWith("filesystem:") ? location.substring("filesystem:".length()) : location);
    }

    private static String key(List<String> columns, List<String> keys, List<String> row) {
        if (keys.isEmpty()) {
            return String.join("\u0001", normalised(row).stream().map(String::valueOf).toList());
        }
        StringBuilder key = new StringBuilder();
        for (String k : keys) {
            key.append(row.get(columns.indexOf(k))).append('\u0001');
        }
        return key.toString();
    }

    private static List<String> normalised(List<String> row) {
        return row.stream().map(SandboxValidator::emptyToNull).toList();
    }

    /** CSV cannot tell NULL from an empty string; both compare as NULL. */
    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static void difference(List<Map<String, Object>> differences, String kind, List<String> columns, List<String> actual,
            List<String> expected) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("kind", kind);
        if (expected != null) {
            d.put("expected", zip(columns, expected));
        }
        if (actual != null) {
            d.put("actual", zip(columns, actual));
        }
        differences.add(d);
    }

    private static Map<String, String> zip(List<String> columns, List<String> values) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            row.put(columns.get(i), values.get(i));
        }
        return row;
    }

    private static void writeReport(Path artifacts, ValidationReport report) {
        try {
            Files.writeString(artifacts.resolve("report.json"), new com.fasterxml.jackson.databind.ObjectMapper()
                    .findAndRegisterModules().writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean tableExists(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * {@code folder/name} with the name made a plain file name: request ids and table names become
     * file names here, and none of them may reach outside the folder ("..", separators).
     */
    static Path inside(Path folder, String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        Path child = folder.resolve(safe.matches("\\.*") ? safe.replace('.', '_') : safe).normalize();
        if (!child.startsWith(folder.normalize()) || child.equals(folder.normalize())) {
            throw new FerryException(ErrorCode.INVALID_REQUEST, "Not a usable file name: " + name);
        }
        return child;
    }
}
