package dev.tandem.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.api.AdminClient;
import dev.tandem.api.FailoverAnswers;
import org.junit.jupiter.api.Test;

/** {@code show failover} (docs/cli.md) from the admin API's answer: every part of the pair's failover picture. */
class FormatsFailoverTest {

    @Test
    void aPairAfterATakeOverShowsWhoIsActiveTheLinkAndWhatWasKept() throws Exception {
        var f = AdminClient.JSON.readValue("""
                {"node":"n2","peer":"n1","peerAlive":false,"state":"Running in Backup Mode","reason":"Peer Down",
                 "loadBalancing":"Active",
                 "users":[{"usersOf":"n1","activeOn":"n2","thisNode":"active"},
                          {"usersOf":"n2","activeOn":"n2","thisNode":"active"}],
                 "handover":"keep","standbyReady":false,
                 "lastFailover":{"at":"2026-12-04T10:00:00Z","from":["own"],"to":["own","peer"],
                                 "state":"Running in Backup Mode","reason":"Peer Down"},
                 "replication":{"handover":"keep","peerConnected":false,"standbyReady":false,"sessionsReplicated":120,
                   "batchesSent":40,"errors":1,"snapshots":2,"lastSnapshotMillis":12,"lagMillis":0,"queued":0,
                   "copiesComplete":false,"copies":0,"peerSessions":0,"batchesReceived":33,"framesRejected":0,
                   "lastHandover":{"at":"2026-12-04T10:00:00.4Z","side":"PEER","kept":57,"lost":0,"standbyComplete":true}},
                 "capacity":{"own":80,"peer":57,"max":100,"enough":false}}
                """, FailoverAnswers.Failover.class);
        String text = Formats.failover(f);
        assertThat(text).startsWith("Failover On\nThis node: n2, Running in Backup Mode / Peer Down\nPeer: n1, not heard\n");
        assertThat(text).containsPattern("n1\\s+n2\\s+Active");
        assertThat(text).contains("Load-balancing member: Active\n");
        assertThat(text).contains("Last failover: 2026-12-04T10:00:00Z, serving own -> own+peer (Running in Backup Mode / Peer Down)\n");
        assertThat(text).contains("Session handover: keep\nStandby Ready: no\nStateful failover link: down\n");
        assertThat(text).contains("  Sessions replicated: 120, batches: 40, snapshots: 2 (last 12 ms)\n");
        assertThat(text).contains("  Lag: 0 ms, queued: 0, errors: 1\n");
        assertThat(text).contains("  Standby copies of n1's sessions: 0 of 0 (incomplete), frames rejected: 0\n");
        assertThat(text).contains("  Last take-over: 2026-12-04T10:00:00.4Z, peer's users, 57 session(s) kept, 0 lost\n");
        assertThat(text).contains("Capacity: 80 own + 57 of n1 > 100 licences: WARNING, a take-over would refuse 37 session(s)\n");
    }

    @Test
    void aLoneNodeWithoutSessionsSaysSo() throws Exception {
        var f = AdminClient.JSON.readValue("""
                {"node":"solo","peer":null,"peerAlive":false,"state":"Normal","reason":"Normal","loadBalancing":null,
                 "users":[{"usersOf":"solo","activeOn":"solo","thisNode":"active"}],"handover":null,
                 "standbyReady":null,"lastFailover":null,"replication":null}""", FailoverAnswers.Failover.class);
        String text = Formats.failover(f);
        assertThat(text).startsWith("Failover Off (no peer)\nThis node: solo, Normal / Normal\n");
        assertThat(text).doesNotContain("Peer:").doesNotContain("Load-balancing member");
        assertThat(text).contains("Last failover: none since start\nSession handover: no session service\n");
    }

    @Test
    void theWitnessLineSaysWhoHoldsTheLeaseAndTheRiskWhileItCannotBeReached() throws Exception {
        // docs/redundancy.md, Witness.
        var holder = AdminClient.JSON.readValue("""
                {"node":"n2","peer":"n1","peerAlive":false,"state":"Running in Backup Mode","reason":"Peer Down",
                 "users":[],"witness":{"reachable":true,"holder":"n2","held":true,"heldUntil":"2026-12-08T01:00:00Z",
                 "fence":3,"risk":null}}""", FailoverAnswers.Failover.class);
        assertThat(Formats.failover(holder))
                .contains("Witness: reachable, lease held by this node until 2026-12-08T01:00:00Z (fence 3)\n");
        var cut = AdminClient.JSON.readValue("""
                {"node":"n1","peer":"n2","peerAlive":true,"state":"Normal","reason":"Normal","users":[],
                 "witness":{"reachable":false,"holder":null,"held":false,"heldUntil":null,"fence":0,
                 "risk":"the witness cannot be reached: should the peer go silent, neither node could serve its users"}}""",
                FailoverAnswers.Failover.class);
        assertThat(Formats.failover(cut)).contains("Witness: UNREACHABLE; the witness cannot be reached: should the peer"
                + " go silent, neither node could serve its users\n");
        var manual = AdminClient.JSON.readValue("""
                {"node":"n1","peer":"n2","peerAlive":true,"state":"Normal","reason":"Normal","users":[],"witness":null}""",
                FailoverAnswers.Failover.class);
        assertThat(Formats.failover(manual)).doesNotContain("Witness");
    }

    @Test
    void withReloginThereIsNoLink() throws Exception {
        var f = AdminClient.JSON.readValue("""
                {"node":"n1","peer":"n2","peerAlive":true,"state":"Normal","reason":"Normal",
                 "users":[],"handover":"relogin","standbyReady":null,"lastFailover":null,"replication":null}""", FailoverAnswers.Failover.class);
        assertThat(Formats.failover(f)).endsWith("Session handover: relogin\n").doesNotContain("Standby Ready");
    }
}
