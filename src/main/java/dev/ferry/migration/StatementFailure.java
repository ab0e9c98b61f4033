package dev.ferry.migration;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.flywaydb.core.api.FlywayException;

import dev.ferry.sql.SqlStatements;

/**
 * A statement of a V script that did not run: which one (position, line, text), whether it was waiting
 * for a metadata lock (then on which table, after how many tries, behind which sessions), and the
 * server's words. The statements before it ran and are recorded.
 */
final class StatementFailure extends FlywayException {

    private static final Pattern TABLE = Pattern.compile("(?is)^\\s*(?:ALTER\\s+(?:ONLINE\\s+|IGNORE\\s+)?TABLE|CREATE\\s+(?:UNIQUE\\s+|FULLTEXT\\s+"
            + "|SPATIAL\\s+)?INDEX\\s+\\S+\\s+ON|DROP\\s+TABLE(?:\\s+IF\\s+EXISTS)?|RENAME\\s+TABLE|TRUNCATE(?:\\s+TABLE)?|DROP\\s+INDEX\\s+\\S+\\s+ON"
            + "|OPTIMIZE\\s+TABLE|INSERT\\s+(?:IGNORE\\s+)?INTO|UPDATE|DELETE\\s+FROM)\\s+`?([A-Za-z0-9_$]+)`?");

    private final String script;
    private final String version;
    private final int index;
    private final int line;
    private final String statement;
    private final boolean lockWait;
    private final int lockRetries;
    private final List<String> blockers;

    private StatementFailure(String script, String version, int index, SqlStatements.Statement statement, boolean lockWait, int lockRetries,
            List<String> blockers, Throwable cause) {
        super(cause.getMessage(), cause);
        this.script = script;
        this.version = version;
        this.index = index;
        this.line = statement.line();
        this.statement = StatementRun.shown(statement.sql());
        this.lockWait = lockWait;
        this.lockRetries = lockRetries;
        this.blockers = List.copyOf(blockers);
    }

    static StatementFailure of(String script, String version, int index, SqlStatements.Statement statement, int lockRetries, Throwable cause) {
        return new StatementFailure(script, version, index, statement, false, lockRetries, List.of(), cause);
    }

    static StatementFailure lockWait(String script, String version, int index, SqlStatements.Statement statement, int lockRetries,
            List<String> blockers, Throwable cause) {
        return new StatementFailure(script, version, index, statement, true, lockRetries, blockers, cause);
    }

    /** The statement failure behind a Flyway exception, if a V script's statement is what failed. */
    static Optional<StatementFailure> in(Throwable e) {
        return FlywayResults.cause(e, StatementFailure.class);
    }

    String script() {
        return script;
    }

    String version() {
        return version;
    }

    /** 1-based position of the statement in its script. */
    int index() {
        return index;
    }

    int line() {
        return line;
    }

    String statement() {
        return statement;
    }

    boolean lockWait() {
        return lockWait;
    }

    int lockRetries() {
        return lockRetries;
    }

    List<String> blockers() {
        return blockers;
    }

    /** The table the statement works on, where its text says so plainly. */
    Optional<String> table() {
        Matcher m = TABLE.matcher(statement);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The server's own words. */
    String serverMessage() {
        return getCause() == null ? getMessage() : getCause().getMessage();
    }
}
