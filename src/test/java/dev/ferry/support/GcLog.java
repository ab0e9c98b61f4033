package dev.ferry.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Ferry process's {@code -Xlog:gc:file=...}: the heap left after each collection, i.e. what the
 * process retains, rather than the garbage a large default heap lets pile up between collections.
 */
public final class GcLog {

    private static final Pattern AFTER_GC = Pattern.compile("GC\\(\\d+\\) Pause.* (\\d+)([KMG])->(\\d+)([KMG])\\(");

    private final Path file;

    public GcLog(Path file) throws IOException {
        this.file = file.toAbsolutePath();
        Files.createDirectories(this.file.getParent());
        Files.deleteIfExists(this.file);
    }

    /** The JVM option that writes this log. */
    public String jvmOption() {
        return "-Xlog:gc:file=" + file;
    }

    /** Bytes in use after each pause so far ("... 120M->40M(256M) 3.1ms"). */
    public List<Long> heapAfterEachCollection() throws IOException {
        List<Long> after = new ArrayList<>();
        if (!Files.exists(file)) {
            return after;
        }
        for (String line : Files.readAllLines(file)) {
            Matcher m = AFTER_GC.matcher(line);
            if (m.find()) {
                after.add(Long.parseLong(m.group(3)) << switch (m.group(4)) {
                    case "K" -> 10;
                    case "M" -> 20;
                    default -> 30;
                });
            }
        }
        return after;
    }

    /** The largest heap left after a collection, from collection {@code from} (0-based) on. */
    public long peakSince(int from) throws IOException {
        List<Long> after = heapAfterEachCollection();
        return after.subList(Math.min(from, after.size()), after.size()).stream().mapToLong(Long::longValue).max().orElse(0);
    }
}
