package dev.ferry.migration;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * How far a long statement has got, as the server (MariaDB's processlist {@code PROGRESS} and
 * {@code STAGE}) or the online tool (pt-online-schema-change's copy progress) tells it.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DdlProgress(String phase, String script, int statement, int line, String table, String algorithm, Double percent,
        String stage, String remaining) {

    public DdlProgress {
        phase = "ddl";
    }
}
