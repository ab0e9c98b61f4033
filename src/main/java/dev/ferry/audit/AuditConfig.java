package dev.ferry.audit;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The backfill audit table: {@code ferry.audit.*}, read in one place. */
@ConfigMapping(prefix = "ferry.audit")
public interface AuditConfig {

    /** The target whose {@code user_authid_backfill_audit} the audit API serves; retries are sent to it. */
    String target();

    /** How often the audit gauges are refreshed. */
    @WithDefault("60s")
    Duration gaugeEvery();

    /** Retention of old rows: {@code ferry.audit.retention.*}. */
    RetentionConfig retention();
}
