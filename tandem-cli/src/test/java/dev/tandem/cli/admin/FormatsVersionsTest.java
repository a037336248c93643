package dev.tandem.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.api.AdminClient;
import dev.tandem.api.FailoverAnswers;
import dev.tandem.api.RedundancyAnswers;
import org.junit.jupiter.api.Test;

/** `show redundancy` and `show failover` name what each node runs, and why a pair is Unknown (docs/redundancy.md, Versions). */
class FormatsVersionsTest {
    private static final String DETAIL = "incompatible redundancy protocol: n2 runs protocol 4, software 9.0.0,"
            + " n1 runs protocol 2, software 1.3.0; protocols interoperate when they differ by at most 1";

    private static <T> T json(String text, Class<T> type) throws Exception {
        return AdminClient.JSON.readValue(text, type);
    }

    @Test
    void showRedundancyNamesBothVersionsAndTheDetail() throws Exception {
        var g = json("""
                {"name":"g1","ha":true,"nodes":[
                 {"id":"n1","address":"10.0.0.1","state":"Unknown","reason":"Unknown","protocol":2,"software":"1.3.0",
                  "detail":"%s"},
                 {"id":"n2","address":"10.0.0.2","state":"Unknown","reason":"Unknown","protocol":4,"software":"9.0.0",
                  "compatible":false}]}""".formatted(DETAIL), RedundancyAnswers.Group.class);
        assertThat(Formats.redundancyGroup(g))
                .contains("Versions: n1 protocol 2, software 1.3.0; n2 protocol 4, software 9.0.0\n")
                .contains("Detail: " + DETAIL + "\n");
    }

    @Test
    void aPeerOfThePreviousBuildSendsNoSoftwareAndAPeerNotHeardShowsNoVersions() throws Exception {
        var g = json("""
                {"name":"g1","ha":true,"nodes":[
                 {"id":"n1","address":"10.0.0.1","state":"Normal","protocol":2,"software":"1.3.0","detail":null},
                 {"id":"n2","address":"10.0.0.2","state":"Normal","protocol":1,"software":""}]}""", RedundancyAnswers.Group.class);
        assertThat(Formats.redundancyGroup(g)).contains("n2 protocol 1, software not sent").doesNotContain("Detail");
        var unheard = json("""
                {"name":"g1","ha":true,"nodes":[{"id":"n1","address":"10.0.0.1","protocol":2,"software":"1.3.0"},
                 {"id":"n2","address":"10.0.0.2","protocol":null,"software":null}]}""", RedundancyAnswers.Group.class);
        assertThat(Formats.redundancyGroup(unheard)).contains("Versions: n1 protocol 2, software 1.3.0\n");
    }

    @Test
    void showFailoverMarksAnIncompatiblePeer() throws Exception {
        var f = json("""
                {"node":"n1","peer":"n2","peerAlive":true,"state":"Unknown","reason":"Unknown","detail":"%s",
                 "versions":{"node":{"protocol":2,"software":"1.3.0"},
                             "peer":{"protocol":4,"software":"9.0.0","compatible":false}},
                 "users":[],"handover":null}""".formatted(DETAIL), FailoverAnswers.Failover.class);
        assertThat(Formats.failover(f)).contains("Detail: " + DETAIL + "\n")
                .contains("Versions: this node protocol 2, software 1.3.0; peer protocol 4, software 9.0.0 (INCOMPATIBLE)\n");
    }
}
