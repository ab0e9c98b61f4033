package dev.ferry.lint.structure;

import java.util.Locale;

import dev.ferry.Identifiers;
import dev.ferry.lint.LintRule;

/** The table as a whole: its primary key, table options, how it is created, how often this script alters it. */
final class TableChecks implements StructureCheck {

    @Override
    public void check(Statement statement, Findings findings) {
        statement.change().ifPresent(change -> {
            String table = change.table();
            if (change.creates() && !change.copies()) {
                if (change.keys().stream().noneMatch(k -> k.kind() == TableChange.KeyKind.PRIMARY)) {
                    findings.add(LintRule.NO_PRIMARY_KEY, table);
                }
                if (!change.options().containsKey("CHARSET")) {
                    findings.add(LintRule.IMPLICIT_CHARSET, table);
                }
                if (!change.options().containsKey("COLLATE")) {
                    findings.add(LintRule.IMPLICIT_COLLATION, table);
                }
            }
            String engine = change.options().get("ENGINE");
            if (engine != null && !engine.equalsIgnoreCase("InnoDB")) {
                findings.add(LintRule.ENGINE_NOT_INNODB, table + " ENGINE=" + engine);
            }
            for (String option : new String[] {"CHARSET", "COLLATE"}) {
                String value = change.options().get(option);
                if (value != null && ColumnChecks.threeByte(value)) {
                    findings.add(LintRule.UTF8MB3, table + " " + option + "=" + value.toLowerCase(Locale.ROOT));
                }
            }
            if (change.creates() && change.options().containsKey("AUTO_INCREMENT")) {
                findings.add(LintRule.AUTO_INCREMENT_START, table + " AUTO_INCREMENT=" + change.options().get("AUTO_INCREMENT"));
            }
            if (change.partitioned()) {
                findings.add(LintRule.PARTITIONED_TABLE, table);
            }
            if (change.asSelect()) {
                findings.add(LintRule.CREATE_TABLE_AS_SELECT, table);
            }
            if (change.dropsPrimaryKey()) {
                findings.add(LintRule.DROP_PRIMARY_KEY, table);
            }
            if (!change.creates() && statement.alteredBefore().contains(Identifiers.key(table))) {
                findings.add(LintRule.MERGE_ALTERS, table + " is changed by an earlier statement of this script");
            }
        });
    }
}
