package dev.tandem.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.NodeId;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.core.lb.LbPhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * Random fault schedules against a load-balancing group. While faults happen, every client that is served lands
 * on a live member that had room. After they stop, the group has exactly one director holding the cluster
 * address within {@link #BOUND}, and new clients spread as rules 1 to 4 allow: with equal maxima, loads stay
 * within one percentage point plus one session's worth of each other.
 */
class LoadBalancingPropertiesTest {
    /**
     * The bound, from the specification's timing: a member declares a silent director gone 24 s after its first unanswered
     * keepalive (3 s wait + resend, five times: 4 s x 6), elects at once, and a Hello handshake takes a round
     * trip; two directors meet through announcements every 4 s. 24 + 4 + 4 + slack = 40 s.
     */
    private static final Duration BOUND = Duration.ofSeconds(40);

    @Property(tries = 1000)
    void oneDirectorAfterFaultsStopAndClientsSpreadByTheRules(
            @ForAll @LongRange(min = 1, max = Long.MAX_VALUE / 2) long seed) {
        Random r = new Random(seed);
        Sim sim = new Sim(seed);
        sim.network(new NetworkModel(Duration.ofMillis(1), Duration.ofMillis(1 + r.nextInt(50)), r.nextDouble() * 0.1, 0));
        int n = 2 + r.nextInt(9);
        int max = 20 + r.nextInt(200);
        List<NodeId> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NodeId id = NodeId.of("m" + i);
            ids.add(id);
            sim.lb().member(id.value(), 1 + r.nextInt(10), IpAddress.ipv4(10, 0, r.nextInt(2), 1 + i), max);
        }
        for (NodeId id : ids) {
            if (r.nextInt(5) > 0) sim.lb().enable(id.value());
        }
        List<String> schedule = new ArrayList<>();
        try {
            for (int i = 0; i < 10 + r.nextInt(20); i++) {
                sim.run(Duration.ofMillis(r.nextInt(8000)));
                schedule.add(sim.elapsed() + " " + fault(sim, ids, r));
                int before = sim.lb().arrivals().size();
                for (int c = r.nextInt(5); c > 0; c--) sim.lb().connect();
                for (SimLoadBalancing.Arrival a : sim.lb().arrivals().subList(before, sim.lb().arrivals().size())) {
                    a.servedBy().ifPresent(m -> assertThat(sim.isUp(NodeId.of(m))).as("served by a live member").isTrue());
                }
            }
            sim.heal();
            sim.network(NetworkModel.PERFECT);
            for (NodeId id : ids) {
                if (!sim.isUp(id)) sim.lb().enable(id.value());
                else if (sim.lb().speaker(id.value()).isEmpty()) sim.lb().enable(id.value());
            }
            sim.run(BOUND);
        } catch (RuntimeException e) {
            throw new AssertionError(story(sim, seed, schedule), e);
        }
        String story = story(sim, seed, schedule);
        List<NodeId> directors = sim.lb().directors();
        assertThat(directors).as("one director\n%s", story).hasSize(1);
        assertThat(sim.lb().addressHolders()).as("the director alone holds the address\n%s", story).isEqualTo(directors);
        dev.tandem.core.lb.LbState director = sim.lb().state(directors.get(0).value());
        for (NodeId id : ids) {
            if (!id.equals(directors.get(0))) {
                dev.tandem.core.lb.LbState s = sim.lb().state(id.value());
                assertThat(s.phase()).as("%s follows\n%s", id, story).isEqualTo(LbPhase.MEMBER);
                // It hears the director's pushes: same term, and the same members as the director knows.
                assertThat(s.term()).as("%s in the director's term\n%s", id, story).isEqualTo(director.term());
                assertThat(s.members().keySet()).as("%s knows the director's members\n%s", id, story)
                        .isEqualTo(director.members().keySet());
            }
        }
        // The spread: from empty members, clients arriving one after another keep every load within one point
        // plus one session's worth of every other (rules 1 and 2 compare whole percentages; a session can be
        // worth more than a point), and none is refused while any member shows less than 100%.
        for (NodeId id : ids) sim.lb().disconnect(id.value(), sim.lb().activeSessions(id.value()));
        sim.run(Duration.ofSeconds(3));
        long refusedBefore = sim.lb().refused();
        int clients = 1 + r.nextInt(n * max);
        for (int c = 0; c < clients; c++) sim.lb().connect();
        int lo = Integer.MAX_VALUE;
        int hi = 0;
        for (NodeId id : ids) {
            lo = Math.min(lo, sim.lb().loadPercent(id.value()));
            hi = Math.max(hi, sim.lb().loadPercent(id.value()));
        }
        StringBuilder view = new StringBuilder();
        for (NodeId id : ids) {
            view.append(id).append(": ").append(sim.lb().activeSessions(id.value())).append(" sessions, ")
                    .append(sim.lb().loadPercent(id.value())).append("%\n");
        }
        view.append(dev.tandem.core.lb.LoadBalancer.view(sim.lb().state(directors.get(0).value()), "n/a").render());
        assertThat(hi - lo).as("load spread after %d clients on %d members of %d\n%s\n%s", clients, n, max, view, story)
                .isLessThanOrEqualTo(1 + (100 + max - 1) / max);
        if (sim.lb().refused() > refusedBefore) {
            // [LB-SHOW]: a member showing 100% takes no more; a client is refused only when every member shows it.
            for (NodeId id : ids) {
                assertThat(sim.lb().loadPercent(id.value())).as("refused while %s had room\n%s", id, story).isEqualTo(100);
            }
        }
    }

    private static String fault(Sim sim, List<NodeId> ids, Random r) {
        NodeId a = ids.get(r.nextInt(ids.size()));
        NodeId b = ids.get(r.nextInt(ids.size()));
        boolean up = sim.isUp(a);
        switch (r.nextInt(7)) {
            case 0 -> { if (up) { sim.crash(a); return "crash " + a; } sim.start(a); return "start " + a; }
            case 1 -> { if (up) { sim.kill(a); return "kill " + a; } sim.start(a); return "start " + a; }
            case 2 -> { if (up) { sim.stop(a); return "stop " + a; } return "noop"; }
            case 3 -> { if (!a.equals(b)) { sim.partition(a, b); return "partition " + a + " " + b; } return "noop"; }
            case 4 -> { sim.heal(); return "heal"; }
            case 5 -> {
                sim.network(new NetworkModel(Duration.ofMillis(1), Duration.ofMillis(1 + r.nextInt(300)),
                        r.nextDouble() * 0.3, 0));
                return "network change";
            }
            default -> { return "quiet"; }
        }
    }

    private static String story(Sim sim, long seed, List<String> schedule) {
        return "seed " + seed + "\nfaults:\n  " + String.join("\n  ", schedule) + "\ntrace:\n"
                + String.join("\n", sim.trace());
    }
}
