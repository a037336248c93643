package dev.tandem.core.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The index decides exactly as {@link LbDecision} (rules 1 to 4, [LB-RULES]) over the same members: random groups of 1
 * to 1,000 members, random keepalives, redirects, departures, silences and director loads, compared after every change
 * for each session class, in both modes.
 */
class DecisionIndexTest {
    private static final long STALE = 10_000;

    /** The reference: each member as plain fields, handed to {@link LbDecision#decide} as it stands. */
    private static final class Member {
        final IpAddress address;
        Load load = Load.NONE;
        boolean joined;
        long heardAt;
        boolean present;

        Member(IpAddress address) {
            this.address = address;
        }
    }

    @Test
    void decidesAsTheRulesOverRandomGroupsOfOneToAThousandMembers() {
        Random sizes = new Random(20261206L);
        int groups = 0;
        for (int size : new int[] {1, 2, 3, 1000}) {
            check(size, new Random(size), 400);
            groups++;
        }
        while (groups < 150) {
            int size = 1 + (sizes.nextInt(4) == 0 ? sizes.nextInt(1000) : sizes.nextInt(12));
            check(size, new Random(sizes.nextLong()), 150);
            groups++;
        }
    }

    private static void check(int size, Random r, int changes) {
        VpnMode mode = r.nextInt(8) == 0 ? VpnMode.CENTRALIZED : VpnMode.DISTRIBUTED;
        IpAddress director = address(r, -1);
        DecisionIndex index = new DecisionIndex(director, mode, STALE);
        Load directorLoad = load(r);
        index.director(director, directorLoad);
        Member[] members = new Member[size];
        int[] slot = new int[size];
        for (int i = 0; i < size; i++) {
            members[i] = new Member(address(r, i));
            slot[i] = index.slot(members[i].address);
        }
        long now = 1_000_000;
        for (int c = 0; c < changes; c++) {
            int i = r.nextInt(size);
            Member m = members[i];
            switch (r.nextInt(10)) {
                case 0, 1, 2, 3 -> { // a keepalive, or a handshake done or not
                    m.load = load(r);
                    m.joined = r.nextInt(6) > 0;
                    m.heardAt = now - r.nextInt((int) STALE * 2);
                    m.present = true;
                    index.update(slot[i], m.load, m.joined, m.heardAt);
                }
                case 4, 5 -> { // a redirect, counted as LbRules counts it
                    SessionClass cls = r.nextBoolean() ? SessionClass.SSL : SessionClass.IPSEC;
                    if (m.present) {
                        ClassLoad l = m.load.of(cls);
                        if (l.active() < l.max()) m.load = m.load.with(cls, new ClassLoad(l.active() + 1, l.max()));
                        index.redirected(slot[i], cls);
                    }
                }
                case 6 -> {
                    m.present = false;
                    index.remove(slot[i]);
                }
                case 7 -> now += r.nextInt((int) STALE);
                case 8 -> {
                    directorLoad = load(r);
                    index.director(director, directorLoad);
                }
                default -> now += r.nextInt(3); // ties at the staleness edge
            }
            for (SessionClass cls : Arrays.asList(null, SessionClass.IPSEC, SessionClass.SSL)) {
                LbDecision expected = LbDecision.decide(Candidate.of(director, directorLoad),
                        candidates(members, now), mode, cls);
                int chosen = index.decide(cls, now);
                IpAddress got = chosen == DecisionIndex.DIRECTOR ? director
                        : chosen == DecisionIndex.NONE ? null : index.address(chosen);
                String what = size + " members, change " + c + ", class " + cls + ": " + expected.reason();
                assertThat(got).as(what).isEqualTo(expected.chosen().orElse(null));
                assertThat(index.rule(cls, now)).as(what).isEqualTo(expected.rule().orElse(0));
                if (c % 25 == 0) assertThat(index.explain(cls, now).reason()).as(what).isEqualTo(expected.reason());
            }
        }
    }

    private static List<Candidate> candidates(Member[] members, long now) {
        List<Candidate> list = new ArrayList<>();
        for (Member m : members) {
            if (!m.present) continue;
            list.add(new Candidate(m.address, m.load, m.joined && m.heardAt + STALE >= now));
        }
        return list;
    }

    /** Small maximums and shared figures, so that rules 3 and 4 decide often; now and then above the maximum. */
    private static Load load(Random r) {
        int[] maxes = {0, 1, 2, 3, 10, 100, 250};
        int ipsecMax = r.nextInt(3) == 0 ? 0 : maxes[r.nextInt(maxes.length)];
        int sslMax = maxes[r.nextInt(maxes.length)];
        return new Load(new ClassLoad(r.nextInt(ipsecMax + 2), ipsecMax), new ClassLoad(r.nextInt(sslMax + 2), sslMax));
    }

    /** Distinct addresses, IPv4 and IPv6 mixed, in no particular order. */
    private static IpAddress address(Random r, int i) {
        if (i < 0) return IpAddress.parse("director", "10.255.0.1");
        return i % 5 == 4 ? IpAddress.parse("member", "fd00::" + Integer.toHexString(i + 1))
                : IpAddress.ipv4(10, (i * 7919) % 200, i / 200, 1 + r.nextInt(200));
    }
}
