package dev.ferry.request.rollout;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Twenty targets, fleet-01 to fleet-20, that share one script folder, in the group "fleet". */
public class FleetProfile implements QuarkusTestProfile {

    static final int TARGETS = 20;

    static String target(int i) {
        return String.format("fleet-%02d", i);
    }

    static String schema(int i) {
        return String.format("ferry_test_fleet_%02d", i);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        for (int i = 1; i <= TARGETS; i++) {
            String prefix = "ferry.targets." + target(i) + ".";
            config.put(prefix + "jdbc-url", "jdbc:mariadb://${ferry.db.host}:${ferry.db.port}/" + schema(i) + "?createDatabaseIfNotExist=true");
            config.put(prefix + "username", "${ferry.db.username}");
            config.put(prefix + "password", "${ferry.db.password}");
            config.put(prefix + "locations", "filesystem:${ferry.test.work-dir}/fleet");
            config.put(prefix + "pool-idle-timeout", "0s"); // no pool: a fleet holds connections only while it changes
        }
        config.put("ferry.groups.fleet.targets", "fleet-*");
        config.put("ferry.groups.pair.targets", "fleet-01,fleet-02");
        config.put("ferry.rollouts.drive-every", "0.2s");
        return config;
    }
}
