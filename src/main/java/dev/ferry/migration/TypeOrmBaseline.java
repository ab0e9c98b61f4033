package dev.ferry.migration;

import dev.ferry.Identifiers;
import static dev.ferry.migration.FlywayResults.call;
import static dev.ferry.migration.FlywayResults.currentVersion;
import static dev.ferry.migration.FlywayResults.version;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;

import dev.ferry.Locations;
import dev.ferry.problem.ErrorCode;
import dev.ferry.problem.FerryException;

/**
 * Adopts a database that TypeORM migrated: its {@code migrations} table (id, timestamp, name) is
 * mapped to Ferry versions through the target's mapping file, and Flyway's history is baselined at
 * the highest of them, so nothing already applied runs again.
 */
@ApplicationScoped
public class TypeOrmBaseline {

    private final TargetRegistry targets;

    public TypeOrmBaseline(TargetRegistry targets) {
        this.targets = targets;
    }

    public MigrationOutcome baseline(String targetName) {
        TargetDatabase target = targets.get(targetName);
        String mappingLocation = target.config().typeormMapping().orElseThrow(() -> new FerryException(ErrorCode.INVALID_REQUEST,
                "Target " + targetName + " has no ferry.targets." + targetName + ".typeorm-mapping to baseline from"));
        Properties mapping = load(mappingLocation);
        try (TargetLock lock = TargetLock.acquire(target)) {
            MigrationInfoService info = call(() -> target.flyway(Optional.empty()).info());
            if (info.applied().length > 0) {
                throw new FerryException(ErrorCode.HISTORY_MISMATCH, "Target " + targetName + " already has a Flyway history ("
                        + target.config().historyTable() + "); baseline is only for adopting a TypeORM-managed database");
            }
            List<String> applied = typeOrmMigrations(target);
            List<String> unmapped = applied.stream().filter(name -> !mapping.containsKey(name)).toList();
            if (!unmapped.isEmpty()) {
                throw new FerryException(ErrorCode.HISTORY_MISMATCH, "The mapping " + mappingLocation
                        + " does not cover TypeORM migrations the database says were applied: " + unmapped, null,
                        Map.of("unmapped", unmapped), null);
            }
            TreeSet<MigrationVersion> claimed = new TreeSet<>();
            applied.forEach(name -> claimed.add(MigrationVersion.fromVersion(mapping.getProperty(name).trim())));
            MigrationVersion baseline = claimed.last();
            List<MigrationInfo> covered = Arrays.stream(info.all())
                    .filter(m -> m.getVersion() != null && m.getVersion().compareTo(baseline) <= 0).toList();
            TreeSet<MigrationVersion> expected = new TreeSet<>(covered.stream().map(MigrationInfo::getVersion).toList());
            if (!expected.equals(claimed)) {
                throw new FerryException(ErrorCode.HISTORY_MISMATCH, "TypeORM's applied migrations map to versions " + claimed
                        + " but Ferry's scripts up to " + baseline + " are " + expected
                        + ": a gap would leave scripts marked applied that never ran", null, Map.of(), null);
            }
            String lastName = applied.get(applied.size() - 1);
            call(() -> target.flywayBaselinedAt(baseline.getVersion(), "TypeORM " + lastName).baseline());
            List<AppliedMigration> baselined = new ArrayList<>();
            covered.forEach(m -> baselined.add(new AppliedMigration(version(m), m.getDescription(), m.getScript(),
                    m.getType().name(), "BASELINED", null, null, m.getChecksum(), null)));
            String after = currentVersion(call(() -> target.flyway(Optional.empty()).info()));
            return new MigrationOutcome(null, after, baselined, null, List.of(), null);
        }
    }

    private static List<String> typeOrmMigrations(TargetDatabase target) {
        String table = Identifiers.quote(target.config().typeormTable());
        try (Connection c = target.connection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM " + table + " ORDER BY id")) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            if (names.isEmpty()) {
                throw new FerryException(ErrorCode.HISTORY_MISMATCH, "TypeORM's table " + table + " is empty: nothing to adopt");
            }
            return names;
        } catch (SQLException e) {
            throw new FerryException(ErrorCode.HISTORY_MISMATCH, "Cannot read TypeORM's table " + table + ": " + e.getMessage());
        }
    }

    private static Properties load(String location) {
        Properties mapping = new Properties();
        try (InputStream in = Locations.open(location); Reader reader = new java.io.InputStreamReader(in, StandardCharsets.UTF_8)) {
            mapping.load(reader);
            return mapping;
        } catch (IOException e) {
            throw new FerryException(ErrorCode.INVALID_REQUEST, "Cannot read the TypeORM mapping " + location + ": " + e.getMessage());
        }
    }

}
