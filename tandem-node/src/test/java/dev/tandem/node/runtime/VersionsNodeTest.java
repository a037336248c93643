package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.core.Effect;
import dev.tandem.core.rm.AdminAction;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.Reason;
import dev.tandem.core.rm.RecoveryManager;
import dev.tandem.core.rm.RmMessage;
import dev.tandem.core.rm.Serving;
import dev.tandem.core.rm.Versions;
import dev.tandem.node.config.ConfigLoader;
import dev.tandem.node.wire.Malformed;
import dev.tandem.node.wire.RmCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/redundancy.md, Versions, on real nodes: two nodes in this JVM on 127.0.41.1 and 127.0.41.2, fast timers. A pair
 * with one node on the previous build (its messages as that build wrote and read them) works as any pair; a
 * peer of a protocol two apart is Unknown on both nodes, named with both versions, and nobody takes anyone's users.
 */
class VersionsNodeTest {
    private static final String A = "127.0.41.1";
    private static final String B = "127.0.41.2";

    private static final Versions PREVIOUS_BUILD = new Versions(Versions.PROTOCOL - 1, "1.9.0");
    /**
     * The previous build's wire (protocol 3): its heartbeats end after whom the sender serves (this codec writes a
     * heartbeat of protocol 3 so), and it reads nothing of which incarnation a newer peer heard (dropped here after
     * reading).
     */
    private static final RmWire PREVIOUS = new RmWire() {
        @Override public byte[] encode(RmMessage m, Versions peer) { return RmCodec.encode(m, peer); }
        @Override public RmMessage decode(byte[] payload) throws Malformed {
            RmMessage m = RmCodec.decode(payload);
            return m instanceof RmMessage.Heartbeat h
                    ? new RmMessage.Heartbeat(h.from(), h.group(), h.fingerprint(), h.incarnation(), h.seq(), h.state(),
                            h.reason(), h.resuming(), h.healthy(), h.handoffReady(), h.recoveryEpoch(), h.versions(),
                            h.serving())
                    : m;
        }
    };

    @TempDir
    Path dir;

    private TandemNode n1;
    private TandemNode n2;

    @AfterEach
    void stop() {
        if (n1 != null) n1.close();
        if (n2 != null) n2.close();
    }

    @Test
    void aRollingUpgradeWithThePeerOnThePreviousBuildFailsOverAndBackAsUsual() throws Exception {
        int service = LostStateFileTest.freeUdp(A, B);
        n1 = create("n1", A, service);
        n2 = create("n2", B, service);
        n2.speak(PREVIOUS, PREVIOUS_BUILD);
        n1.start();
        n2.start();
        awaitStates(NodeState.NORMAL, NodeState.NORMAL);
        assertThat(n1.snapshot().peer().versions()).isEqualTo(PREVIOUS_BUILD);
        assertThat(n1.snapshot().peer().heard()).as("protocol 3 does not say which incarnation it heard").isNull();
        assertThat(n1.snapshot().versions()).isEqualTo(Versions.current(BuildVersion.get()));

        Effect.AdminResult r = n2.admin(AdminAction.FAILOVER).get(5, TimeUnit.SECONDS);
        assertThat(r.accepted()).as(r.message()).isTrue();
        awaitStates(NodeState.RUNNING_IN_BACKUP_MODE, NodeState.IDLE);
        r = n2.admin(AdminAction.FALLBACK).get(5, TimeUnit.SECONDS);
        assertThat(r.accepted()).as(r.message()).isTrue();
        awaitStates(NodeState.NORMAL, NodeState.NORMAL);
        // Neither build dropped anything of the other's: the previous one reads every heartbeat the new one sends.
        assertThat(malformed(n1)).isZero();
        assertThat(malformed(n2)).isZero();
    }

    @Test
    void aPeerOfAnIncompatibleProtocolIsUnknownNamedAndNeverTakenOver() throws Exception {
        int service = LostStateFileTest.freeUdp(A, B);
        n1 = create("n1", A, service);
        n2 = create("n2", B, service);
        Versions foreign = new Versions(Versions.PROTOCOL + 2, "9.0.0");
        n2.speak(RmWire.CURRENT, foreign);
        n1.start();
        n2.start();
        awaitStates(NodeState.UNKNOWN, NodeState.UNKNOWN);
        // Past the Initialization Keep Alive Timeout (2 s here) and the Keep Alive Timeout (1 s): still no Peer Down.
        Thread.sleep(3_000);
        for (TandemNode n : new TandemNode[] {n1, n2}) {
            assertThat(n.snapshot().state()).isEqualTo(NodeState.UNKNOWN);
            assertThat(n.snapshot().reason()).isEqualTo(Reason.UNKNOWN);
            assertThat(n.snapshot().serving()).containsExactly(Serving.Side.OWN);
            assertThat(n.events().recent()).noneMatch(e -> e.kind().equals("transition")
                    && Reason.PEER_DOWN.display().equals(e.fields().get("reason")));
        }
        assertThat(RecoveryManager.detail(n1.snapshot())).hasValueSatisfying(d -> assertThat(d)
                .contains("n2 runs protocol " + foreign.protocol() + ", software 9.0.0")
                .contains("n1 runs protocol " + Versions.PROTOCOL + ", software " + BuildVersion.get()));
        assertThat(n1.events().recent()).anyMatch(e -> e.kind().equals("peer-versions")
                && Boolean.FALSE.equals(e.fields().get("compatible"))
                && Integer.valueOf(foreign.protocol()).equals(e.fields().get("protocol")));
        assertThat(n1.events().recent()).anyMatch(e -> e.kind().equals("transition") && "Unknown".equals(e.fields().get("to"))
                && String.valueOf(e.fields().get("detail")).contains("incompatible redundancy protocol"));
        assertThat(n1.metrics().scrape()).contains("tandem_peer_protocol_incompatible 1.0")
                .contains("tandem_peer_protocol " + foreign.protocol() + ".0");
        assertThat(malformed(n1)).isZero();
    }

    private static double malformed(TandemNode n) {
        return n.metrics().scrape().lines()
                .filter(l -> l.startsWith("tandem_packets_dropped_total{cause=\"malformed\"}"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private void awaitStates(NodeState s1, NodeState s2) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(n1.snapshot().state()).as("n1").isEqualTo(s1);
            assertThat(n2.snapshot().state()).as("n2").isEqualTo(s2);
        });
    }

    private TandemNode create(String id, String address, int service) throws Exception {
        String yaml = """
                node:
                  id: %s
                  address: %s
                redundancyGroup:
                  name: g1
                  highAvailability: true
                  nodes:
                    - id: n1
                      address: %s
                    - id: n2
                      address: %s
                parameters:
                  keepAliveInterval: 100ms
                  keepAliveTimeout: 1s
                  initKeepAliveTimeout: 2s
                  criticalServiceDelay: 1s
                  servicePort: %d
                stateDir: state/%s
                """.formatted(id, address, A, B, service, id);
        Path f = Files.writeString(dir.resolve(id + ".yaml"), yaml);
        return new TandemNode(ConfigLoader.load(f), Clock.systemUTC());
    }
}
