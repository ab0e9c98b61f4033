package dev.ferry.migration;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import dev.ferry.Identifiers;

/**
 * Runs one {@code ALTER TABLE} with Percona's pt-online-schema-change: it copies the table in chunks
 * into a shadow table kept current by triggers, pausing under load or replica lag, then swaps the two
 * with an atomic rename, so the table stays readable and writable. Its progress is reported; its
 * triggers and shadow table are removed when it fails or is stopped (and when an earlier run left
 * them behind).
 */
final class PtOnlineSchemaChange {

    private static final Logger LOG = Logger.getLogger(PtOnlineSchemaChange.class);
    /** "Copying `db`.`t`:  52% 00:12 remain" */
    private static final Pattern PROGRESS = Pattern.compile("Copying .*?:\\s+(\\d+)%\\s+(\\S+)\\s+remain");
    private static final Pattern URL = Pattern.compile("^jdbc:[a-z]+://([^/:?]+)(?::(\\d+))?/([^?]+).*$");

    private PtOnlineSchemaChange() {
    }

    /** A failed or stopped run of the tool: its exit status and its last words. */
    static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }

    /**
     * Runs {@code change} (an ALTER TABLE) on the target's schema; {@code progress} receives the copy's
     * percentage and remaining time. Blocks until the tool ends.
     */
    static void run(TargetsConfig.Target target, Connection connection, OnlineDdl.Change change, Consumer<Progress> progress)
            throws Failed, SQLException {
        TargetsConfig.OnlineTool tool = target.ddl().online();
        Matcher url = URL.matcher(target.jdbcUrl());
        if (!url.matches()) {
            throw new Failed("cannot read host, port and schema from the target's JDBC URL");
        }
        String schema = url.group(3);
        removeLeftovers(connection, schema, change.table());
        Path defaults = null;
        Process process = null;
        try {
            defaults = Files.createTempFile("ferry-ptosc-", ".cnf", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            // The password goes in a defaults file only Ferry can read, never on the command line.
            Files.writeString(defaults, "[client]\npassword=\"" + target.password().orElse("").replace("\\", "\\\\").replace("\"", "\\\"")
                    + "\"\n");
            long lockWait = Math.max(1, target.ddl().lockWait().toSeconds());
            String tries = Math.max(1, target.ddl().lockRetries()) + ":" + lockWait;
            List<String> command = new ArrayList<>(List.of(tool.command(), "--alter", change.spec(), "--execute",
                    "--max-lag", seconds(tool.maxLag()), "--max-load", tool.maxLoad(), "--critical-load", tool.criticalLoad(),
                    "--chunk-time", seconds(tool.chunkTime()), "--recursion-method", tool.recursionMethod(), "--progress", "time,2",
                    "--set-vars", "lock_wait_timeout=" + lockWait,
                    "--tries", "create_triggers:" + tries + ",drop_triggers:" + tries + ",swap_tables:" + tries
                            + ",update_foreign_keys:" + tries,
                    "--no-check-alter"));
            tool.extraOptions().ifPresent(command::addAll);
            command.add("F=" + defaults + ",h=" + url.group(1) + ",P=" + (url.group(2) == null ? "3306" : url.group(2))
                    + target.username().map(u -> ",u=" + u).orElse("") + ",D=" + schema + ",t=" + change.table());
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            Deque<String> last = new ArrayDeque<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    LOG.debugf("pt-online-schema-change: %s", line);
                    Matcher m = PROGRESS.matcher(line);
                    if (m.find()) {
                        progress.accept(new Progress(Double.parseDouble(m.group(1)), m.group(2)));
                    }
                    if (!line.isBlank()) {
                        last.addLast(line.strip());
                        if (last.size() > 3) {
                            last.removeFirst();
                        }
                    }
                }
            }
            int exit = process.waitFor();
            if (exit != 0) {
                removeLeftovers(connection, schema, change.table());
                throw new Failed("pt-online-schema-change ended with status " + exit + ": " + String.join(" / ", last));
            }
        } catch (IOException e) {
            throw new Failed("cannot run " + tool.command() + " (" + e.getMessage() + "); install percona-toolkit, or unset ddl.online-tool");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy(); // the tool drops its triggers and shadow table when it is stopped
            throw new Failed("stopped while pt-online-schema-change ran");
        } finally {
            if (defaults != null) {
                try {
                    Files.deleteIfExists(defaults);
                } catch (IOException e) {
                    LOG.warnf("Could not delete %s", defaults);
                }
            }
        }
    }

    /** The copy's percentage and the tool's estimate of the time left. */
    record Progress(double percent, String remaining) {
    }

    /** Drops the triggers and shadow table a run of the tool on this table left behind. */
    static void removeLeftovers(Connection connection, String schema, String table) throws SQLException {
        List<String> triggers = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT trigger_name FROM information_schema.triggers"
                + " WHERE trigger_schema = ? AND event_object_table = ? AND trigger_name LIKE 'pt\\_osc\\_%'")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    triggers.add(rs.getString(1));
                }
            }
        }
        try (Statement s = connection.createStatement()) {
            for (String trigger : triggers) {
                LOG.warnf("Removing trigger %s left by an earlier pt-online-schema-change on %s", trigger, table);
                s.execute("DROP TRIGGER IF EXISTS " + Identifiers.quote(schema, trigger));
            }
            s.execute("DROP TABLE IF EXISTS " + Identifiers.quote(schema, "_" + table + "_new"));
        }
    }

    private static String seconds(java.time.Duration duration) {
        return String.valueOf(duration.toMillis() / 1000.0);
    }
}
