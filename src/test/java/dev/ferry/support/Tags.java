package dev.ferry.support;

/**
 * JUnit tags that split the suite: {@code ./mvnw test} runs the plain JUnit tests only (seconds);
 * {@code ./mvnw verify} also runs the tests tagged {@link #QUARKUS}, which boot Ferry on the embedded
 * MariaDB and Kafka.
 */
public final class Tags {

    /** A {@code @QuarkusTest}: Ferry booted on the embedded (or external) servers. */
    public static final String QUARKUS = "quarkus";

    private Tags() {
    }
}
