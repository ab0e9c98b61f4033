package dev.ferry.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The figures of one fault scenario, written beside the others of the run to
 * target/reliability/results.{json,md}. Each row says what was measured and what was expected of it.
 */
final class ReliabilityReport {

    record Row(String scenario, String measure, String value, String expected, boolean held) {
    }

    private static final Path FOLDER = Path.of("target/reliability");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String scenario;
    private final List<Row> rows = new ArrayList<>();

    ReliabilityReport(String scenario) {
        this.scenario = scenario;
    }

    /** A figure that held or did not hold its expectation. */
    ReliabilityReport row(String measure, Object value, String expected, boolean held) {
        rows.add(new Row(scenario, measure, String.valueOf(value), expected, held));
        return this;
    }

    /** A count that must be zero for the guarantee to hold. */
    ReliabilityReport none(String measure, long count) {
        return row(measure, count, "0", count == 0);
    }

    /** A figure recorded for information (throughput, latency, counts). */
    ReliabilityReport info(String measure, Object value) {
        return row(measure, value, "-", true);
    }

    /** Replaces this scenario's rows in the run's results and rewrites both files. */
    void write() throws IOException {
        Files.createDirectories(FOLDER);
        Path json = FOLDER.resolve("results.json");
        List<Row> all = new ArrayList<>();
        if (Files.exists(json)) {
            all.addAll(JSON.readValue(json.toFile(), new TypeReference<List<Row>>() { }));
        }
        all.removeIf(row -> row.scenario().equals(scenario));
        all.addAll(rows);
        JSON.writeValue(json.toFile(), all);
        StringBuilder md = new StringBuilder("# Ferry reliability run\n\n")
                .append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(". `./mvnw -Preliability verify`.\n\n")
                .append("| scenario | measure | value | expected | held |\n|---|---|---|---|---|\n");
        for (Row row : all) {
            md.append("| ").append(row.scenario()).append(" | ").append(row.measure()).append(" | ").append(row.value()).append(" | ")
                    .append(row.expected()).append(" | ").append(row.held() ? "yes" : "**no**").append(" |\n");
        }
        Files.writeString(FOLDER.resolve("results.md"), md);
    }
}
