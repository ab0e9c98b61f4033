package dev.ferry.validation;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Optional;

import org.jboss.logging.Logger;

import dev.ferry.Identifiers;

/**
 * A throwaway database account granted nothing but one sandbox: the pending scripts run as it, so
 * even SQL that Ferry cannot read ahead (a prepared statement built at run time, a routine) cannot
 * change the live schema. Created only where Ferry's own account may create users; dropped with
 * the sandbox.
 */
final class SandboxUser implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SandboxUser.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Connection connection;
    private final String account;
    private final String name;
    private final String password;

    private SandboxUser(Connection connection, String account, String name, String password) {
        this.connection = connection;
        this.account = account;
        this.name = name;
        this.password = password;
    }

    /** A user for {@code sandbox}, or empty when Ferry's account may not create one (the log says why). */
    static Optional<SandboxUser> create(Connection connection, String sandbox) {
        // 22 characters: within MySQL's 32-character limit for user names.
        String name = Sandbox.PREFIX + sandbox.substring(sandbox.length() - 12);
        byte[] secret = new byte[18];
        RANDOM.nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        try (Statement s = connection.createStatement()) {
            String host;
            // The host this server sees Ferry connect from: the throwaway account must match the same way.
            try (ResultSet rs = s.executeQuery("SELECT SUBSTRING_INDEX(USER(), '@', -1)")) {
                rs.next();
                host = rs.getString(1);
            }
            String account = literal(name) + "@" + literal(host);
            s.execute("CREATE USER " + account + " IDENTIFIED BY " + literal(password));
            try {
                s.execute("GRANT ALL PRIVILEGES ON " + Identifiers.quote(sandbox) + ".* TO " + account);
            } catch (SQLException e) {
                s.execute("DROP USER IF EXISTS " + account);
                throw e;
            }
            return Optional.of(new SandboxUser(connection, account, name, password));
        } catch (SQLException e) {
            LOG.infof("No sandbox user for %s (%s): pending scripts run as Ferry's own account, and statements that reach"
                    + " another schema are refused before they run", sandbox, e.getMessage());
            return Optional.empty();
        }
    }

    String name() {
        return name;
    }

    String password() {
        return password;
    }

    @Override
    public void close() {
        try (Statement s = connection.createStatement()) {
            s.execute("DROP USER IF EXISTS " + account);
        } catch (SQLException e) {
            LOG.warnf("Could not drop the sandbox user %s: %s (it is dropped with the abandoned sandboxes)", account, e.getMessage());
        }
    }

    /** Drops the sandbox users whose sandbox is gone (a crash between creating and dropping them); needs read access to mysql.user. */
    static void dropAbandoned(Connection connection, java.util.Collection<String> sandboxesInUse) {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT user, host FROM mysql.user WHERE user LIKE 'ferry\\_sbx\\_%'")) {
            java.util.List<String> abandoned = new java.util.ArrayList<>();
            while (rs.next()) {
                String user = rs.getString(1);
                String suffix = user.substring(Sandbox.PREFIX.length());
                if (sandboxesInUse.stream().noneMatch(sandbox -> sandbox.endsWith(suffix))) {
                    abandoned.add(literal(user) + "@" + literal(rs.getString(2)));
                }
            }
            for (String account : abandoned) {
                try (Statement drop = connection.createStatement()) {
                    drop.execute("DROP USER IF EXISTS " + account);
                }
            }
        } catch (SQLException e) {
            LOG.debugf("Could not look for abandoned sandbox users: %s", e.getMessage());
        }
    }

    private static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
