package dev.ferry.lint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.AlterOperation;
import net.sf.jsqlparser.statement.alter.RenameTableStatement;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.ColDataType;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;

import dev.ferry.Identifiers;
import dev.ferry.lint.structure.StructureLint;
import dev.ferry.lint.structure.TableChange;
import dev.ferry.sql.SchemaReferences;
import dev.ferry.sql.SqlStatements;
import dev.ferry.sql.SqlTokens;

/**
 * Finds destructive statements in scripts. Statements are parsed with JSqlParser; what it cannot
 * parse is checked with conservative patterns instead, so an unusual statement is never waved
 * through unchecked. Rules that depend on the data (rows present, current column type, table size)
 * ask the live target through {@link TargetFacts}.
 *
 * <p>A script waives a rule for itself with a comment carrying a reason:
 * {@code -- ferry:allow drop-table the table was never used}.
 */
public final class ScriptLinter {

    private static final Pattern WAIVER = Pattern.compile("(?m)(?:--|#)\\s*ferry:allow\\s+([a-z-]+)(?:[ \\t]+([^\\n]*\\S))?");
    private static final Pattern CHANGE_COLUMN = Pattern.compile("\\bCHANGE (?:COLUMN )?(\\S+) (\\S+) ");
    /** The statements any rule can apply to; everything else skips the parser. */
    private static final Pattern MAY_HIT = Pattern.compile("(?i)\\s*(DROP|TRUNCATE|DELETE|UPDATE|RENAME|ALTER|CREATE\\s+"
            + "(UNIQUE\\s+|FULLTEXT\\s+|SPATIAL\\s+)?INDEX)\\b");
    /**
     * JSqlParser parses on another thread to bound a pathological statement's time; left to itself it
     * starts and stops a thread for every statement. Here idle threads are reused.
     */
    private static final java.util.concurrent.ExecutorService PARSER_THREADS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "ferry-lint-parser");
        thread.setDaemon(true);
        return thread;
    });
    private static final Pattern ONLINE_DDL = Pattern.compile("(?i)ALGORITHM\\s*=\\s*INPLACE|LOCK\\s*=\\s*NONE");

    private final Map<LintRule, LintSeverity> severities;
    private final long largeTableRows;
    private final long dataCheckMaxRows;

    public ScriptLinter(Map<LintRule, LintSeverity> severities, long largeTableRows) {
        this(severities, largeTableRows, DEFAULT_DATA_CHECK_MAX_ROWS);
    }

    /** {@code dataCheckMaxRows}: a data rule reads at most this many rows of a table, and says when it sampled. */
    public ScriptLinter(Map<LintRule, LintSeverity> severities, long largeTableRows, long dataCheckMaxRows) {
        this.severities = severities;
        this.largeTableRows = largeTableRows;
        this.dataCheckMaxRows = dataCheckMaxRows;
    }

    public static final long DEFAULT_DATA_CHECK_MAX_ROWS = 10_000_000;

    /** The severity this linter gives {@code rule}: configured, else the rule's default. */
    public LintSeverity severity(LintRule rule) {
        return severities.getOrDefault(rule, rule.defaultSeverity());
    }

    /** What the linter needs to know about the live target; absent tables read as new and empty. */
    public interface TargetFacts {
        boolean hasRows(String table);

        long estimatedRows(String table);

        Optional<ColumnType> columnType(String table, String column);

        /** The schema the scripts run in; null when unknown. */
        default String schema() {
            return null;
        }

        /**
         * Rows of {@code table} (aliased {@code checked}) for which {@code condition} holds: how many, and
         * the primary keys of up to five. Reads at most {@code maxRows} rows and says so.
         */
        default Rows rowsWhere(String table, String condition, long maxRows) {
            return Rows.UNKNOWN;
        }

        /** Whether an earlier statement of this run adds, changes or removes rows of {@code table}: its rows are not what it will hold. */
        default boolean rowsChangedEarlier(String table) {
            return false;
        }

        /** Values of {@code expressions} over {@code table} (aliased {@code checked}) that more than one row holds, NULLs aside. */
        default Rows duplicates(String table, List<String> expressions, long maxRows) {
            return Rows.UNKNOWN;
        }

        /** The table's indexes (primary, unique, plain, full-text, spatial) with their columns in order; none when it does not exist. */
        default List<TableChange.Key> keys(String table) {
            return List.of();
        }
    }

    /**
     * What a data check found: how many rows (or repeated values), up to five of them, and whether
     * only part of the table was read (then no row found proves nothing).
     */
    public record Rows(long count, List<String> sample, boolean sampled) {
        /** Read in full: none. */
        public static final Rows NONE = new Rows(0, List.of(), false);
        /** Not asked, or the server could not answer: no prediction either way. */
        public static final Rows UNKNOWN = new Rows(0, List.of(), true);
    }

    /**
     * A column's type as information_schema describes it; {@code columnType} is the full spelling
     * ({@code enum('a','b')}, {@code int(10) unsigned}) and {@code charset} its character set, where known.
     */
    public record ColumnType(String dataType, Long length, Integer precision, Integer scale, String columnType, String charset) {

        public ColumnType(String dataType, Long length, Integer precision, Integer scale) {
            this(dataType, length, precision, scale, null, null);
        }
    }

    /** A script to lint: its file name (findings name it) and its text. */
    public record Source(String name, String text) {
    }

    /**
     * The findings of scripts that run one after the other: each statement is judged against the
     * target as the statements before it leave it. {@code purposes} names, per script, what it exists
     * to remove (an undo script's own V script's tables and columns).
     */
    public List<LintFinding> lint(List<Source> scripts, TargetFacts live, Map<String, Set<String>> purposes) {
        BatchFacts batch = new BatchFacts(live);
        List<LintFinding> findings = new ArrayList<>();
        scripts.forEach(s -> findings.addAll(lint(s.name(), s.text(), batch, purposes.getOrDefault(s.name(), Set.of()))));
        return findings;
    }

    public List<LintFinding> lint(String scriptName, String script, TargetFacts facts) {
        return lint(scriptName, script, facts, Set.of());
    }

    /**
     * Findings of one script, each statement judged against the target as the statements before it
     * (in this script and, when {@code facts} is a batch, in the scripts before it) will leave it.
     * {@code purpose} names what the script exists to remove ({@code table} or {@code table.column}),
     * as an undo script removes what its own {@code V} script created: removing those is no finding.
     */
    public List<LintFinding> lint(String scriptName, String script, TargetFacts facts, Set<String> purpose) {
        BatchFacts batch = facts instanceof BatchFacts b ? b : new BatchFacts(facts);
        Map<LintRule, String> waivers = waivers(script);
        List<LintFinding> findings = new ArrayList<>();
        StructureLint structure = new StructureLint(batch::keys);
        for (SqlStatements.Statement statement : SqlStatements.split(script)) {
            String sql = SqlStatements.withoutComments(statement.sql());
            List<Runnable> effects = new ArrayList<>();
            List<Hit> hits = new ArrayList<>();
            List<SqlTokens.Token> tokens = SqlTokens.of(sql);
            Optional<TableChange> change = TableChange.of(tokens);
            structure.check(sql, tokens, change).forEach(f -> hits.add(new Hit(f.rule(), f.detail(), f.table(), null)));
            Set<String> elsewhere = SchemaReferences.outside(sql, facts.schema());
            if (!elsewhere.isEmpty()) {
                hits.add(new Hit(LintRule.CROSS_SCHEMA, "names " + String.join(", ", elsewhere)));
            }
            // CREATE TABLE, INSERT, SELECT, an UPDATE with its WHERE...: no statement rule applies, and parsing costs time.
            if (MAY_HIT.matcher(sql).lookingAt() && mayHit(tokens)) {
                try {
                    hits.addAll(parsed(CCJSqlParserUtil.parse(sql, PARSER_THREADS, null), sql, batch, effects));
                } catch (JSQLParserException | RuntimeException e) {
                    hits.addAll(byPattern(sql));
                }
            }
            // A table this run created or filled, or whose rows it changed, is not what the live rows say: no prediction.
            Set<String> checkedToFit = new java.util.HashSet<>();
            if (DataChecks.mayApply(sql) && DataChecks.table(sql).filter(t -> !batch.createdInBatch(t, null) && !batch.rowsChangedEarlier(t))
                    .isPresent()) {
                for (DataChecks.Violation v : DataChecks.of(sql, batch, dataCheckMaxRows)) {
                    if (!v.found()) {
                        if (v.column() != null && !v.sampled()) {
                            checkedToFit.add(v.column());
                        }
                        continue;
                    }
                    LintSeverity severity = severities.getOrDefault(v.rule(), v.rule().defaultSeverity());
                    if (severity != LintSeverity.OFF) {
                        String reason = waivers.get(v.rule());
                        findings.add(new LintFinding(scriptName, statement.line(), v.rule().id(), severity, v.rule().description() + ": "
                                + v.detail() + (v.sample().isEmpty() ? "" : ", e.g. " + String.join("; ", v.sample()))
                                + (v.sampled() ? " (read the first " + dataCheckMaxRows + " rows only: lint.data-check-max-rows)" : ""),
                                reason == null ? null : Boolean.TRUE, reason, v.rows(), v.sample()));
                    }
                }
            }
            for (Hit hit : hits) {
                LintSeverity severity = severities.getOrDefault(hit.rule(), hit.rule().defaultSeverity());
                if (severity == LintSeverity.OFF || hit.removes(purpose)) {
                    continue;
                }
                String detail = hit.detail();
                Optional<String> harmless = DATA_RULES.contains(hit.rule()) ? harmless(hit, batch) : Optional.empty();
                if (harmless.isEmpty() && hit.rule() == LintRule.COLUMN_NARROWED && hit.column() != null
                        && checkedToFit.contains(Identifiers.key(hit.table()) + "." + Identifiers.key(hit.column()))) {
                    harmless = Optional.of("every value the table holds fits (checked)");
                }
                if (harmless.isPresent() && severity == LintSeverity.BLOCK) {
                    severity = LintSeverity.WARN;
                    detail += "; not blocking: " + harmless.get();
                }
                String reason = waivers.get(hit.rule());
                findings.add(new LintFinding(scriptName, statement.line(), hit.rule().id(), severity,
                        hit.rule().description() + ": " + detail, reason == null ? null : Boolean.TRUE, reason));
            }
            effects.forEach(Runnable::run);
            batch.ran(sql, change);
        }
        return capped(findings);
    }

    /** A structure rule lists at most this many findings per script; a data script of 30,000 INSERTs would list each. */
    static final int STRUCTURE_FINDINGS_PER_SCRIPT = 5;

    /** The findings with each structure rule's beyond the first few of the script folded into the last one listed. */
    private static List<LintFinding> capped(List<LintFinding> findings) {
        Map<String, Long> perRule = new HashMap<>();
        findings.stream().filter(f -> LintRule.fromId(f.rule()).map(LintRule::structure).orElse(false))
                .forEach(f -> perRule.merge(f.rule(), 1L, Long::sum));
        if (perRule.values().stream().allMatch(n -> n <= STRUCTURE_FINDINGS_PER_SCRIPT)) {
            return findings;
        }
        Map<String, Integer> listed = new HashMap<>();
        List<LintFinding> kept = new ArrayList<>();
        for (LintFinding f : findings) {
            long all = perRule.getOrDefault(f.rule(), 0L);
            int n = listed.merge(f.rule(), 1, Integer::sum);
            if (all <= STRUCTURE_FINDINGS_PER_SCRIPT || n < STRUCTURE_FINDINGS_PER_SCRIPT) {
                kept.add(f);
            } else if (n == STRUCTURE_FINDINGS_PER_SCRIPT) {
                kept.add(new LintFinding(f.script(), f.line(), f.rule(), f.severity(), f.message() + " (and " + (all - n)
                        + " more statements of this script like it, not listed)", f.waived(), f.waiverReason(), f.rows(), f.sample()));
            }
        }
        return kept;
    }

    /** Words without which an ALTER TABLE trips no statement rule (an added nullable column, a new default...). */
    private static final Set<String> ALTER_MAY_HIT = Set.of("DROP", "RENAME", "CHANGE", "MODIFY", "NOT", "INDEX", "KEY", "UNIQUE", "PRIMARY");

    /** Whether a statement the pattern let through can trip a statement rule at all, judged from its words. */
    private static boolean mayHit(List<SqlTokens.Token> tokens) {
        SqlTokens.Token first = tokens.isEmpty() ? null : tokens.get(0);
        if (first != null && (first.is("UPDATE") || first.is("DELETE"))) {
            int depth = 0;
            for (SqlTokens.Token t : tokens) {
                depth += t.is("(") ? 1 : t.is(")") ? -1 : 0;
                if (depth == 0 && t.is("WHERE")) {
                    return false;
                }
            }
        } else if (first != null && first.is("ALTER")) {
            return tokens.stream().anyMatch(t -> t.kind() == SqlTokens.Kind.WORD && ALTER_MAY_HIT.contains(t.upper()));
        }
        return true;
    }

    /** The rules that protect data: they cannot hurt a table this run created, or one that holds no rows. */
    private static final Set<LintRule> DATA_RULES = Set.of(LintRule.DROP_TABLE, LintRule.DROP_COLUMN, LintRule.RENAME, LintRule.TRUNCATE,
            LintRule.DELETE_WITHOUT_WHERE, LintRule.UPDATE_WITHOUT_WHERE, LintRule.COLUMN_NARROWED);

    private static Optional<String> harmless(Hit hit, BatchFacts batch) {
        if (hit.table() == null) {
            return Optional.empty(); // an unparsed statement: no table to judge by
        }
        if (batch.createdInBatch(hit.table(), hit.column())) {
            return Optional.of((hit.column() != null && !batch.createdInBatch(hit.table(), null) ? "the column" : "the table")
                    + " is created earlier in this run");
        }
        return batch.hasRows(hit.table()) ? Optional.empty() : Optional.of("the table holds no rows");
    }

    /** A finding, with the table (and column) it is about when the statement was parsed. */
    private record Hit(LintRule rule, String detail, String table, String column) {

        Hit(LintRule rule, String detail) {
            this(rule, detail, null, null);
        }

        boolean removes(Set<String> purpose) {
            return table != null && !purpose.isEmpty() && (rule == LintRule.DROP_TABLE && purpose.contains(Identifiers.key(table))
                    || rule == LintRule.DROP_COLUMN && column != null && purpose.contains(Identifiers.key(table) + "." + Identifiers.key(column)));
        }
    }

    private List<Hit> parsed(Statement statement, String sql, BatchFacts facts, List<Runnable> effects) {
        List<Hit> hits = new ArrayList<>();
        if (statement instanceof Drop drop) {
            String type = drop.getType() == null ? "" : drop.getType().toUpperCase(Locale.ROOT);
            if (type.equals("TABLE") && !drop.isUsingTemporary()) {
                // DROP TABLE a, b: judged by the first name (the pattern fallback covers the rest conservatively).
                boolean several = sql.replaceAll("(?is)^\\s*DROP\\s+TABLE\\s+", "").contains(",");
                hits.add(new Hit(LintRule.DROP_TABLE, "DROP TABLE " + drop.getName(), several ? null : Identifiers.unquote(drop.getName().getName()),
                        null));
            } else if (type.equals("DATABASE") || type.equals("SCHEMA")) {
                hits.add(new Hit(LintRule.DROP_DATABASE, "DROP " + type + " " + drop.getName()));
            }
        } else if (statement instanceof Truncate truncate) {
            hits.add(new Hit(LintRule.TRUNCATE, "TRUNCATE " + truncate.getTable(), Identifiers.unquote(truncate.getTable().getName()), null));
        } else if (statement instanceof Delete delete && delete.getWhere() == null) {
            hits.add(new Hit(LintRule.DELETE_WITHOUT_WHERE, "DELETE FROM " + delete.getTable() + " has no WHERE",
                    delete.getTable() == null ? null : Identifiers.unquote(delete.getTable().getName()), null));
        } else if (statement instanceof Update update && update.getWhere() == null) {
            hits.add(new Hit(LintRule.UPDATE_WITHOUT_WHERE, "UPDATE " + update.getTable() + " has no WHERE",
                    update.getTable() == null ? null : Identifiers.unquote(update.getTable().getName()), null));
        } else if (statement instanceof RenameTableStatement rename) {
            String first = rename.getTableNames().iterator().hasNext()
                    ? Identifiers.unquote(rename.getTableNames().iterator().next().getKey().getName()) : null;
            hits.add(new Hit(LintRule.RENAME, "RENAME TABLE", rename.getTableNames().size() == 1 ? first : null, null));
        } else if (statement instanceof CreateIndex index) {
            indexHit(Identifiers.unquote(index.getTable().getName()), sql, facts, hits);
        } else if (statement instanceof Alter alter) {
            alterHits(alter, sql, facts, hits, effects);
        }
        return hits;
    }

    private void alterHits(Alter alter, String sql, BatchFacts facts, List<Hit> hits, List<Runnable> effects) {
        String table = Identifiers.unquote(alter.getTable().getName());
        if (alter.getAlterExpressions() == null) {
            return;
        }
        for (AlterExpression e : alter.getAlterExpressions()) {
            AlterOperation op = e.getOperation();
            if (op == AlterOperation.DROP && e.getColumnName() != null && e.getIndex() == null && e.getConstraintName() == null) {
                hits.add(new Hit(LintRule.DROP_COLUMN, "ALTER TABLE " + table + " DROP COLUMN " + Identifiers.unquote(e.getColumnName()), table,
                        Identifiers.unquote(e.getColumnName())));
            } else if (op == AlterOperation.RENAME || op == AlterOperation.RENAME_TABLE) {
                hits.add(new Hit(LintRule.RENAME, "ALTER TABLE " + table + " " + op.name().replace('_', ' '), table,
                        op == AlterOperation.RENAME && e.getColumnOldName() != null ? Identifiers.unquote(e.getColumnOldName()) : null));
            } else if (op == AlterOperation.CHANGE && e.getColumnOldName() != null && e.getColDataTypeList() != null
                    && !e.getColDataTypeList().isEmpty()
                    && !Identifiers.unquote(e.getColumnOldName()).equalsIgnoreCase(Identifiers.unquote(e.getColDataTypeList().get(0).getColumnName()))) {
                hits.add(new Hit(LintRule.RENAME, "ALTER TABLE " + table + " CHANGE " + Identifiers.unquote(e.getColumnOldName()) + " to "
                        + Identifiers.unquote(e.getColDataTypeList().get(0).getColumnName()), table, Identifiers.unquote(e.getColumnOldName())));
            }
            if ((op == AlterOperation.MODIFY || op == AlterOperation.CHANGE) && e.getColDataTypeList() != null) {
                for (AlterExpression.ColumnDataType column : e.getColDataTypeList()) {
                    String current = op == AlterOperation.CHANGE && e.getColumnOldName() != null ? e.getColumnOldName()
                            : column.getColumnName();
                    facts.columnType(table, Identifiers.unquote(current)).filter(before -> narrows(before, column.getColDataType()))
                            .ifPresent(before -> hits.add(new Hit(LintRule.COLUMN_NARROWED, table + "." + Identifiers.unquote(current) + " from "
                                    + describe(before) + " to " + column.getColDataType(), table, Identifiers.unquote(current))));
                    // Later statements of the run see the column as this one leaves it.
                    effects.add(() -> facts.columnRetyped(table, Identifiers.unquote(column.getColumnName()), typeOf(column.getColDataType())));
                }
            }
            if (op == AlterOperation.ADD && e.getColDataTypeList() != null) {
                for (AlterExpression.ColumnDataType column : e.getColDataTypeList()) {
                    String specs = column.getColumnSpecs() == null ? "" : String.join(" ", column.getColumnSpecs()).toUpperCase(Locale.ROOT);
                    if (specs.contains("NOT NULL") && !specs.contains("DEFAULT") && !specs.contains("AUTO_INCREMENT")
                            && facts.hasRows(table)) {
                        hits.add(new Hit(LintRule.NOT_NULL_WITHOUT_DEFAULT, table + "." + Identifiers.unquote(column.getColumnName())));
                    }
                }
            }
            if (op == AlterOperation.ADD && (e.getIndex() != null || e.getUk())) {
                indexHit(table, sql, facts, hits);
            }
        }
    }

    private void indexHit(String table, String sql, TargetFacts facts, List<Hit> hits) {
        if (!ONLINE_DDL.matcher(sql).find()) {
            long rows = facts.estimatedRows(table);
            if (rows >= largeTableRows) {
                hits.add(new Hit(LintRule.INDEX_WITHOUT_ONLINE_DDL, table + " has about " + rows + " rows"));
            }
        }
    }

    /** For statements JSqlParser cannot read: keyword patterns that err on the side of reporting. */
    private static List<Hit> byPattern(String sql) {
        String s = sql.replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
        List<Hit> hits = new ArrayList<>();
        if (s.matches("^DROP (TEMPORARY )?TABLE .*") && !s.startsWith("DROP TEMPORARY")) {
            hits.add(new Hit(LintRule.DROP_TABLE, "DROP TABLE (unparsed statement)"));
        } else if (s.matches("^DROP (DATABASE|SCHEMA) .*")) {
            hits.add(new Hit(LintRule.DROP_DATABASE, "DROP DATABASE (unparsed statement)"));
        } else if (s.matches("^TRUNCATE .*")) {
            hits.add(new Hit(LintRule.TRUNCATE, "TRUNCATE (unparsed statement)"));
        } else if (s.matches("^DELETE .*") && !s.contains(" WHERE ")) {
            hits.add(new Hit(LintRule.DELETE_WITHOUT_WHERE, "DELETE without WHERE (unparsed statement)"));
        } else if (s.matches("^UPDATE .*") && !s.contains(" WHERE ")) {
            hits.add(new Hit(LintRule.UPDATE_WITHOUT_WHERE, "UPDATE without WHERE (unparsed statement)"));
        } else if (s.matches("^RENAME TABLE .*")) {
            hits.add(new Hit(LintRule.RENAME, "RENAME TABLE (unparsed statement)"));
        } else if (s.startsWith("ALTER TABLE ")) {
            if (s.matches(".*\\bDROP (COLUMN )?(?!(INDEX|KEY|FOREIGN|PRIMARY|CONSTRAINT|CHECK|PARTITION)\\b)\\S+.*")) {
                hits.add(new Hit(LintRule.DROP_COLUMN, "DROP COLUMN (unparsed statement)"));
            }
            Matcher change = CHANGE_COLUMN.matcher(s);
            boolean renamedByChange = change.find() && !change.group(1).replace("`", "").equals(change.group(2).replace("`", ""));
            if (renamedByChange || s.matches(".*\\bRENAME (COLUMN |TO |AS )?.*") && !s.matches(".*\\bRENAME (INDEX|KEY)\\b.*")) {
                hits.add(new Hit(LintRule.RENAME, "RENAME (unparsed statement)"));
            }
        }
        return hits;
    }

    private static final Pattern DATA_TYPE = Pattern.compile("(?i)^\\s*([a-z]+)\\s*(?:\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\))?");

    private static boolean narrows(ColumnType before, ColDataType after) {
        // JSqlParser keeps the arguments inside the type name ("VARCHAR (20)"), or in the argument list.
        String spelled = after.getDataType() + (after.getArgumentsStringList() == null ? ""
                : "(" + String.join(",", after.getArgumentsStringList()) + ")");
        Matcher m = DATA_TYPE.matcher(spelled);
        if (!m.find()) {
            return false;
        }
        String type = m.group(1).toLowerCase(Locale.ROOT);
        List<String> args = new ArrayList<>();
        if (m.group(2) != null) {
            args.add(m.group(2));
        }
        if (m.group(3) != null) {
            args.add(m.group(3));
        }
        int beforeRank = INTEGER_RANK.getOrDefault(before.dataType(), -1);
        int afterRank = INTEGER_RANK.getOrDefault(type, -1);
        if (beforeRank >= 0 && afterRank >= 0) {
            return afterRank < beforeRank;
        }
        if (TEXT_LENGTH.containsKey(before.dataType()) || before.length() != null) {
            Long beforeLength = before.length();
            Long afterLength = TEXT_LENGTH.containsKey(type) ? TEXT_LENGTH.get(type) : args.isEmpty() ? null : parseLong(args.get(0));
            return beforeLength != null && afterLength != null && afterLength < beforeLength;
        }
        if ((before.dataType().equals("decimal") || before.dataType().equals("numeric")) && !args.isEmpty()) {
            Long precision = parseLong(args.get(0));
            Long scale = args.size() > 1 ? parseLong(args.get(1)) : 0L;
            return precision != null && before.precision() != null && (precision < before.precision()
                    || scale != null && before.scale() != null && scale < before.scale());
        }
        return false;
    }

    /** A type as a statement spells it, in the form information_schema would report it. */
    private static ColumnType typeOf(ColDataType type) {
        String spelled = type.getDataType() + (type.getArgumentsStringList() == null ? "" : "(" + String.join(",", type.getArgumentsStringList()) + ")");
        Matcher m = DATA_TYPE.matcher(spelled);
        if (!m.find()) {
            return null;
        }
        String name = m.group(1).toLowerCase(Locale.ROOT);
        Long first = m.group(2) == null ? null : parseLong(m.group(2));
        if (name.equals("decimal") || name.equals("numeric")) {
            return new ColumnType(name, null, first == null ? 10 : first.intValue(), m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
        }
        return new ColumnType(name, TEXT_LENGTH.containsKey(name) ? TEXT_LENGTH.get(name) : INTEGER_RANK.containsKey(name) ? null : first,
                null, null);
    }

    private static final Map<String, Integer> INTEGER_RANK = Map.of("tinyint", 1, "smallint", 2, "mediumint", 3, "int", 4,
            "integer", 4, "bigint", 5);
    private static final Map<String, Long> TEXT_LENGTH = Map.of("tinytext", 255L, "text", 65_535L, "mediumtext", 16_777_215L,
            "longtext", 4_294_967_295L);

    private static String describe(ColumnType type) {
        return type.dataType() + (type.length() != null ? "(" + type.length() + ")"
                : type.precision() != null && type.dataType().matches("decimal|numeric") ? "(" + type.precision() + "," + type.scale() + ")" : "");
    }

    private static Long parseLong(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Map<LintRule, String> waivers(String script) {
        Map<LintRule, String> waivers = new HashMap<>();
        Matcher m = WAIVER.matcher(script);
        while (m.find()) {
            String reason = m.group(2);
            if (reason != null && !reason.isBlank()) {
                LintRule.fromId(m.group(1)).ifPresent(rule -> waivers.put(rule, reason.trim()));
            }
        }
        return waivers;
    }

    /** Facts read from information_schema over one connection to the target. */
    public static TargetFacts liveFacts(Connection connection) {
        String schema;
        try {
            schema = connection.getCatalog();
        } catch (SQLException e) {
            schema = null;
        }
        String own = schema;
        return new TargetFacts() {
            @Override
            public String schema() {
                return own;
            }

            @Override
            public boolean hasRows(String table) {
                if (!exists(table)) {
                    return false;
                }
                try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM " + Identifiers.quote(table) + " LIMIT 1");
                        ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                } catch (SQLException e) {
                    return false;
                }
            }

            @Override
            public long estimatedRows(String table) {
                return single("SELECT table_rows FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?",
                        table).map(Long::parseLong).orElse(0L);
            }

            @Override
            public Optional<ColumnType> columnType(String table, String column) {
                try (PreparedStatement ps = connection.prepareStatement("SELECT data_type, character_maximum_length,"
                        + " numeric_precision, numeric_scale, column_type, character_set_name FROM information_schema.columns"
                        + " WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?")) {
                    ps.setString(1, table);
                    ps.setString(2, column);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return Optional.empty();
                        }
                        return Optional.of(new ColumnType(rs.getString(1).toLowerCase(Locale.ROOT), (Long) rs.getObject(2, Long.class),
                                rs.getObject(3, Integer.class), rs.getObject(4, Integer.class), rs.getString(5), rs.getString(6)));
                    }
                } catch (SQLException e) {
                    return Optional.empty();
                }
            }

            @Override
            public Rows rowsWhere(String table, String condition, long maxRows) {
                if (!exists(table)) {
                    return Rows.NONE;
                }
                boolean sampled = estimatedRows(table) > maxRows;
                String from = from(table, sampled, maxRows);
                List<String> keys = primaryKey(table);
                String shown = keys.isEmpty() ? "'(no primary key)'"
                        : "CONCAT_WS(',', " + String.join(", ", keys.stream().map(k -> "checked." + Identifiers.quote(k)).toList()) + ")";
                return query("SELECT COUNT(*) FROM " + from + " WHERE " + condition, "SELECT " + shown + " FROM " + from + " WHERE "
                        + condition + " LIMIT 5", sampled);
            }

            @Override
            public Rows duplicates(String table, List<String> expressions, long maxRows) {
                if (!exists(table)) {
                    return Rows.NONE;
                }
                boolean sampled = estimatedRows(table) > maxRows;
                String notNull = String.join(" AND ", expressions.stream().map(e -> e + " IS NOT NULL").toList());
                // One pass: SQL_BIG_RESULT groups by sorting (without it, a million distinct values spill a temporary table
                // to disk: 13 s instead of 0.9 s here), and the window counts every repeated value beside the first five.
                String sql = "SELECT CONCAT(v, ' (', n, ' rows)'), COUNT(*) OVER () FROM (SELECT SQL_BIG_RESULT CONCAT_WS(',', "
                        + String.join(", ", expressions) + ") AS v, COUNT(*) AS n FROM " + from(table, sampled, maxRows) + " WHERE " + notNull
                        + " GROUP BY " + String.join(", ", expressions) + " HAVING COUNT(*) > 1) repeated LIMIT 5";
                try (java.sql.Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                    long count = 0;
                    List<String> examples = new ArrayList<>();
                    while (rs.next()) {
                        examples.add(rs.getString(1));
                        count = rs.getLong(2);
                    }
                    return new Rows(count, examples, sampled);
                } catch (SQLException e) {
                    return Rows.UNKNOWN;
                }
            }

            @Override
            public List<TableChange.Key> keys(String table) {
                Map<String, TableChange.Key> keys = new java.util.LinkedHashMap<>();
                try (PreparedStatement ps = connection.prepareStatement("SELECT index_name, non_unique, index_type, column_name"
                        + " FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ?"
                        + " ORDER BY index_name, seq_in_index")) {
                    ps.setString(1, table);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String name = rs.getString(1);
                            TableChange.KeyKind kind = name.equals("PRIMARY") ? TableChange.KeyKind.PRIMARY
                                    : rs.getString(3).equals("FULLTEXT") ? TableChange.KeyKind.FULLTEXT
                                    : rs.getString(3).equals("SPATIAL") ? TableChange.KeyKind.SPATIAL
                                    : rs.getInt(2) == 0 ? TableChange.KeyKind.UNIQUE : TableChange.KeyKind.INDEX;
                            keys.computeIfAbsent(name, n -> new TableChange.Key(kind, n, new ArrayList<>(), null, null)).columns()
                                    .add(rs.getString(4) == null ? "(expression)" : rs.getString(4));
                        }
                    }
                } catch (SQLException e) {
                    return List.of();
                }
                return List.copyOf(keys.values());
            }

            private String from(String table, boolean sampled, long maxRows) {
                return sampled ? "(SELECT * FROM " + Identifiers.quote(table) + " LIMIT " + maxRows + ") checked"
                        : Identifiers.quote(table) + " checked";
            }

            private Rows query(String count, String sample, boolean sampled) {
                try (java.sql.Statement s = connection.createStatement()) {
                    long n;
                    try (ResultSet rs = s.executeQuery(count)) {
                        rs.next();
                        n = rs.getLong(1);
                    }
                    List<String> examples = new ArrayList<>();
                    if (n > 0) {
                        try (ResultSet rs = s.executeQuery(sample)) {
                            while (rs.next()) {
                                examples.add(rs.getString(1));
                            }
                        }
                    }
                    return new Rows(n, examples, sampled);
                } catch (SQLException e) {
                    // A check the server cannot answer (an expression it rejects) is no prediction: the statement will tell.
                    return Rows.UNKNOWN;
                }
            }

            private List<String> primaryKey(String table) {
                List<String> keys = new ArrayList<>();
                try (PreparedStatement ps = connection.prepareStatement("SELECT column_name FROM information_schema.key_column_usage"
                        + " WHERE table_schema = DATABASE() AND table_name = ? AND constraint_name = 'PRIMARY' ORDER BY ordinal_position")) {
                    ps.setString(1, table);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            keys.add(rs.getString(1));
                        }
                    }
                } catch (SQLException e) {
                    return List.of();
                }
                return keys;
            }

            private boolean exists(String table) {
                return single("SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?", table)
                        .isPresent();
            }

            private Optional<String> single(String sql, String param) {
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    ps.setString(1, param);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() && rs.getString(1) != null ? Optional.of(rs.getString(1)) : Optional.empty();
                    }
                } catch (SQLException e) {
                    return Optional.empty();
                }
            }
        };
    }
}
