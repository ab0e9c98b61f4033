package dev.ferry.embedded;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jboss.logging.Logger;

/**
 * Starts the embedded MariaDB and Kafka broker once per JVM and describes them as configuration.
 *
 * <p>Dev-mode live reload loads this class again in a new class loader, so the started servers are
 * remembered in system properties (JVM-wide) rather than in static fields. A database or broker given
 * through the environment ({@code FERRY_DB_HOST}, {@code KAFKA_BOOTSTRAP_SERVERS}) is used instead.
 */
public final class EmbeddedInfrastructure {

    private static final Logger LOG = Logger.getLogger(EmbeddedInfrastructure.class);
    private static final String MARIADB_PORT = "ferry-embedded.mariadb-port";
    private static final String KAFKA_BOOTSTRAP = "ferry-embedded.kafka-bootstrap";
    private static final String TOKENS_PRINTED = "ferry-embedded.tokens-printed";

    private EmbeddedInfrastructure() {
    }

    /**
     * Returns the configuration that points Ferry at the servers, starting them first if needed.
     *
     * @param home folder holding the servers' data, e.g. {@code target/ferry-dev}
     */
    public static Map<String, String> startOnce(Path home) {
        // System properties are one Hashtable per JVM: a lock every class loader shares.
        synchronized (System.getProperties()) {
            Map<String, String> config = new LinkedHashMap<>();
            String externalHost = System.getenv("FERRY_DB_HOST");
            if (isBlank(externalHost)) {
                String port = System.getProperty(MARIADB_PORT);
                if (port == null) {
                    port = String.valueOf(start("MariaDB", () -> EmbeddedMariaDb.start(home)));
                    System.setProperty(MARIADB_PORT, port);
                }
                config.put("ferry.db.host", "127.0.0.1");
                config.put("ferry.db.port", port);
                config.put("ferry.db.username", "root");
                config.put("ferry.db.password", "");
            } else {
                config.put("ferry.db.host", externalHost);
                config.put("ferry.db.port", envOr("FERRY_DB_PORT", "3306"));
                config.put("ferry.db.username", envOr("FERRY_DB_USER", "root"));
                config.put("ferry.db.password", envOr("FERRY_DB_PASSWORD", ""));
            }
            String bootstrap = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
            if (isBlank(bootstrap)) {
                bootstrap = System.getProperty(KAFKA_BOOTSTRAP);
                if (bootstrap == null) {
                    bootstrap = start("Kafka", () -> EmbeddedKafka.start(home));
                    Topics.create(bootstrap);
                    System.setProperty(KAFKA_BOOTSTRAP, bootstrap);
                }
                config.put("kafka.bootstrap.servers", bootstrap);
            } else {
                Topics.create(bootstrap);
            }
            DevTokens tokens = DevTokens.in(home);
            config.put("mp.jwt.verify.publickey", tokens.publicKey());
            config.put("mp.jwt.verify.issuer", DevTokens.ISSUER);
            config.put("mp.jwt.verify.audiences", DevTokens.AUDIENCE);
            if (System.getProperty(TOKENS_PRINTED) == null) {
                System.setProperty(TOKENS_PRINTED, "true");
                printTokens(home, tokens);
            }
            return config;
        }
    }

    private static <T> T start(String what, Starter<T> starter) {
        long began = System.nanoTime();
        try {
            T started = starter.start();
            LOG.infof("Embedded %s started in %d ms", what, (System.nanoTime() - began) / 1_000_000);
            return started;
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the embedded " + what + ": " + e.getMessage(), e);
        }
    }

    /** Bearer tokens for trying the API, valid 30 days, also written to tokens.env beside the data. */
    private static void printTokens(Path home, DevTokens tokens) {
        String operator = tokens.token("dev-operator", java.util.List.of("operator", "viewer"), java.time.Duration.ofDays(30));
        String viewer = tokens.token("dev-viewer", java.util.List.of("viewer"), java.time.Duration.ofDays(30));
        // A second person, to approve what dev-operator asked for on a target with an approval policy.
        String approver = tokens.token("dev-approver", java.util.List.of("approver", "viewer"), java.time.Duration.ofDays(30));
        // The console signs in from the link's fragment, which the browser never sends to a server.
        String console = "http://localhost:" + System.getProperty("quarkus.http.port", envOr("QUARKUS_HTTP_PORT", "8080")) + "/console/#token=";
        try {
            java.nio.file.Files.writeString(home.resolve("tokens.env"), "OPERATOR_TOKEN=" + operator + "\nVIEWER_TOKEN=" + viewer
                    + "\nAPPROVER_TOKEN=" + approver + "\nCONSOLE_URL=" + console + operator + "\nVIEWER_CONSOLE_URL=" + console + viewer
                    + "\nAPPROVER_CONSOLE_URL=" + console + approver + "\n");
        } catch (java.io.IOException e) {
            LOG.warnf("Could not write %s: %s", home.resolve("tokens.env"), e.getMessage());
        }
        LOG.infof("Dev tokens (also in %s): source it, then curl -H \"Authorization: Bearer $OPERATOR_TOKEN\" ...",
                home.resolve("tokens.env"));
        LOG.infof("Console, signed in as dev-operator: %s%s", console, operator);
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return isBlank(value) ? fallback : value;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    @FunctionalInterface
    private interface Starter<T> {
        T start() throws Exception;
    }
}
