package dev.ferry.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;
import dev.ferry.sql.Jdbc;

/** What Ferry remembers about target scripts in its own schema: undo checksums and validated checksums. */
@ApplicationScoped
public class ScriptRecords {

    private final DataSource dataSource;

    public ScriptRecords(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The undo script that belongs to an applied version, as it is now. */
    public void rememberUndo(String target, String version, String script, int checksum) {
        execute("INSERT INTO ferry_undo_checksum (target, version, script, checksum, recorded_at) VALUES (?, ?, ?, ?, ?)"
                + " ON DUPLICATE KEY UPDATE script = VALUES(script), checksum = VALUES(checksum), recorded_at = VALUES(recorded_at)",
                target, version, script, checksum, now());
    }

    public void forgetUndo(String target, String version) {
        execute("DELETE FROM ferry_undo_checksum WHERE target = ? AND version = ?", target, version);
    }

    /** version → checksum of the undo script when that version was applied. */
    public Map<String, Integer> undoChecksums(String target) {
        Map<String, Integer> checksums = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT version, checksum FROM ferry_undo_checksum WHERE target = ?")) {
            ps.setString(1, target);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    checksums.put(rs.getString(1), rs.getInt(2));
                }
            }
            return checksums;
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    public void markValidated(String target, String script, int checksum, String requestId) {
        execute("INSERT IGNORE INTO ferry_validated_script (target, script, checksum, request_id, validated_at) VALUES (?, ?, ?, ?, ?)",
                target, script, checksum, requestId, now());
    }

    public boolean isValidated(String target, String script, int checksum) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM ferry_validated_script WHERE target = ? AND script = ? AND checksum = ?")) {
            ps.setString(1, target);
            ps.setString(2, script);
            ps.setInt(3, checksum);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private void execute(String sql, Object... params) {
        try {
            Jdbc.update(dataSource, sql, params);
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private static LocalDateTime now() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }

    private static FerryException unavailable(SQLException e) {
        // The cause stays attached, so the retry policy can tell a lost connection from a bug.
        return new FerryException(ErrorCode.INTERNAL_ERROR, "Ferry's own database is unavailable", null, java.util.Map.of(), e);
    }
}
