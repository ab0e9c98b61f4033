package dev.ferry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Collects figures, each beside its baseline from the same run, and writes target/bench/results.{json,md}. */
final class BenchReport {

    /** One figure: Ferry's median next to the baseline's median, with the goal on their ratio or difference. */
    record Figure(String name, String unit, double ferry, String baseline, double baselineValue, double ratio, String goal,
            boolean met, int runs) {
    }

    private final List<Figure> figures = new ArrayList<>();

    void ratio(String name, String unit, double[] ferry, String baseline, double[] baselineRuns, double maxRatio) {
        double f = median(ferry);
        double b = median(baselineRuns);
        double ratio = round(f / b);
        figures.add(new Figure(name, unit, round(f), baseline, round(b), ratio, "ratio <= " + maxRatio, ratio <= maxRatio,
                ferry.length));
    }

    /** Ferry must reach at least {@code minRatio} of the baseline (throughput figures). */
    void atLeast(String name, String unit, double ferry, String baseline, double baselineValue, double minRatio, int runs) {
        double ratio = round(ferry / baselineValue);
        figures.add(new Figure(name, unit, round(ferry), baseline, round(baselineValue), ratio, "ratio >= " + minRatio,
                ratio >= minRatio, runs));
    }

    /** An absolute ceiling, with the baseline shown for context. */
    void atMost(String name, String unit, double ferry, String baseline, double baselineValue, double max, int runs) {
        figures.add(new Figure(name, unit, round(ferry), baseline, round(baselineValue), round(ferry / baselineValue),
                "ferry < " + max + " " + unit, ferry < max, runs));
    }

    /** A figure without a goal of its own, shown for context beside the ones that have one. */
    void context(String name, String unit, double ferry, String baseline, double baselineValue, int runs) {
        figures.add(new Figure(name, unit, round(ferry), baseline, round(baselineValue), round(ferry / baselineValue),
                "none (context)", true, runs));
    }

    void overhead(String name, String unit, double ferry, String baseline, double baselineValue, double maxOverhead, int runs) {
        figures.add(new Figure(name, unit, round(ferry), baseline, round(baselineValue), round(ferry / baselineValue),
                "ferry - baseline < " + maxOverhead + " " + unit, ferry - baselineValue < maxOverhead, runs));
    }

    /** Adds this report's figures to results already written in this run (several benchmark classes). */
    void appendTo(Path folder) throws IOException {
        Path json = folder.resolve("results.json");
        if (Files.exists(json)) {
            com.fasterxml.jackson.databind.JsonNode existing = new ObjectMapper().readTree(json.toFile()).path("figures");
            List<Figure> earlier = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode f : existing) {
                earlier.add(new ObjectMapper().treeToValue(f, Figure.class));
            }
            earlier.removeIf(f -> figures.stream().anyMatch(mine -> mine.name().equals(f.name())));
            figures.addAll(0, earlier);
        }
        write(folder);
    }

    void write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.version"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", machine);
        json.put("figures", figures);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(folder.resolve("results.json").toFile(), json);

        StringBuilder md = new StringBuilder("# Ferry benchmarks\n\n")
                .append("Machine: ").append(machine.get("cores")).append(" cores, Java ").append(machine.get("java"))
                .append(". Medians; each figure beside its baseline measured in the same run.\n\n")
                .append("| figure | unit | Ferry | baseline | baseline value | ratio | goal | met | runs |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        for (Figure f : figures) {
            md.append("| ").append(f.name()).append(" | ").append(f.unit()).append(" | ").append(f.ferry()).append(" | ")
                    .append(f.baseline()).append(" | ").append(f.baselineValue()).append(" | ").append(f.ratio()).append(" | ")
                    .append(f.goal()).append(" | ").append(f.met() ? "yes" : "no").append(" | ").append(f.runs()).append(" |\n");
        }
        Files.writeString(folder.resolve("results.md"), md.toString());
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
