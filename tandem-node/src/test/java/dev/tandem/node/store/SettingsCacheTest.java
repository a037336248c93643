package dev.tandem.node.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.NodeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's local copy of the store (docs/architecture.md: each node caches the last version on local disk). */
class SettingsCacheTest {
    @TempDir
    Path dir;

    @Test
    void settingsAndUsersComeBackAsWritten() {
        SettingsCache cache = new SettingsCache(dir);
        ClusterSettings s = ClusterSettings.empty().withEpoch(7).withSeeded(true)
                .withGroup(StoreContractTest.pair("g1", "n1", "n2")).withParameters(Map.of("keepAliveInterval", "5s",
                        "keepAliveTimeout", "20s"))
                .withLoadBalancing(new ClusterSettings.LbGroup("192.0.2.10", 9023, true, "abcd", "distributed", 443),
                        List.of(new ClusterSettings.Device("n1", 3, "192.0.2.11", "10.0.0.1", List.of("203.0.113.1"), true, false, null)))
                .withDeviceConfig("n1", "interface GigabitEthernet0/1\n nameif outside\n ip address 192.0.2.11 255.255.255.0\n");
        cache.settings(s);
        assertThat(new SettingsCache(dir).settings()).contains(s);

        UserDirectory d = new UserDirectory(() -> null);
        d.apply(7, List.of(new User("a", "g1", "n1"), new User("b", "g1", "n2")), List.of());
        cache.users(7, d);
        SettingsCache.Users back = new SettingsCache(dir).users().orElseThrow();
        assertThat(back.epoch()).isEqualTo(7);
        assertThat(back.users()).containsExactlyInAnyOrder(new User("a", "g1", "n1"), new User("b", "g1", "n2"));
        assertThat(Files.exists(dir.resolve("store-settings.json.tmp"))).isFalse();
    }

    @Test
    void aDamagedCacheIsIgnoredNotFatal() throws Exception {
        Files.writeString(dir.resolve("store-settings.json"), "{ half a docu");
        Files.writeString(dir.resolve("store-users.csv"), "no epoch line\n");
        assertThat(new SettingsCache(dir).settings()).isEmpty();
        assertThat(new SettingsCache(dir).users()).isEmpty();
    }

    @Test
    void theDirectoryServesAFailedOverNodesUsersFromItsPeer() {
        UserDirectory d = new UserDirectory(() -> null);
        d.groups(List.of(StoreContractTest.pair("g1", "n1", "n2")));
        d.apply(3, List.of(new User("a", "g1", "n1")), List.of());
        assertThat(d.servingNode("a")).contains(NodeId.of("n1"));
        // [RG-T1]: a failed-over node serves nobody; its peer in backup mode serves its users.
        d.reported(Map.of(NodeId.of("n1"), dev.tandem.core.rm.NodeState.FAILED_OVER));
        assertThat(d.servingNode("a")).contains(NodeId.of("n2"));
        d.reported(Map.of(NodeId.of("n2"), dev.tandem.core.rm.NodeState.RUNNING_IN_BACKUP_MODE));
        assertThat(d.servingNode("a")).contains(NodeId.of("n2"));
        d.reported(Map.of());
        assertThat(d.servingNode("a")).contains(NodeId.of("n1"));
        d.apply(4, List.of(), List.of("a"));
        assertThat(d.servingNode("a")).isEmpty();
        assertThat(d.epoch()).isEqualTo(4);
    }
}
