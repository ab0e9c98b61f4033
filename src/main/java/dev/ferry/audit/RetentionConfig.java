package dev.ferry.audit;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** Retention of the backfill audit table: {@code ferry.audit.retention.*}, part of {@link AuditConfig}. */
public interface RetentionConfig {

    /** Rows attempted longer ago than this are archived or dropped. */
    @WithDefault("90d")
    Duration period();

    /** A period under 90 days is refused unless this is true. */
    @WithDefault("false")
    boolean allowShorterThan90Days();

    /** archive-table, archive-csv or drop. */
    @WithDefault("archive-table")
    String policy();

    /** Also move rows still failed (unresolved); they are kept by default. */
    @WithDefault("false")
    boolean includeUnresolved();

    /** Rows per batch: each batch is one short transaction. */
    @WithDefault("1000")
    int batchSize();

    /** Where archive-csv writes its gzip files. */
    @WithDefault("target/ferry-archive")
    String archiveDir();

    /** When the scheduled run happens (Quarkus cron), or "off". */
    @WithDefault("0 30 3 * * ?")
    String cron();
}
