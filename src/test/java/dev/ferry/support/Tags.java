package dev.ferry.support;

/**
 * JUnit tags that split the suite: {@code ./mvnw test} runs the plain JUnit tests only (seconds);
 * {@code ./mvnw verify} also runs the tests tagged {@link #QUARKUS}, which boot Ferry on the embedded
 * MariaDB and Kafka.
 */
public final class Tags {

    /** A {@code @QuarkusTest}: Ferry booted on the embedded (or external) servers. */
    public static final String QUARKUS = "quarkus";

    /**
     * A test of the console in a real browser: what it checks does not depend on the database server,
     * so CI's second pass (the machine's MariaDB server) leaves it out.
     */
    public static final String BROWSER = "browser";

    private Tags() {
    }
}
