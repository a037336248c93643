package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.NodeId;
import dev.tandem.core.lb.ClassLoad;
import dev.tandem.core.lb.DeviceSettings;
import dev.tandem.core.lb.GroupSettings;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.core.lb.LbDecision;
import dev.tandem.core.lb.LbEvent;
import dev.tandem.core.lb.LbPhase;
import dev.tandem.core.lb.LbState;
import dev.tandem.core.lb.LbTiming;
import dev.tandem.core.lb.Load;
import dev.tandem.core.lb.LoadBalancer;
import dev.tandem.core.lb.MemberInfo;
import dev.tandem.core.lb.MemberName;
import dev.tandem.core.lb.MemberRecord;
import dev.tandem.core.lb.SessionClass;
import dev.tandem.node.HandClock;
import dev.tandem.node.redirect.ClientAnswer;
import dev.tandem.node.redirect.UserLocator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The decider's index answers as the director's state would: at every request it sends the client where
 * {@link LoadBalancer#decide} sends it on the loop's latest state with the redirects the loop has not counted yet laid
 * over it, while the loop counts redirects late, members report new loads, fall silent, leave and join.
 */
class ClientDeciderTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final MemberName SELF = MemberName.of("d");

    @Test
    void sendsEveryClientWhereTheRulesSendItOnThePublishedStateAndTheRedirectsNotCountedYet() {
        for (int size : new int[] {1, 3, 12, 200}) {
            run(size, new Random(size));
        }
    }

    private static void run(int size, Random r) {
        HandClock clock = new HandClock(T0);
        ArrayDeque<IpAddress> toLoop = new ArrayDeque<>();
        LbState[] loop = {director(size, r)};
        long[] counted = {0};
        ClientDecider.Published[] published = {new ClientDecider.Published(loop[0], 0, true)};
        ClientDecider decider = new ClientDecider(NodeId.of("d"), clock, () -> published[0], toLoop::add);
        for (int request = 0; request < 3000; request++) {
            switch (r.nextInt(12)) {
                case 0, 1 -> { // the loop counts what it was handed so far
                    while (!toLoop.isEmpty()) {
                        loop[0] = LoadBalancer.step(loop[0], new LbEvent.Redirected(toLoop.poll(), SessionClass.SSL),
                                clock.instant()).state();
                        counted[0]++;
                    }
                }
                case 2 -> loop[0] = withMembers(loop[0], keepalive(loop[0], r, clock.instant())); // a member reports its load
                case 3 -> clock.advance(Duration.ofMillis(r.nextInt(1500))); // time passes: members may fall silent
                case 4 -> loop[0] = withMembers(loop[0], leaveOrJoin(loop[0], r, clock.instant()));
                default -> { }
            }
            published[0] = new ClientDecider.Published(loop[0], counted[0], true);
            // What the loop's state says with the redirects still in flight to it laid over.
            LbState view = loop[0];
            for (IpAddress m : toLoop) view = LoadBalancer.step(view, new LbEvent.Redirected(m, SessionClass.SSL), clock.instant()).state();
            LbDecision expected = LoadBalancer.decide(view, clock.instant());
            ClientAnswer got = decider.answer(Optional.empty(), UserLocator.NONE);
            String what = size + " members, request " + request + ": " + expected.reason();
            if (expected.chosen().isEmpty()) {
                assertThat(got).as(what).isInstanceOf(ClientAnswer.Refusal.class);
                assertThat(((ClientAnswer.Refusal) got).message()).as(what).isEqualTo(expected.reason());
            } else {
                ClientAnswer.Redirect redirect = (ClientAnswer.Redirect) got;
                assertThat(redirect.host()).as(what).isEqualTo(LoadBalancer.redirectAddress(view,
                        expected.chosen().get()).orElseThrow().text());
                assertThat(redirect.rule()).as(what).isEqualTo(Integer.toString(expected.rule().orElse(0)));
            }
        }
    }

    private static LbState director(int size, Random r) {
        IpAddress self = IpAddress.ipv4(10, 0, 0, 1);
        DeviceSettings device = DeviceSettings.of(self, self).withPriority(10).withParticipate(true);
        Map<MemberName, MemberRecord> members = new HashMap<>();
        members.put(SELF, new MemberRecord(MemberInfo.of(SELF, device), NodeId.of("d"), Load.NONE, T0, true));
        for (int i = 0; i < size; i++) members.put(name(i), record(i, r, T0));
        LbState initial = LoadBalancer.initial(NodeId.of("d"), SELF, GroupSettings.of(IpAddress.ipv4(10, 0, 9, 9)),
                device, LbTiming.defaults());
        return new LbState(initial.self(), SELF, initial.group(), device, initial.timing(), LbPhase.DIRECTOR,
                load(r), members, SELF, NodeId.of("d"), 1, 1, initial.seeking(), initial.keepalive(),
                new LbState.Directing(null, T0.plusSeconds(4)), Set.of(), Map.of());
    }

    private static MemberName name(int i) {
        return MemberName.of("m" + i);
    }

    private static MemberRecord record(int i, Random r, Instant now) {
        IpAddress ip = IpAddress.ipv4(10, 0, 1 + i / 200, 1 + (i * 37) % 200);
        DeviceSettings device = DeviceSettings.of(ip, ip).withPriority(5).withParticipate(true);
        return new MemberRecord(MemberInfo.of(name(i), device), NodeId.of("m" + i), load(r), now, r.nextInt(8) > 0);
    }

    private static Load load(Random r) {
        int max = new int[] {1, 2, 5, 40}[r.nextInt(4)];
        return new Load(ClassLoad.NONE, new ClassLoad(r.nextInt(max + 1), max));
    }

    private static Map<MemberName, MemberRecord> keepalive(LbState s, Random r, Instant now) {
        Map<MemberName, MemberRecord> m = new HashMap<>(s.members());
        List<MemberName> names = m.keySet().stream().filter(n -> !n.equals(SELF)).toList();
        if (names.isEmpty()) return m;
        MemberRecord old = m.get(names.get(r.nextInt(names.size())));
        m.put(old.name(), new MemberRecord(old.info(), old.speaker(), load(r), now, old.joined()));
        return m;
    }

    private static Map<MemberName, MemberRecord> leaveOrJoin(LbState s, Random r, Instant now) {
        Map<MemberName, MemberRecord> m = new HashMap<>(s.members());
        int i = r.nextInt(Math.max(1, m.size()));
        if (m.remove(name(i)) == null) m.put(name(i), record(i, r, now));
        return m;
    }

    private static LbState withMembers(LbState s, Map<MemberName, MemberRecord> members) {
        return s.withMembers(members);
    }
}
