package dev.ferry.lint.structure;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import dev.ferry.Identifiers;
import dev.ferry.lint.LintRule;
import dev.ferry.sql.SqlTokens;

/**
 * The structure and naming rules over one script's statements, in order. Each rule family is a
 * {@link StructureCheck}; adding a rule is adding it to {@code LintRule} and to the family that sees
 * what it needs.
 */
public final class StructureLint {

    /** A design finding: the rule, what it found, and the table it is about (null for a statement without one). */
    public record Finding(LintRule rule, String detail, String table) {
    }

    private static final List<StructureCheck> CHECKS = List.of(new TableChecks(), new ColumnChecks(), new KeyChecks(), new NamingChecks(),
            new StatementChecks());

    private final Function<String, List<TableChange.Key>> existingKeys;
    private final Set<String> altered = new HashSet<>();

    /** {@code existingKeys}: the keys a table has before the statement runs (live, plus what earlier statements of the run added). */
    public StructureLint(Function<String, List<TableChange.Key>> existingKeys) {
        this.existingKeys = existingKeys;
    }

    /** The findings for the next statement of the script: {@code sql} without comments, its tokens and its table change. */
    public List<Finding> check(String sql, List<SqlTokens.Token> tokens, Optional<TableChange> change) {
        List<TableChange.Key> keys = change.filter(c -> !c.creates() && !c.keys().isEmpty()).map(c -> existingKeys.apply(c.table()))
                .orElse(List.of());
        StructureCheck.Statement statement = new StructureCheck.Statement(sql, tokens, change, keys, Set.copyOf(altered));
        List<Finding> findings = new ArrayList<>();
        String table = change.map(TableChange::table).orElse(null);
        CHECKS.forEach(check -> check.check(statement, (rule, detail) -> findings.add(new Finding(rule, detail, table))));
        change.filter(c -> !c.creates()).ifPresent(c -> altered.add(Identifiers.key(c.table())));
        return findings;
    }
}
