package dev.ferry.validation;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.internal.exception.FlywayMigrateException;

import dev.ferry.Identifiers;
import dev.ferry.migration.FlywayResults;
import dev.ferry.migration.TargetDatabase;
import dev.ferry.migration.UndoScript;

/**
 * The undo round trip of a validation: in the sandbox, after the pending V scripts ran, their U
 * scripts in reverse order, then the V scripts again, the schema compared after each leg with the
 * one it must equal. It names the first undo script that fails or leaves another schema.
 */
final class RoundTrip {

    /** A pending version and its undo. */
    record Leg(String version, String forward, UndoScript undo) {
    }

    /** How the round trip reaches the sandbox: as the confined user, or as the target's own account. */
    record Access(TargetDatabase target, String sandbox, String user, String password) {

        Flyway flyway(Optional<String> toVersion) {
            return user == null ? target.flywayOnSchema(sandbox, toVersion) : target.flywayOnSchemaAs(sandbox, toVersion, user, password);
        }

        Connection connect() throws SQLException {
            String url = target.jdbcUrlFor(sandbox);
            return user == null ? DriverManager.getConnection(url, target.config().username().orElse(null),
                    target.config().password().orElse(null)) : DriverManager.getConnection(url, user, password);
        }
    }

    private RoundTrip() {
    }

    /** The legs of the pending versions, or none when one of them has no undo script (then there is no round trip). */
    static List<Leg> legs(TargetDatabase target, List<MigrationInfo> pending) {
        List<Leg> legs = new ArrayList<>();
        for (MigrationInfo m : pending) {
            if (m.getVersion() == null) {
                continue; // a repeatable script has no undo
            }
            String version = m.getVersion().getVersion();
            Optional<UndoScript> undo = UndoScript.of(target, version);
            if (undo.isEmpty()) {
                return List.of();
            }
            legs.add(new Leg(version, m.getScript(), undo.get()));
        }
        return legs;
    }

    static ValidationReport.RoundTrip run(Connection c, Access access, String sandbox, String history, Optional<String> toVersion,
            List<Leg> legs, SchemaSnapshot before) throws SQLException {
        List<String> names = legs.stream().map(leg -> leg.undo().name()).toList();
        SchemaSnapshot forward = SchemaSnapshot.read(c, sandbox, history);
        List<Leg> reversed = new ArrayList<>(legs);
        Collections.reverse(reversed);
        try (Connection sandboxed = access.connect()) {
            for (Leg leg : reversed) {
                try {
                    leg.undo().run(sandboxed, line -> { });
                } catch (UndoScript.Failure e) {
                    return new ValidationReport.RoundTrip(ValidationReport.RoundTripStatus.FAILED, names, e.script(), e.script() + (e.line() > 0 ? " failed at line "
                            + e.line() : " failed") + ": " + e.getMessage(), null);
                }
                try (PreparedStatement forget = sandboxed.prepareStatement("DELETE FROM " + Identifiers.quote(history) + " WHERE version = ?")) {
                    forget.setString(1, leg.version());
                    forget.executeUpdate();
                }
            }
        }
        SchemaDiff.Scripts undone = SchemaDiff.between(SchemaSnapshot.read(c, sandbox, history), before);
        if (!undone.isEmpty()) {
            return new ValidationReport.RoundTrip(ValidationReport.RoundTripStatus.DIFFERS, names, names.get(0), "after the undo scripts the schema is not what it was"
                    + " before the pending scripts", undone.differences(20));
        }
        try {
            access.flyway(toVersion).migrate();
        } catch (FlywayException e) {
            String script = e instanceof FlywayMigrateException m && m.getMigration() != null ? m.getMigration().getScript() : null;
            return new ValidationReport.RoundTrip(ValidationReport.RoundTripStatus.FAILED, names, script, (script == null ? "a pending script" : script)
                    + " failed when applied again after its undo: " + FlywayResults.serverMessage(e), null);
        }
        SchemaDiff.Scripts again = SchemaDiff.between(SchemaSnapshot.read(c, sandbox, history), forward);
        if (!again.isEmpty()) {
            return new ValidationReport.RoundTrip(ValidationReport.RoundTripStatus.DIFFERS, names, legs.get(0).forward(), "applied again after their undo, the scripts"
                    + " leave another schema than the first time", again.differences(20));
        }
        return new ValidationReport.RoundTrip(ValidationReport.RoundTripStatus.PASSED, names, null, null, null);
    }
}
