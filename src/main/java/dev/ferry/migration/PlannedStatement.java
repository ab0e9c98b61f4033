package dev.ferry.migration;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A table change of a planned script: the algorithm the server would use for it ({@code INSTANT},
 * {@code NOCOPY}, {@code INPLACE}, {@code COPY}, {@code pt-online-schema-change}, or {@code unknown}
 * when the probe could not tell), and whether its table is large ({@code ddl.large-table-rows}).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlannedStatement(String script, int index, int line, String statement, String table, String algorithm, boolean largeTable) {

    static final String UNKNOWN = "unknown";

    /** A change that copies its table: writes wait for as long as it runs. */
    boolean copies() {
        return OnlineDdl.Algorithm.COPY.shown().equals(algorithm);
    }

    /** A copy of a large table. */
    boolean copiesLargeTable() {
        return largeTable && copies();
    }
}
