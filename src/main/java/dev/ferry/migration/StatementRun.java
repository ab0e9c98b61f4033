package dev.ferry.migration;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.ferry.sql.SqlStatements;

/**
 * One statement of a script as it ran: its 1-based position and line, how it starts, the algorithm the
 * server used for it (ALTER only), how often it waited out {@code ddl.lock-wait} for its metadata lock,
 * and how long it took. {@code hash} is what a resume compares.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatementRun(int index, int line, @JsonIgnore int hash, String statement, String algorithm, int lockRetries,
        long durationMs) {

    static final int SHOWN_LENGTH = 120;

    /** The start of a statement, as results and messages show it. */
    static String shown(String sql) {
        String oneLine = normal(sql);
        return oneLine.length() <= SHOWN_LENGTH ? oneLine : oneLine.substring(0, SHOWN_LENGTH - 1) + "…";
    }

    /** CRC32 of the statement without comments, whitespace collapsed: a comment or layout edit is not a change. */
    static int hash(String sql) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(normal(sql).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    /** Without comments (unless it is all executable comment), whitespace collapsed. */
    static String normal(String sql) {
        String code = SqlStatements.withoutComments(sql);
        return (code.isEmpty() ? sql : code).replaceAll("\\s+", " ").strip();
    }
}
