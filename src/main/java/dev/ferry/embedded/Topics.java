package dev.ferry.embedded;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates Ferry's five topics on a dev or test broker; production uses the Strimzi KafkaTopic resources in k8s/. */
public final class Topics {

    public static final String REQUESTS = "migration-requests";
    public static final String RESULTS = "migration-results";
    public static final String ALERTS = "migration-alerts";
    public static final String DEAD_LETTERS = "migration-requests-dlq";
    public static final String APPROVALS = "migration-approvals";

    private static final int PARTITIONS = 4;

    private Topics() {
    }

    public static void create(String bootstrapServers) {
        create(bootstrapServers, "");
    }

    /** The five topics with a name prefix, for tests that run Ferry processes apart from the others. */
    public static void create(String bootstrapServers, String prefix) {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        try (Admin admin = Admin.create(config)) {
            for (String topic : List.of(REQUESTS, RESULTS, ALERTS, DEAD_LETTERS, APPROVALS).stream().map(t -> prefix + t).toList()) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Could not create topic " + topic, e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("The broker at " + bootstrapServers + " did not answer", e);
        }
    }
}
