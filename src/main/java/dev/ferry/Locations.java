package dev.ferry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a configured file location: {@code classpath:<resource>}, {@code filesystem:<path>} or a plain path. */
public final class Locations {

    private Locations() {
    }

    public static InputStream open(String location) throws IOException {
        if (location.startsWith("classpath:")) {
            InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(location.substring("classpath:".length()));
            if (in == null) {
                throw new IOException(location + " is not on the class path");
            }
            return in;
        }
        return Files.newInputStream(Path.of(location.startsWith("filesystem:") ? location.substring("filesystem:".length()) : location));
    }
}
