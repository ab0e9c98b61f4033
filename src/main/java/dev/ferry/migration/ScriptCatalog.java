package dev.ferry.migration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * A target's script files, found in its Flyway locations ({@code filesystem:} folders, or
 * {@code classpath:} folders in a directory or a jar), including subfolders.
 */
final class ScriptCatalog {

    private static final String CLASSPATH = "classpath:";
    private static final String FILESYSTEM = "filesystem:";

    /** A script file: its name and its text; a Java undo migration has its instance and a comment as text. */
    record Script(String name, String text, UndoMigration java) {

        Script(String name, String text) {
            this(name, text, null);
        }

        /** CRC32 of the text with line endings normalised, so a checkout on another OS does not count as a change. */
        int checksum() {
            CRC32 crc = new CRC32();
            crc.update(text.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
            return (int) crc.getValue();
        }
    }

    private final List<String> locations;

    ScriptCatalog(List<String> locations) {
        this.locations = List.copyOf(locations);
    }

    /**
     * The locations listed once, for the lookups of one operation: a migrate of 500 scripts then lists
     * the folders once, not once per script. Texts are read when asked for, so they are current.
     */
    Index index() {
        return new Index(all());
    }

    /** A listing of the locations at one moment. */
    final class Index {
        private final Map<String, Path> files;

        private Index(Map<String, Path> files) {
            this.files = files;
        }

        /** The file names listed, in name order. */
        java.util.Set<String> names() {
            return files.keySet();
        }

        /** Where a listed file is. */
        Optional<Path> path(String scriptName) {
            return Optional.ofNullable(files.get(scriptName));
        }

        Optional<Script> read(String scriptName) {
            Path file = files.get(scriptName);
            return file == null ? Optional.empty() : Optional.of(new Script(scriptName, ScriptCatalog.read(file)));
        }

        /** The undo of a version: {@code U<version>__<description>.sql}, or else a Java {@link UndoMigration} of that name. */
        Optional<Script> undoOf(String version) {
            String prefix = "U" + version + "__";
            Optional<Script> sql = files.keySet().stream().filter(name -> name.startsWith(prefix) && name.endsWith(".sql")).findFirst()
                    .flatMap(this::read);
            return sql.isPresent() ? sql : javaUndo(prefix);
        }
    }

    private Optional<Script> javaUndo(String prefix) {
        for (String location : locations) {
            if (location.startsWith(FILESYSTEM)) {
                continue;
            }
            String resource = location.startsWith(CLASSPATH) ? location.substring(CLASSPATH.length()) : location;
            for (Path folder : folders(location)) {
                try (Stream<Path> files = Files.isDirectory(folder) ? Files.list(folder) : Stream.empty()) {
                    Optional<String> file = files.map(p -> p.getFileName().toString())
                            .filter(n -> n.startsWith(prefix) && n.endsWith(".class") && !n.contains("$")).findFirst();
                    if (file.isPresent()) {
                        String className = resource.replaceAll("^/|/$", "").replace('/', '.') + "."
                                + file.get().substring(0, file.get().length() - ".class".length());
                        return Optional.of(new Script(className, "-- Java undo migration " + className, instantiate(className)));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot list " + folder, e);
                }
            }
        }
        return Optional.empty();
    }

    private static UndoMigration instantiate(String className) {
        try {
            Object undo = Class.forName(className, true, Thread.currentThread().getContextClassLoader()).getDeclaredConstructor().newInstance();
            if (!(undo instanceof UndoMigration migration)) {
                throw new IllegalStateException(className + " does not implement " + UndoMigration.class.getName());
            }
            return migration;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot create the Java undo migration " + className + ": " + e, e);
        }
    }


    /** Every file of every location, by file name. */
    private Map<String, Path> all() {
        Map<String, Path> files = new TreeMap<>();
        for (String location : locations) {
            for (Path folder : folders(location)) {
                if (!Files.isDirectory(folder)) {
                    continue;
                }
                try (Stream<Path> walk = Files.walk(folder)) {
                    walk.filter(Files::isRegularFile).forEach(p -> files.putIfAbsent(p.getFileName().toString(), p));
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot list scripts under " + folder, e);
                }
            }
        }
        return files;
    }

    private static List<Path> folders(String location) {
        if (location.startsWith(FILESYSTEM)) {
            return List.of(Path.of(location.substring(FILESYSTEM.length())));
        }
        String resource = location.startsWith(CLASSPATH) ? location.substring(CLASSPATH.length()) : location;
        URL url = Thread.currentThread().getContextClassLoader().getResource(resource.endsWith("/") ? resource : resource + "/");
        if (url == null) {
            return List.of();
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                return List.of(jarFileSystem(uri).provider().getPath(uri));
            }
            return List.of(Path.of(uri));
        } catch (URISyntaxException | IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static FileSystem jarFileSystem(URI uri) throws IOException {
        try {
            return FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
            return FileSystems.getFileSystem(uri);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
