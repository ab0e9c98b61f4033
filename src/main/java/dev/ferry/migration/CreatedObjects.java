package dev.ferry.migration;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ferry.Identifiers;
import dev.ferry.sql.SqlStatements;

/** The tables ({@code table}) and columns ({@code table.column}) a forward script creates, as its undo script may remove them. */
final class CreatedObjects {

    private static final String NAME = "`?([A-Za-z0-9_$]+)`?";
    private static final Pattern CREATE_TABLE = Pattern.compile("(?is)^\\s*CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?" + NAME);
    private static final Pattern ALTER_TABLE = Pattern.compile("(?is)^\\s*ALTER\\s+TABLE\\s+" + NAME + "\\s+(.*)$");
    private static final Pattern ADD_COLUMN = Pattern.compile("(?is)(?:^|,)\\s*ADD\\s+(?:COLUMN\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?"
            + "(?!(?:INDEX|KEY|UNIQUE|PRIMARY|CONSTRAINT|FOREIGN|FULLTEXT|SPATIAL|CHECK|PARTITION)\\b)" + NAME);

    private CreatedObjects() {
    }

    static Set<String> of(String script) {
        Set<String> created = new LinkedHashSet<>();
        for (SqlStatements.Statement statement : SqlStatements.split(script)) {
            String sql = SqlStatements.withoutComments(statement.sql());
            Matcher m = CREATE_TABLE.matcher(sql);
            if (m.find()) {
                created.add(Identifiers.key(m.group(1)));
                continue;
            }
            m = ALTER_TABLE.matcher(sql);
            if (m.find()) {
                String table = Identifiers.key(m.group(1));
                Matcher add = ADD_COLUMN.matcher(m.group(2));
                while (add.find()) {
                    created.add(table + "." + Identifiers.key(add.group(1)));
                }
            }
        }
        return created;
    }
}
