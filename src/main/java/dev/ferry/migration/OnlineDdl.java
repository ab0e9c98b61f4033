package dev.ferry.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.smallrye.mutiny.Uni;

import dev.ferry.Identifiers;
import dev.ferry.sql.SqlStatements;

/**
 * The cheapest way the server can make a table change: each {@code ALTER TABLE} (and {@code CREATE} /
 * {@code DROP INDEX}) that names no algorithm of its own is tried with {@code ALGORITHM=INSTANT}, then
 * {@code NOCOPY} (MariaDB), then {@code INPLACE, LOCK=NONE}. The server refuses an impossible one at
 * once, without touching the table. What none of them can do needs a table copy, which blocks writes
 * for as long as it runs: on a large table that is refused, or done by the online tool.
 */
final class OnlineDdl {

    /** How a statement changed its table. */
    enum Algorithm {
        INSTANT, NOCOPY, INPLACE, COPY, PT_ONLINE_SCHEMA_CHANGE;

        /** As results and the plan show it. */
        String shown() {
            return this == PT_ONLINE_SCHEMA_CHANGE ? "pt-online-schema-change" : name();
        }
    }

    private static final String NAME = "(`[^`]+`|[A-Za-z0-9_$]+)";
    private static final Pattern ALTER_TABLE = Pattern.compile("(?is)^ALTER\\s+TABLE\\s+" + NAME + "(?:\\s*\\.\\s*" + NAME + ")?\\s+(.+)$");
    private static final Pattern INDEX = Pattern.compile("(?is)^(?:CREATE\\s+(?:UNIQUE\\s+|FULLTEXT\\s+|SPATIAL\\s+)?INDEX|DROP\\s+INDEX)\\s+"
            + NAME + "\\s+ON\\s+" + NAME + "(?:\\s*\\.\\s*" + NAME + ")?.*$");
    /** A statement that says how it wants to run, or does more than change one table, is left as it is. */
    private static final Pattern OWN_CHOICE = Pattern.compile("(?i)\\b(ALGORITHM|LOCK)\\s*=|\\bPARTITION\\b");
    /** "ALGORITHM=x is not supported" (1845, 1846) and "unknown algorithm" (1800, a server without INSTANT). */
    private static final Set<Integer> NOT_SUPPORTED = Set.of(1845, 1846, 1800);
    /** MariaDB: this one statement gives up at once when another session holds a lock it needs. */
    private static final String NO_WAIT = "SET STATEMENT lock_wait_timeout=0 FOR ";
    private static final Duration POLL_EVERY = Duration.ofMillis(50);
    /** ER_PARSE_ERROR. */
    private static final int SYNTAX_ERROR = 1064;

    private OnlineDdl() {
    }

    /** A table change whose algorithm Ferry may choose: its table, and the statement without comments. */
    record Change(String table, String sql, boolean alterTable, String spec) {

        /** The statement with this algorithm asked for. */
        String with(Algorithm algorithm) {
            String clause = algorithm == Algorithm.INPLACE ? "ALGORITHM=INPLACE, LOCK=NONE" : "ALGORITHM=" + algorithm.name();
            return alterTable ? sql + ", " + clause : sql + " " + clause.replace(",", "");
        }
    }

    static Optional<Change> of(String statement) {
        if (statement.matches("(?s).*['\"].*") && statement.matches("(?s).*(--|#|/\\*).*")) {
            return Optional.empty(); // comment markers may sit inside a literal: leave the statement exactly as written
        }
        String sql = SqlStatements.withoutComments(statement).strip();
        if (sql.isEmpty() || OWN_CHOICE.matcher(sql).find()) {
            return Optional.empty();
        }
        Matcher alter = ALTER_TABLE.matcher(sql);
        if (alter.matches()) {
            String table = Identifiers.unquote(alter.group(2) != null ? alter.group(2) : alter.group(1));
            return Optional.of(new Change(table, sql, true, alter.group(3).strip()));
        }
        Matcher index = INDEX.matcher(sql);
        if (index.matches()) {
            String table = Identifiers.unquote(index.group(3) != null ? index.group(3) : index.group(2));
            if (sql.regionMatches(true, 0, "DROP", 0, 4)) {
                // DROP INDEX takes no algorithm clause on MariaDB: the same change as an ALTER TABLE does.
                String spec = "DROP INDEX " + index.group(1);
                return Optional.of(new Change(table, "ALTER TABLE " + Identifiers.quote(table) + " " + spec, true, spec));
            }
            return Optional.of(new Change(table, sql, false, null));
        }
        return Optional.empty();
    }

    /** The algorithms to try, cheapest first, on this server. */
    static List<Algorithm> inPlaceAlgorithms(Connection connection) throws SQLException {
        return mariadb(connection) ? List.of(Algorithm.INSTANT, Algorithm.NOCOPY, Algorithm.INPLACE)
                : List.of(Algorithm.INSTANT, Algorithm.INPLACE);
    }

    static boolean mariadb(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseProductVersion().toLowerCase(Locale.ROOT).contains("mariadb");
    }

    /**
     * Runs the change with the first in-place algorithm the server accepts; empty when it needs a table
     * copy. A statement whose grammar takes no algorithm clause ({@link ClauseNotTaken}) is the caller's
     * to run as written.
     * <p>
     * With {@code poll} above zero (MariaDB only), the {@code INSTANT} try never queues for the table's
     * metadata lock: it asks with no wait ({@code SET STATEMENT lock_wait_timeout=0}), again and again for
     * up to {@code poll}, so the application's queries never line up behind it while a transaction holds
     * the table. An instant change needs the lock only for a moment, and the server refuses an impossible
     * one before it asks for the lock, so nothing is built and thrown away. What is still refused at the end
     * is a lock wait timeout (1205) for the caller to back off from.
     */
    static Optional<Algorithm> runInPlace(Connection connection, Change change, List<Algorithm> algorithms, Duration poll)
            throws SQLException {
        boolean polling = !poll.isZero() && mariadb(connection);
        for (Algorithm algorithm : algorithms) {
            try (Statement s = connection.createStatement()) {
                if (algorithm == Algorithm.INSTANT && polling) {
                    withoutQueueing(s, change.with(algorithm), poll);
                } else {
                    s.execute(change.with(algorithm));
                }
                return Optional.of(algorithm);
            } catch (SQLException e) {
                if (e.getErrorCode() == SYNTAX_ERROR) {
                    throw new ClauseNotTaken(e);
                }
                if (!NOT_SUPPORTED.contains(e.getErrorCode())) {
                    throw e;
                }
            }
        }
        return Optional.empty();
    }

    private static void withoutQueueing(Statement s, String sql, Duration poll) throws SQLException {
        try {
            Uni.createFrom().item(() -> {
                try {
                    s.execute(NO_WAIT + sql);
                    return sql;
                } catch (SQLException e) {
                    throw e.getErrorCode() == ScriptStatements.LOCK_WAIT_TIMEOUT ? new Busy(e) : new IllegalStateException(e);
                }
            }).onFailure(Busy.class).retry().withBackOff(POLL_EVERY, POLL_EVERY.multipliedBy(4)).withJitter(0.3).expireIn(poll.toMillis())
                    .await().indefinitely();
        } catch (RuntimeException e) {
            // the last refusal, however Mutiny wraps a retry that ran out of time
            throw FlywayResults.cause(e, SQLException.class).orElseThrow(() -> e);
        }
    }

    /** The table's metadata lock was held by another session at that moment. */
    private static final class Busy extends RuntimeException {
        Busy(SQLException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** The server's parser refused the statement with the algorithm clause: run it as written (the server then picks). */
    static final class ClauseNotTaken extends RuntimeException {
        ClauseNotTaken(SQLException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** Whether the table has at least {@code largeRows} rows (counted up to that many, so a huge table costs no full scan). */
    static boolean isLarge(Connection connection, String table, long largeRows) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT COUNT(*) FROM (SELECT 1 FROM " + Identifiers.quote(table)
                + " LIMIT ?) counted")) {
            ps.setLong(1, largeRows);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) >= largeRows;
            }
        }
    }

}
