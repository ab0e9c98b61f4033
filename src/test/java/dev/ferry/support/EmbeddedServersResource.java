package dev.ferry.support;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.ferry.embedded.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * One embedded MariaDB and one broker per test JVM (or the external ones named by FERRY_DB_HOST and
 * KAFKA_BOOTSTRAP_SERVERS), shared by every test. The test schemas are dropped first so each run
 * starts clean, also on a long-lived external server.
 */
@io.quarkus.test.common.QuarkusTestResource(EmbeddedServersResource.class)
public class EmbeddedServersResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(EmbeddedInfrastructure.startOnce(Path.of("target/ferry-test").toAbsolutePath()));
        TestInfrastructure.remember(config);
        TestInfrastructure.dropTestSchemasOnce();
        config.put("ferry.test.scripts-dir", Path.of("src/test/resources/test-targets").toAbsolutePath().toString());
        config.put("ferry.kratos.admin-url", KratosStub.instance().baseUrl());
        config.put("ferry.alerts.webhook-url", KratosStub.instance().baseUrl());
        config.put("ferry.test.work-dir", Path.of("target/test-work").toAbsolutePath().toString());
        config.put("ferry.test.bench-dir", Path.of("target/bench").toAbsolutePath().toString());
        // The packaged jar (integration and fault tests) has no test resources: it reads the test profile's file from here.
        config.put("quarkus.config.locations", Path.of("target/test-classes/application-test.properties").toAbsolutePath().toUri().toString());
        return config;
    }

    @Override
    public void stop() {
        // The servers stop with the JVM (shutdown hooks), so later test classes reuse them.
    }
}
