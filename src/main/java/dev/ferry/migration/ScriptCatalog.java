package dev.ferry.migration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads a target's script files by name from its Flyway locations ({@code classpath:} or {@code filesystem:}). */
final class ScriptCatalog {

    private static final String CLASSPATH = "classpath:";
    private static final String FILESYSTEM = "filesystem:";

    private final List<String> locations;

    ScriptCatalog(List<String> locations) {
        this.locations = List.copyOf(locations);
    }

    /** The text of the script with that file name, looked up in every location (including subfolders). */
    Optional<String> read(String scriptName) {
        for (String location : locations) {
            Optional<String> text = location.startsWith(FILESYSTEM)
                    ? readFromFolder(Path.of(location.substring(FILESYSTEM.length())), scriptName)
                    : readFromClasspath(location.startsWith(CLASSPATH) ? location.substring(CLASSPATH.length()) : location,
                            scriptName);
            if (text.isPresent()) {
                return text;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> readFromFolder(Path folder, String scriptName) {
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            Optional<Path> file = files.filter(p -> p.getFileName().toString().equals(scriptName)).findFirst();
            return file.isPresent() ? Optional.of(Files.readString(file.get())) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + scriptName + " under " + folder, e);
        }
    }

    private static Optional<String> readFromClasspath(String folder, String scriptName) {
        String base = folder.endsWith("/") ? folder : folder + "/";
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        URL direct = loader.getResource(base + scriptName);
        if (direct != null) {
            return Optional.of(read(direct));
        }
        // Scripts in subfolders of a classpath location: walk it when it is a plain folder.
        URL root = loader.getResource(base);
        if (root != null && "file".equals(root.getProtocol())) {
            try {
                return readFromFolder(Path.of(root.toURI()), scriptName);
            } catch (java.net.URISyntaxException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static String read(URL url) {
        try (InputStream in = url.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + url, e);
        }
    }
}
