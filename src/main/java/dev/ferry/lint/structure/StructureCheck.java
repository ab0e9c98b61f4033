package dev.ferry.lint.structure;

import java.util.List;
import java.util.Optional;

import dev.ferry.lint.LintRule;
import dev.ferry.sql.SqlTokens;

/** One family of structure or naming rules, judged from a statement and what the run knows of its table's keys. */
interface StructureCheck {

    void check(Statement statement, Findings findings);

    /**
     * A statement to judge: its text (comments removed), its tokens, the table change it makes if any,
     * the keys its table has before it, and the tables this script altered before it.
     */
    record Statement(String sql, List<SqlTokens.Token> tokens, Optional<TableChange> change, List<TableChange.Key> existingKeys,
            java.util.Set<String> alteredBefore) {

        boolean startsWith(String... words) {
            if (tokens.size() < words.length) {
                return false;
            }
            for (int i = 0; i < words.length; i++) {
                if (!tokens.get(i).is(words[i])) {
                    return false;
                }
            }
            return true;
        }

        /** Whether the keyword appears outside parentheses. */
        boolean hasTopLevel(String word) {
            int depth = 0;
            for (SqlTokens.Token t : tokens) {
                depth += t.is("(") ? 1 : t.is(")") ? -1 : 0;
                if (depth == 0 && t.is(word)) {
                    return true;
                }
            }
            return false;
        }
    }

    @FunctionalInterface
    interface Findings {
        void add(LintRule rule, String detail);
    }
}
