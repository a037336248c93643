package dev.tandem.node.wire;

import static dev.tandem.node.wire.Payloads.assertMalformed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.core.NodeId;
import dev.tandem.core.lb.ClassLoad;
import dev.tandem.core.lb.GroupSignature;
import dev.tandem.core.lb.HostName;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.core.lb.LbMessage;
import dev.tandem.core.lb.Load;
import dev.tandem.core.lb.MemberInfo;
import dev.tandem.core.lb.MemberName;
import dev.tandem.core.lb.NetAddress;
import dev.tandem.core.lb.Topology;
import dev.tandem.core.lb.TopologyEntry;
import dev.tandem.core.lb.VpnMode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The load-balancing group's messages on the wire ([LB-HELLO], keepalives carrying load, director
 * election). docs/architecture.md, Security: a message that fails to decode is dropped and counted, never acted on, so a bad
 * payload must end in {@link Malformed}, never another exception.
 */
class LbCodecTest {
    private static final Payloads.Decoder DECODE = LbCodec::decode;
    private static final NodeId N1 = NodeId.of("n1");
    private static final GroupSignature GROUP = new GroupSignature("10.0.0.10", 9023, true, "0123456789abcdef",
            VpnMode.DISTRIBUTED);
    private static final GroupSignature GROUP_V6 = new GroupSignature("vpn.example.com", 65535, false, "",
            VpnMode.CENTRALIZED);

    static MemberInfo info(String name, String ip, int priority) {
        return new MemberInfo(MemberName.of(name), IpAddress.parse("ip", ip), priority, "Tandem",
                NetAddress.parse("redirect", ip));
    }

    static MemberInfo infoWithFqdn() {
        return new MemberInfo(MemberName.of("g1"), IpAddress.parse("ip", "2001:db8::1"), 10, "ASA-5540 ✓",
                HostName.parseFqdn("fqdn", "n1.example.com"));
    }

    static Load load(int ipsecActive, int ipsecMax, int sslActive, int sslMax) {
        return new Load(new ClassLoad(ipsecActive, ipsecMax), new ClassLoad(sslActive, sslMax));
    }

    /** One or more of every message type. */
    static List<LbMessage> samples() {
        MemberInfo a = info("n1", "10.0.0.11", 5);
        MemberInfo b = info("n2", "10.0.0.12", 1);
        List<LbMessage> out = new ArrayList<>();
        out.add(new LbMessage.HelloRequest(N1, GROUP, a, false, 0));
        out.add(new LbMessage.HelloRequest(N1, GROUP_V6, infoWithFqdn(), true, Long.MAX_VALUE));
        out.add(new LbMessage.HelloResponse(N1, GROUP, a, 7));
        out.add(new LbMessage.KeepaliveRequest(N1, MemberName.of("n1"), 42, load(3, 100, 0, 0)));
        out.add(new LbMessage.KeepaliveRequest(N1, MemberName.of("g1"), -1,
                load(ClassLoad.MAX_SESSIONS, ClassLoad.MAX_SESSIONS, 120, 100)));
        out.add(new LbMessage.KeepaliveResponse(N1, MemberName.of("n1"), 42));
        out.add(new LbMessage.TopologyPush(N1, MemberName.of("n1"), new Topology(3, 9, MemberName.of("n1"), List.of(
                new TopologyEntry(a, N1, load(1, 10, 2, 20), true),
                new TopologyEntry(b, NodeId.of("n2"), Load.NONE, false),
                new TopologyEntry(infoWithFqdn(), NodeId.of("n3"), load(0, 5, 5, 5), false)))));
        out.add(new LbMessage.TopologyPush(N1, MemberName.of("n1"), new Topology(0, 0, null, List.of())));
        out.add(new LbMessage.Candidacy(N1, GROUP, b));
        out.add(new LbMessage.DirectorAnnounce(N1, GROUP, a, 12));
        out.add(new LbMessage.Resign(N1, MemberName.of("n1"), 12, Optional.empty()));
        out.add(new LbMessage.Resign(N1, MemberName.of("n1"), 12,
                Optional.of(new LbMessage.Successor(MemberName.of("g2"), NodeId.of("n4")))));
        out.add(new LbMessage.Goodbye(N1, MemberName.of("n1")));
        out.add(new LbMessage.Refuse(N1, MemberName.of("n1"), "cluster key",
                "here: key with fingerprint 01, there: no key"));
        out.add(new LbMessage.Refuse(N1, MemberName.of("n1"), "", ""));
        return out;
    }

    private static LbMessage roundTrip(LbMessage m) throws Malformed {
        return LbCodec.decode(LbCodec.encode(m));
    }

    @Test
    void theSamplesCoverEveryMessageType() {
        Set<Class<?>> covered = samples().stream().map(Object::getClass).collect(Collectors.toSet());
        assertThat(covered).containsExactlyInAnyOrder(LbMessage.class.getPermittedSubclasses());
    }

    @Test
    void everyMessageTypeRoundTrips() throws Exception {
        for (LbMessage m : samples()) {
            assertThat(roundTrip(m)).as(m.getClass().getSimpleName()).isEqualTo(m);
        }
    }

    @Test
    void bothModesRoundTrip() throws Exception {
        for (VpnMode mode : EnumSet.allOf(VpnMode.class)) {
            LbMessage m = new LbMessage.Candidacy(N1, new GroupSignature("10.0.0.10", 1, false, "", mode),
                    info("n1", "10.0.0.11", 1));
            assertThat(roundTrip(m)).isEqualTo(m);
        }
    }

    @Test
    void aTopologyOfTheLargestAllowedSizeRoundTrips() throws Exception {
        List<TopologyEntry> entries = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            entries.add(new TopologyEntry(info("m" + i, "10.0." + (i / 250) + "." + (i % 250 + 1), 1 + i % 10),
                    NodeId.of("n" + i), load(i, 1000, 0, 0), i == 0));
        }
        LbMessage m = new LbMessage.TopologyPush(N1, MemberName.of("m0"), new Topology(1, 1, MemberName.of("m0"), entries));
        assertThat(roundTrip(m)).isEqualTo(m);
    }

    @Test
    void anEmptyPayloadIsMalformed() {
        assertMalformed(DECODE, new byte[0], "empty");
    }

    @Test
    void anUnknownTypeIsMalformed() {
        for (int type : new int[] {0, 11, 12, 127, -1, -128}) {
            byte[] p = LbCodec.encode(samples().get(0));
            p[0] = (byte) type;
            assertMalformed(DECODE, p, "type " + type);
            assertMalformed(DECODE, new byte[] {(byte) type}, "type " + type + " alone");
        }
    }

    @Test
    void everyTruncationOfEveryMessageIsMalformed() {
        for (LbMessage m : samples()) {
            Payloads.everyTruncationIsMalformed(DECODE, LbCodec.encode(m), m.getClass().getSimpleName());
        }
    }

    @Test
    void trailingBytesAreMalformed() {
        for (LbMessage m : samples()) {
            Payloads.trailingBytesAreMalformed(DECODE, LbCodec.encode(m), m.getClass().getSimpleName());
        }
    }

    @Test
    void aBadModeNameIsMalformed() {
        for (String mode : new String[] {"SIDEWAYS", "distributed", "", "DISTRIBUTED "}) {
            assertMalformed(DECODE, candidacy("n1", "10.0.0.10", mode, "n1", "10.0.0.11", "10.0.0.11"), "mode " + mode);
        }
    }

    @Test
    void theHandWrittenCandidacyLayoutMatchesTheCodec() throws Exception {
        // Guards the hand-written payloads of the other tests: with good fields they decode.
        LbMessage m = LbCodec.decode(candidacy("n1", "10.0.0.10", "CENTRALIZED", "g1", "10.0.0.11", "n1.example.com"));
        assertThat(m).isEqualTo(new LbMessage.Candidacy(N1,
                new GroupSignature("10.0.0.10", 9023, true, "fp", VpnMode.CENTRALIZED),
                new MemberInfo(MemberName.of("g1"), IpAddress.parse("ip", "10.0.0.11"), 5, "model",
                        HostName.parseFqdn("f", "n1.example.com"))));
    }

    @Test
    void badNodeIdsAreMalformed() {
        for (String id : new String[] {"", "n 1", "n/1", "n".repeat(129), "é"}) {
            assertMalformed(DECODE, candidacy(id, "10.0.0.10", "DISTRIBUTED", "n1", "10.0.0.11", "10.0.0.11"),
                    "from '" + id + "'");
            assertMalformed(DECODE, new WireWriter().u8(9).str(id).str("n1").bytes(), "goodbye from '" + id + "'");
            assertMalformed(DECODE, resign("n1", "n1", "g2", id), "successor node '" + id + "'");
        }
    }

    @Test
    void badMemberNamesAreMalformed() {
        // [RG-GROUP] step 3 rules for names: 1 to 128 of A-Z a-z 0-9 _ - (no dots, unlike node ids).
        for (String name : new String[] {"", "n.1", "n 1", "x".repeat(129)}) {
            assertMalformed(DECODE, candidacy("n1", "10.0.0.10", "DISTRIBUTED", name, "10.0.0.11", "10.0.0.11"),
                    "member '" + name + "'");
            assertMalformed(DECODE, new WireWriter().u8(9).str("n1").str(name).bytes(), "goodbye member '" + name + "'");
            assertMalformed(DECODE, resign("n1", name, "g2", "n4"), "resigning member '" + name + "'");
        }
    }

    @Test
    void badAddressesAreMalformed() {
        for (String ip : new String[] {"", "10.0.0.300", "010.0.0.1", "1::2::3", "vpn.example.com", "10.0.0"}) {
            assertMalformed(DECODE, candidacy("n1", "10.0.0.10", "DISTRIBUTED", "n1", ip, "10.0.0.11"),
                    "public address '" + ip + "'");
        }
        for (String redirect : new String[] {"", "10.0.0.300", "single", "-bad-.example.com", "a..b"}) {
            assertMalformed(DECODE, candidacy("n1", "10.0.0.10", "DISTRIBUTED", "n1", "10.0.0.11", redirect),
                    "redirect address '" + redirect + "'");
        }
    }

    @Test
    void negativeOrOversizedLoadsAreMalformed() {
        for (int[] bad : new int[][] {{-1, 10}, {1, -10}, {ClassLoad.MAX_SESSIONS + 1, 10}, {0, Integer.MAX_VALUE}}) {
            byte[] p = new WireWriter().u8(3).str("n1").str("n1").i64(1).i32(bad[0]).i32(bad[1]).i32(0).i32(0).bytes();
            assertMalformed(DECODE, p, "ipsec load " + bad[0] + "/" + bad[1]);
            byte[] q = new WireWriter().u8(3).str("n1").str("n1").i64(1).i32(0).i32(0).i32(bad[0]).i32(bad[1]).bytes();
            assertMalformed(DECODE, q, "ssl load " + bad[0] + "/" + bad[1]);
        }
    }

    @Test
    void badBooleansAreMalformed() {
        byte[] hello = LbCodec.encode(samples().get(0));
        // HelloRequest ends with the director flag and the 8-byte term.
        byte[] p = hello.clone();
        p[p.length - 9] = 2;
        assertMalformed(DECODE, p, "director flag 2");
        byte[] q = new WireWriter().u8(8).str("n1").str("n1").i64(1).u8(7).bytes();
        assertMalformed(DECODE, q, "successor flag 7");
    }

    @Test
    void negativeOrHugeStringLengthsAreMalformed() {
        for (int len : new int[] {-1, -1024, Integer.MIN_VALUE, 1025, 1 << 20, Integer.MAX_VALUE}) {
            byte[] p = new WireWriter().u8(10).str("n1").str("n1").i32(len).bytes();
            assertMalformed(DECODE, p, "setting length " + len);
            assertMalformed(DECODE, java.util.Arrays.copyOf(p, p.length + 1100), "setting length " + len + " padded");
        }
    }

    @Test
    void aTopologyOfTooManyMembersIsMalformed() {
        for (int n : new int[] {1001, 100_000, Integer.MAX_VALUE, -1, Integer.MIN_VALUE}) {
            byte[] p = new WireWriter().u8(5).str("n1").str("n1").i64(1).i64(1).str("n1").i32(n).bytes();
            assertThatThrownBy(() -> LbCodec.decode(p)).as("%d members", n).isInstanceOf(Malformed.class)
                    .hasMessageContaining(Integer.toString(n));
        }
    }

    @Test
    void aTopologyThatAnnouncesMoreMembersThanItCarriesIsMalformed() {
        LbMessage.TopologyPush push = (LbMessage.TopologyPush) samples().get(6);
        byte[] p = LbCodec.encode(push);
        byte[] one = new WireWriter().u8(5).str("n1").str("n1").i64(3).i64(9).str("n1").i32(1000).bytes();
        byte[] tail = java.util.Arrays.copyOfRange(p, one.length, p.length);
        byte[] q = new byte[one.length + tail.length];
        System.arraycopy(one, 0, q, 0, one.length);
        System.arraycopy(tail, 0, q, one.length, tail.length);
        assertMalformed(DECODE, q, "1000 members announced, 3 carried");
    }

    @Test
    void aTopologyWithABadDirectorNameIsMalformed() {
        byte[] p = new WireWriter().u8(5).str("n1").str("n1").i64(1).i64(1).str("bad name").i32(0).bytes();
        assertMalformed(DECODE, p, "director 'bad name'");
    }

    @Test
    void fuzzedPayloadsEitherDecodeOrAreMalformed() throws Exception {
        Random r = new Random(40_000);
        for (int i = 0; i < 3000; i++) {
            byte[] p = new byte[r.nextInt(200)];
            r.nextBytes(p);
            if (p.length > 0 && r.nextBoolean()) p[0] = (byte) (1 + r.nextInt(10));
            checkDecodedRoundTrips(Payloads.decodeOrMalformed(DECODE, p, "random #" + i));
        }
        List<byte[]> valid = samples().stream().map(LbCodec::encode).toList();
        for (int seed = 0; seed < 3; seed++) {
            Random m = new Random(seed);
            for (int i = 0; i < 3000; i++) {
                byte[] p = Payloads.mutate(valid.get(m.nextInt(valid.size())), m);
                checkDecodedRoundTrips(Payloads.decodeOrMalformed(DECODE, p, "mutation seed " + seed + " #" + i));
            }
        }
    }

    /** Whatever decodes is a message the codec can send again unchanged. */
    private static void checkDecodedRoundTrips(Object decoded) throws Malformed {
        if (decoded instanceof LbMessage m) assertThat(roundTrip(m)).isEqualTo(m);
    }

    /** A Candidacy written field by field, as LbCodec lays it out. */
    private static byte[] candidacy(String from, String clusterAddress, String mode, String member, String publicIp,
                                    String redirect) {
        return new WireWriter().u8(6).str(from)
                .str(clusterAddress).i32(9023).bool(true).str("fp").str(mode)
                .str(member).str(publicIp).i32(5).str("model").str(redirect)
                .bytes();
    }

    private static byte[] resign(String from, String member, String successor, String successorNode) {
        return new WireWriter().u8(8).str(from).str(member).i64(4).bool(true).str(successor).str(successorNode).bytes();
    }
}
