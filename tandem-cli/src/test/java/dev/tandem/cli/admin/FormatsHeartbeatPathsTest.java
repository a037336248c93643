package dev.tandem.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.api.AdminClient;
import dev.tandem.api.FailoverAnswers;
import dev.tandem.api.RedundancyAnswers;
import org.junit.jupiter.api.Test;

/** `show redundancy` and `show failover` show each heartbeat path to the peer and whether it works (docs/redundancy.md, Heartbeat paths). */
class FormatsHeartbeatPathsTest {
    private static final String PATHS = """
            [{"local":"10.0.0.1","peer":"10.0.0.2","up":true,"reason":"up","received":40,"duplicates":0,"refusals":0},
             {"local":"10.0.9.1","peer":"10.0.9.2","up":false,"reason":"silent","received":12,"duplicates":12,"refusals":0}]""";

    private static <T> T json(String text, Class<T> type) throws Exception {
        return AdminClient.JSON.readValue(text, type);
    }

    @Test
    void showRedundancyHasALineForThePathsToThePeer() throws Exception {
        var g = json("""
                {"name":"g1","ha":true,"nodes":[{"id":"n1","address":"10.0.0.1","state":"Normal"},
                 {"id":"n2","address":"10.0.0.2","state":"Normal","heartbeatPaths":%s}]}""".formatted(PATHS), RedundancyAnswers.Group.class);
        assertThat(Formats.redundancyGroup(g)).contains("Heartbeat paths to n2: 10.0.0.1 -> 10.0.0.2 up;"
                + " 10.0.9.1 -> 10.0.9.2 DOWN (silent) [1 of 2 up]\n");
    }

    @Test
    void showFailoverHasTheSameLine() throws Exception {
        var f = json("""
                {"node":"n1","peer":"n2","peerAlive":true,"state":"Normal","reason":"Normal","heartbeatPaths":%s,
                 "users":[],"handover":null}""".formatted(PATHS), FailoverAnswers.Failover.class);
        assertThat(Formats.failover(f)).contains("Heartbeat paths: 10.0.0.1 -> 10.0.0.2 up; 10.0.9.1 -> 10.0.9.2 DOWN"
                + " (silent) [1 of 2 up]\n");
    }

    @Test
    void aNodeWithoutPeerShowsNoPaths() throws Exception {
        var g = json("""
                {"name":"g1","ha":false,"nodes":[{"id":"n1","address":"10.0.0.1","state":"Normal"}]}""", RedundancyAnswers.Group.class);
        assertThat(Formats.redundancyGroup(g)).doesNotContain("Heartbeat paths");
    }
}
