package dev.ferry.migration;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import org.flywaydb.core.api.CoreMigrationType;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.resolver.MigrationResolver;
import org.flywaydb.core.api.resolver.ResolvedMigration;
import org.flywaydb.core.internal.resolver.ResolvedMigrationImpl;

/**
 * Resolves a target's {@code V<version>__<description>.sql} scripts for Flyway as Flyway's own SQL
 * resolver would (same version, description, type and checksum, so stock Flyway reads the history
 * alike), but each is run by {@link ScriptStatements}: statement by statement, each guarded against
 * metadata-lock pile-ups and recorded, so a script that stops half-way can continue.
 */
final class ScriptResolver implements MigrationResolver {

    /** Flyway's own SQL resolver looks for this prefix instead of {@code V}, so it leaves the V scripts to this one. */
    static final String FLYWAY_SQL_PREFIX = "ferry-resolves-V-scripts:";
    static final Pattern VERSIONED = Pattern.compile("^V(.+?)__(.*)\\.sql$");

    private final ScriptCatalog catalog;
    private final TargetsConfig.Target target;
    private final Supplier<ScriptRun> run;

    ScriptResolver(ScriptCatalog catalog, TargetsConfig.Target target, Supplier<ScriptRun> run) {
        this.catalog = catalog;
        this.target = target;
        this.run = run;
    }

    @Override
    public Collection<ResolvedMigration> resolveMigrations(Context context) {
        ScriptCatalog.Index index = catalog.index();
        List<ResolvedMigration> resolved = new ArrayList<>();
        for (String name : index.names()) {
            Matcher m = VERSIONED.matcher(name);
            if (!m.matches()) {
                continue;
            }
            ScriptCatalog.Script script = index.read(name).orElseThrow();
            MigrationVersion version = MigrationVersion.fromVersion(m.group(1));
            int checksum = flywayChecksum(script.text());
            resolved.add(new ResolvedMigrationImpl(version, m.group(2).replace('_', ' '), name, checksum, checksum, CoreMigrationType.SQL,
                    index.path(name).map(Object::toString).orElse(name),
                    new ScriptStatements(script, version.getVersion(), target, run)));
        }
        return resolved;
    }

    /** Flyway's checksum of a SQL script: CRC32 over its lines without line ends, a leading BOM dropped. */
    static int flywayChecksum(String text) {
        CRC32 crc = new CRC32();
        try (BufferedReader lines = new BufferedReader(new StringReader(text))) {
            String line = lines.readLine();
            if (line != null && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            while (line != null) {
                crc.update(line.getBytes(StandardCharsets.UTF_8));
                line = lines.readLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return (int) crc.getValue();
    }
}
