package dev.ferry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import dev.ferry.backfill.KratosConfig;
import dev.ferry.migration.TargetsConfig;
import dev.ferry.request.RequestsConfig;

/**
 * The committed k8s/ manifests against the application: every config key they set exists, every
 * ${VAR} they use is supplied, ports, probes, volumes and topic names match what Ferry serves and uses.
 */
class KubernetesManifestsTest {

    private static final List<Map<String, Object>> DOCS = new ArrayList<>();
    private static final Properties APP = new Properties();

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object doc : new Yaml().loadAll(Files.readString(file))) {
                    if (doc != null) {
                        DOCS.add((Map<String, Object>) doc);
                    }
                }
            }
        }
        APP.load(new StringReader(Files.readString(Path.of("src/main/resources/application.properties"))));
    }

    @Test
    void everyKindADeploymentNeedsIsThere() {
        assertThat(DOCS.stream().map(d -> (String) d.get("kind"))).contains("Deployment", "Service", "ConfigMap", "Secret",
                "PodDisruptionBudget", "NetworkPolicy", "KafkaTopic", "KafkaUser", "Job");
    }

    @Test
    void deploymentPortsProbesAndSecurityMatchTheApplication() {
        Map<String, Object> deployment = one("Deployment", "ferry");
        Map<String, Object> pod = map(map(map(deployment, "spec"), "template"), "spec");
        Map<String, Object> container = list(pod, "containers").get(0);
        assertThat(map(deployment, "spec").get("replicas")).isEqualTo(2);
        Map<String, Object> port = list(container, "ports").get(0);
        assertThat(port).containsEntry("containerPort", 8080).containsEntry("name", "http");
        assertThat(map(map(container, "readinessProbe"), "httpGet")).containsEntry("path", "/q/health/ready").containsEntry("port", "http");
        assertThat(map(map(container, "livenessProbe"), "httpGet")).containsEntry("path", "/q/health/live").containsEntry("port", "http");
        assertThat(map(map(one("Service", "ferry"), "spec"), "selector")).isEqualTo(map(map(map(deployment, "spec"), "selector"), "matchLabels"));
        assertThat(list(map(one("Service", "ferry"), "spec"), "ports").get(0)).containsEntry("targetPort", "http");
        Map<String, Object> security = map(container, "securityContext");
        assertThat(security).containsEntry("readOnlyRootFilesystem", true).containsEntry("allowPrivilegeEscalation", false);
        assertThat(map(security, "capabilities").get("drop")).isEqualTo(List.of("ALL"));
        assertThat(map(pod, "securityContext")).containsEntry("runAsNonRoot", true);
        Set<String> volumes = new HashSet<>(list(pod, "volumes").stream().map(v -> (String) v.get("name")).toList());
        list(container, "volumeMounts").forEach(m -> assertThat(volumes).contains((String) m.get("name")));
        assertThat(list(container, "volumeMounts").stream().map(m -> m.get("mountPath")))
                .contains("/deployments/config", "/deployments/jwt");
        assertThat(APP.getProperty("%prod.mp.jwt.verify.publickey.location")).contains("/deployments/jwt/public.pem");
        assertThat(map(map(one("PodDisruptionBudget", "ferry"), "spec"), "selector"))
                .isEqualTo(map(map(deployment, "spec"), "selector"));
    }

    @Test
    void everyConfigKeyInTheConfigMapIsOneFerryReads() throws IOException {
        Properties config = new Properties();
        config.load(new StringReader((String) map(one("ConfigMap", "ferry-config"), "data").get("application.properties")));
        List<String> unknown = new ArrayList<>();
        for (String key : config.stringPropertyNames()) {
            if (!known(key)) {
                unknown.add(key);
            }
        }
        assertThat(unknown).as("keys no @ConfigMapping or application.properties declares").isEmpty();
    }

    @Test
    void everyVariableTheConfigUsesIsSuppliedToThePod() {
        Set<String> supplied = new HashSet<>();
        Map<String, Object> container = list(map(map(map(one("Deployment", "ferry"), "spec"), "template"), "spec"), "containers").get(0);
        list(container, "env").forEach(e -> supplied.add((String) e.get("name")));
        for (Map<String, Object> from : list(container, "envFrom")) {
            String secret = (String) map(from, "secretRef").get("name");
            supplied.addAll(map(one("Secret", secret), "stringData").keySet());
        }
        String configMap = (String) map(one("ConfigMap", "ferry-config"), "data").get("application.properties");
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)}").matcher(configMap);
        while (m.find()) {
            assertThat(supplied).as("variable %s", m.group(1)).contains(m.group(1));
        }
        for (String variable : supplied) {
            assertThat(variable.startsWith("FERRY_") || configMap.contains("${" + variable + "}"))
                    .as("%s is read by Ferry", variable).isTrue();
            if (variable.startsWith("FERRY_") && !configMap.contains("${" + variable + "}")) {
                assertThat(known(variable.toLowerCase().replace('_', '.')) || APP.toString().contains("${" + variable))
                        .as("%s maps to a Ferry key", variable).isTrue();
            }
        }
    }

    @Test
    void topicsAreTheOnesFerryUses() throws IOException {
        Set<String> used = topics(APP);
        assertThat(used).hasSize(5);
        Properties deployed = new Properties();
        deployed.load(new StringReader((String) map(one("ConfigMap", "ferry-config"), "data").get("application.properties")));
        assertThat(topics(deployed)).as("the ConfigMap's topics").isEqualTo(used);
        Set<String> declared = new HashSet<>();
        DOCS.stream().filter(d -> "KafkaTopic".equals(d.get("kind"))).forEach(d -> declared.add((String) map(d, "metadata").get("name")));
        assertThat(declared).isEqualTo(used);
        APP.stringPropertyNames().stream().filter(k -> k.startsWith("mp.messaging.") && k.endsWith(".topic"))
                .forEach(k -> assertThat(APP.getProperty(k)).as(k).startsWith("${ferry.topics."));
    }

    private static Set<String> topics(Properties config) {
        Set<String> topics = new HashSet<>();
        config.stringPropertyNames().stream().filter(k -> k.startsWith("ferry.topics.")).forEach(k -> topics.add(config.getProperty(k)));
        return topics;
    }

    @Test
    void thePipelineJobTalksToTheServiceAndFailsOnFailure() {
        Map<String, Object> container = list(map(map(map(one("Job", "ferry-migrate-alkemio"), "spec"), "template"), "spec"), "containers")
                .get(0);
        String script = String.join("\n", ((List<?>) container.get("args")).stream().map(Object::toString).toList());
        assertThat(list(container, "env").stream().filter(e -> e.get("name").equals("FERRY_URL")).findFirst().orElseThrow().get("value"))
                .isEqualTo("http://" + map(one("Service", "ferry"), "metadata").get("name"));
        // ferry-cli's exit code is the step's: no JSON scraped, no token on the command line (PipelineJobIT runs the script).
        assertThat(script).contains("ferry-cli submit").contains("--request-id").doesNotContain("sed ").doesNotContain("--token ")
                .doesNotContain("FERRY_TOKEN");
        assertThat(map(map(one("Job", "ferry-migrate-alkemio"), "spec"), "template")).isNotNull();
        String networkPolicy = new Yaml().dump(one("NetworkPolicy", "ferry"));
        assertThat(networkPolicy).contains("port: 8080");
    }

    @Test
    @SuppressWarnings("unchecked")
    void onlyThePipelineAndFerryMayWriteRequestsAndFerryConnectsWithItsOwnCredentials() throws IOException {
        Set<String> writers = new HashSet<>();
        for (Map<String, Object> user : DOCS.stream().filter(d -> "KafkaUser".equals(d.get("kind"))).toList()) {
            assertThat(map(map(user, "spec"), "authentication")).containsEntry("type", "scram-sha-512");
            for (Map<String, Object> acl : list(map(map(user, "spec"), "authorization"), "acls")) {
                if ("migration-requests".equals(map(acl, "resource").get("name")) && ((List<String>) acl.get("operations")).contains("Write")) {
                    writers.add((String) map(user, "metadata").get("name"));
                }
            }
        }
        assertThat(writers).containsExactlyInAnyOrder("ferry", "ferry-pipeline");
        Map<String, Object> requests = one("KafkaTopic", "migration-requests");
        assertThat(map(map(requests, "spec"), "config")).containsEntry("message.timestamp.type", "LogAppendTime");

        Map<String, Object> container = list(map(map(map(one("Deployment", "ferry"), "spec"), "template"), "spec"), "containers").get(0);
        Map<String, Object> env = new java.util.HashMap<>();
        list(container, "env").forEach(e -> env.put((String) e.get("name"), e.get("value") != null ? e.get("value") : e.get("valueFrom")));
        assertThat(env).containsEntry("FERRY_KAFKA_SECURITY_PROTOCOL", "SASL_SSL").containsEntry("FERRY_KAFKA_USERNAME", "ferry");
        assertThat(map((Map<String, Object>) env.get("FERRY_KAFKA_PASSWORD"), "secretKeyRef")).containsEntry("name", "ferry");
        assertThat(APP.getProperty("%prod.kafka.sasl.jaas.config")).contains("${FERRY_KAFKA_USERNAME").contains("${FERRY_KAFKA_PASSWORD");
        assertThat(APP.getProperty("%prod.kafka.security.protocol")).contains("${FERRY_KAFKA_SECURITY_PROTOCOL");
        Properties deployed = configMap();
        assertThat(deployed.getProperty("mp.jwt.verify.audiences")).isNotBlank();
        assertThat(APP.getProperty("%prod.mp.jwt.verify.audiences")).contains("${FERRY_JWT_AUDIENCE");
        assertThat(deployed.getProperty("kafka.bootstrap.servers")).endsWith(":9093");
        assertThat(APP.getProperty("ferry.identity.record-tokens")).contains(":true}");
    }

    @Test
    void theNetworkPolicyNamesEveryPeerAndNoOtherPodMayCallFerry() {
        Map<String, Object> spec = map(one("NetworkPolicy", "ferry"), "spec");
        for (Map<String, Object> rule : list(spec, "egress")) {
            assertThat(list(rule, "to")).as("egress rule %s names its destinations", rule).isNotEmpty();
            list(rule, "to").forEach(peer -> assertThat(peer).containsKeys("namespaceSelector", "podSelector"));
        }
        Set<Object> egressPorts = new HashSet<>();
        list(spec, "egress").forEach(rule -> list(rule, "ports").forEach(p -> egressPorts.add(p.get("port"))));
        assertThat(egressPorts).contains(53, 3306, 9093, 4434).doesNotContain(9092);
        for (Map<String, Object> rule : list(spec, "ingress")) {
            for (Map<String, Object> peer : list(rule, "from")) {
                Map<String, Object> pods = map(peer, "podSelector");
                assertThat(pods).as("an ingress peer selects pods by label, not every pod: %s", peer).isNotNull();
                assertThat(map(pods, "matchLabels")).isNotEmpty();
            }
        }
    }

    @Test
    void validationArtifactsHaveAVolumeOfTheirOwnAndARetention() throws IOException {
        Properties deployed = configMap();
        String dir = deployed.getProperty("ferry.validation.artifacts-dir");
        assertThat(dir).doesNotStartWith("/tmp");
        assertThat(deployed.getProperty("ferry.validation.artifacts-retention")).isNotBlank();
        Map<String, Object> pod = map(map(map(one("Deployment", "ferry"), "spec"), "template"), "spec");
        Map<String, Object> mount = list(list(pod, "containers").get(0), "volumeMounts").stream()
                .filter(m -> dir.equals(m.get("mountPath"))).findFirst().orElseThrow(() -> new AssertionError("no volume at " + dir));
        Map<String, Object> volume = list(pod, "volumes").stream().filter(v -> mount.get("name").equals(v.get("name"))).findFirst()
                .orElseThrow();
        assertThat(map(volume, "emptyDir")).containsKey("sizeLimit");
    }

    private static Properties configMap() throws IOException {
        Properties deployed = new Properties();
        deployed.load(new StringReader((String) map(one("ConfigMap", "ferry-config"), "data").get("application.properties")));
        return deployed;
    }

    @Test
    void alertRulesUseMetricsFerryPublishes() throws IOException {
        String code;
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            StringBuilder all = new StringBuilder();
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                all.append(Files.readString(source));
            }
            code = all.toString();
        }
        String rules = new Yaml().dump(one("PrometheusRule", "ferry"));
        Matcher m = Pattern.compile("ferry_[a-z_]+").matcher(rules);
        int checked = 0;
        while (m.find()) {
            String meter = m.group().replaceAll("_(total|seconds|bucket|count|sum)$", "").replace('_', '.');
            assertThat(code).as("meter %s behind %s", meter, m.group()).contains("\"" + meter + "\"");
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(4);
    }

    /** A key Ferry reads: a method of its config mappings, or a key of application.properties. */
    private static boolean known(String key) {
        Matcher target = Pattern.compile("ferry\\.targets\\.[^.]+\\.(.+)").matcher(key);
        if (target.matches()) {
            String property = target.group(1);
            return property.startsWith("lint.") || property.startsWith("validation.") && hasProperty(TargetsConfig.Validation.class,
                    property.substring("validation.".length())) || property.startsWith("approval.") && hasProperty(TargetsConfig.Approval.class,
                    property.substring("approval.".length())) || hasProperty(TargetsConfig.Target.class, property);
        }
        if (key.startsWith("ferry.kratos.")) {
            return hasProperty(KratosConfig.class, key.substring("ferry.kratos.".length()));
        }
        if (key.startsWith("ferry.identity.")) {
            return hasProperty(dev.ferry.identity.IdentityConfig.class, key.substring("ferry.identity.".length()));
        }
        if (key.startsWith("ferry.validation.")) {
            return hasProperty(dev.ferry.validation.ValidationConfig.class, key.substring("ferry.validation.".length()));
        }
        if (key.startsWith("ferry.requests.")) {
            return hasProperty(RequestsConfig.class, key.substring("ferry.requests.".length()));
        }
        return APP.stringPropertyNames().stream().anyMatch(k -> k.equals(key) || k.matches("%[a-z,]+\\." + Pattern.quote(key)));
    }

    private static boolean hasProperty(Class<?> mapping, String kebab) {
        for (Method method : mapping.getMethods()) {
            if (method.getName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase().equals(kebab)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Object> one(String kind, String name) {
        return DOCS.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(map(d, "metadata").get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in k8s/"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        return (List<Map<String, Object>>) parent.get(key);
    }
}
