package dev.ferry.embedded;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Dev mode only: starts the embedded MariaDB and Kafka broker and hands their addresses to Ferry.
 *
 * <p>SmallRye also calls this factory during the build, in tests and in production; it does nothing
 * there. The servers' classes are reached through reflection so that a production or native build
 * never links against them (they are provided-scope dependencies, absent from the packaged app).
 */
public class EmbeddedConfigSourceFactory implements ConfigSourceFactory {

    /** Below application.properties (250), so explicit configuration always wins. */
    private static final int ORDINAL = 150;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (LaunchMode.current() != LaunchMode.DEVELOPMENT || calledFromBuild() || disabled(context)) {
            return List.of();
        }
        ConfigValue home = context.getValue("ferry.embedded.home");
        Path folder = Path.of(home != null && home.getValue() != null ? home.getValue() : "target/ferry-dev");
        return List.of(new PropertiesConfigSource(startServers(folder.toAbsolutePath()), "ferry-embedded", ORDINAL));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> startServers(Path folder) {
        try {
            return (Map<String, String>) Class.forName("dev.ferry.embedded.EmbeddedInfrastructure")
                    .getMethod("startOnce", Path.class)
                    .invoke(null, folder);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("The embedded servers are not on the class path", e);
        }
    }

    private static boolean calledFromBuild() {
        return Arrays.stream(Thread.currentThread().getStackTrace())
                .anyMatch(frame -> frame.getClassName().startsWith("io.quarkus.deployment."));
    }

    private static boolean disabled(ConfigSourceContext context) {
        ConfigValue enabled = context.getValue("ferry.embedded.enabled");
        return enabled != null && "false".equalsIgnoreCase(enabled.getValue());
    }
}
