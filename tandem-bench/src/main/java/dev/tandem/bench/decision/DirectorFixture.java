package dev.tandem.bench.decision;

import dev.tandem.core.NodeId;
import dev.tandem.core.lb.DecisionIndex;
import dev.tandem.core.lb.DeviceSettings;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.core.lb.LbState;
import dev.tandem.core.lb.Load;
import dev.tandem.core.lb.MemberInfo;
import dev.tandem.core.lb.MemberName;
import dev.tandem.core.lb.MemberRecord;
import dev.tandem.core.lb.SessionClass;
import dev.tandem.sim.Sim;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A director's state with {@code members} members. The real load-balancing machines elect a director of two
 * members in the simulator; its live member table is then filled to the size asked for, every member joined,
 * heard just now and reporting a seeded load between 0% and 99% (so that rules 1 to 4 all have work to do).
 * Running the whole join protocol for 1000 members in the simulator instead takes many minutes: every join
 * makes the director push the whole topology to every member.
 *
 * @param state the director's state
 * @param now   the instant the state is current at
 */
public record DirectorFixture(LbState state, Instant now) {
    static final int MAX_SESSIONS = 100;

    public static DirectorFixture build(int members) {
        if (members < 1) throw new IllegalArgumentException("members: " + members + "; allowed: 1 or more");
        Sim sim = new Sim(7);
        sim.lb().member("m0", 10, address(0), MAX_SESSIONS);
        sim.lb().member("m1", 5, address(1), MAX_SESSIONS);
        sim.lb().enable("m0");
        sim.lb().enable("m1");
        sim.run(Duration.ofSeconds(20));
        List<NodeId> directors = sim.lb().directors();
        if (directors.size() != 1) throw new IllegalStateException("expected one director, got " + directors);
        LbState d = sim.lb().state(directors.get(0).value());
        Instant now = sim.now();

        Random r = new Random(members);
        Map<MemberName, MemberRecord> table = new HashMap<>();
        table.put(d.member(), d.members().get(d.member()));
        for (int i = 0; table.size() < members; i++) {
            MemberName name = MemberName.of("x" + i);
            IpAddress ip = address(i + 2);
            DeviceSettings device = DeviceSettings.of(ip, ip).withPriority(5).withParticipate(true);
            // Loads 0..99%, with ties: rule 3 and 4 passes run too.
            Load load = Load.of(SessionClass.SSL, r.nextInt(MAX_SESSIONS), MAX_SESSIONS);
            table.put(name, new MemberRecord(MemberInfo.of(name, device), NodeId.of("x" + i), load, now, true));
        }
        LbState s = new LbState(d.self(), d.member(), d.group(), d.device(), d.timing(), d.phase(),
                Load.of(SessionClass.SSL, 50, MAX_SESSIONS), table, d.director(), d.directorNode(), d.term(),
                d.version(), d.seeking(), d.keepalive(), d.directing(), d.warned(), d.timers());
        if (!s.isDirector() || s.members().size() != members) throw new IllegalStateException("fixture: " + s.members().size());
        return new DirectorFixture(s, now);
    }

    /** The state's instant on the index's scale (nanoseconds since the epoch). */
    public long nanos() {
        return nanos(now);
    }

    /** The decision index of this director's table, as the redirect service builds it from the published state. */
    public DecisionIndex index() {
        DecisionIndex index = new DecisionIndex(state.device().publicAddress(), state.group().mode(),
                state.timing().memberStaleAfter().toNanos());
        index.director(state.device().publicAddress(), state.load());
        for (MemberRecord r : others()) {
            boolean heard = r.joined() && r.lastHeard() != null;
            index.update(index.slot(r.info().publicAddress()), r.load(), heard, heard ? nanos(r.lastHeard()) : 0);
        }
        return index;
    }

    /** Each member's seeded load by its slot in {@link #index()}: what its keepalives report. */
    public Load[] loads() {
        return others().stream().map(MemberRecord::load).toArray(Load[]::new);
    }

    private List<MemberRecord> others() {
        List<MemberRecord> list = new java.util.ArrayList<>(state.members().values());
        list.removeIf(r -> r.name().equals(state.member()));
        return list;
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** 10.0.x.y: the IP order (the decision's rule 4) differs from the naming order. */
    private static IpAddress address(int i) {
        return IpAddress.ipv4(10, i % 7, i / 250, 1 + i % 250);
    }
}
