package dev.tandem.node.runtime;

import dev.tandem.core.NodeId;
import dev.tandem.core.lb.DecisionIndex;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.core.lb.LbEvent;
import dev.tandem.core.lb.LbState;
import dev.tandem.core.lb.MemberName;
import dev.tandem.core.lb.MemberRecord;
import dev.tandem.core.lb.SessionClass;
import dev.tandem.node.redirect.ClientAnswer;
import dev.tandem.node.redirect.UserLocator;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Decides where new clients go, on the redirect service's own thread, without a round trip to the node's loop for
 * every request. It keeps a {@link DecisionIndex} of the loop's latest published member table plus the redirects it
 * sent that the loop has not counted yet (each redirect counts in the member's load until the member's next report,
 * see {@link LbEvent.Redirected}). Every redirect is also sent to the loop, which counts it in the real state; when a
 * newer state arrives, the members whose records changed are indexed again and the redirects the loop now holds leave
 * the pending list. So two requests never see the same load, the loop's state stays the only truth, and a decision
 * costs the index's O(1) read whatever the group's size.
 */
final class ClientDecider {
    /** What the loop publishes after every step: its state, and how many of this decider's redirects it counted. */
    record Published(LbState state, long counted, boolean answering) {}

    /** A redirect the loop has not counted yet; {@code member} null: the director itself. */
    private record Pending(long seq, IpAddress member) {}

    private static final String[] RULES = {"0", "1", "2", "3", "4"};

    private final NodeId self;
    private final Clock clock;
    private final Supplier<Published> published;
    private final Consumer<IpAddress> toLoop;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private Published base;
    private LbState view;
    private long sent;
    private DecisionIndex index;
    /** The records indexed, by member, and by slot, with where a slot's clients are sent and the member's name. */
    private final Map<MemberName, MemberRecord> indexed = new HashMap<>();
    private MemberRecord[] recordOf = new MemberRecord[8];
    private String[] hostOf = new String[8];
    private final Map<NodeId, Integer> slotOfSpeaker = new HashMap<>();

    /**
     * @param published the loop's latest state (a volatile read)
     * @param toLoop    hands a redirect to the loop, which counts it and bumps {@link Published#counted()}
     */
    ClientDecider(NodeId self, Clock clock, Supplier<Published> published, Consumer<IpAddress> toLoop) {
        this.self = self;
        this.clock = clock;
        this.published = published;
        this.toLoop = toLoop;
    }

    /**
     * A client that names a user known to the cluster goes to the first live member among the nodes that may serve
     * that user; any other client goes where rules 1 to 4 say ([LB-RULES]).
     */
    synchronized ClientAnswer answer(Optional<String> user, UserLocator users) {
        long now = nanos(clock.instant());
        catchUp();
        if (!base.answering() || !view.isDirector()) {
            return new ClientAnswer.Refusal(503, "not-director", "this node does not direct the load-balancing group"
                    + " now (" + view.phase().display() + "); ask the cluster address again");
        }
        if (user.isPresent()) {
            List<NodeId> nodes = users.candidates(user.get());
            if (!nodes.isEmpty()) {
                for (NodeId n : nodes) {
                    int at = liveMemberOf(n, now);
                    if (at != DecisionIndex.NONE) return redirect(at, "user");
                }
                return new ClientAnswer.Refusal(503, "user-unavailable", "no node that serves user '" + user.get()
                        + "' (" + nodes.stream().map(NodeId::value).collect(Collectors.joining(", "))
                        + ") is in the load-balancing group now; try again later");
            }
        }
        int chosen = index.decide(null, now);
        if (chosen == DecisionIndex.NONE) {
            return new ClientAnswer.Refusal(503, "all-full", index.explain(null, now).reason());
        }
        return redirect(chosen, RULES[index.rule(null, now)]);
    }

    /** Takes the loop's newest state, with the redirects it has not counted yet laid over it. */
    private void catchUp() {
        Published p = published.get();
        if (p == base) return;
        LbState s = p.state();
        if (index == null || view.group().mode() != s.group().mode() || !view.timing().equals(s.timing())) {
            index = new DecisionIndex(s.device().publicAddress(), s.group().mode(),
                    s.timing().memberStaleAfter().toNanos());
            indexed.clear();
            Arrays.fill(recordOf, null);
            slotOfSpeaker.clear();
        }
        base = p;
        view = s;
        index.director(s.device().publicAddress(), s.load());
        reindexChanged(s);
        // The redirects the loop has now counted are in its records (or it did not count them: it stopped directing);
        // the others are laid again over the records.
        while (!pending.isEmpty() && pending.peekFirst().seq() <= p.counted()) reset(pending.removeFirst().member());
        for (Pending r : pending) reset(r.member());
        for (Pending r : pending) {
            if (r.member() != null) index.redirected(index.slot(r.member()), SessionClass.SSL);
        }
    }

    /**
     * Indexes the members whose records changed since the last state, and lets those that left go. Records the loop did
     * not touch are the same objects from state to state, so this is one lookup per member and allocates nothing.
     */
    private void reindexChanged(LbState s) {
        int before = indexed.size();
        int kept = 0;
        for (MemberRecord r : s.members().values()) {
            if (r.name().equals(s.member())) continue;
            MemberRecord old = indexed.put(r.name(), r);
            if (old != null) kept++;
            if (old == r) continue;
            if (old != null && !old.info().publicAddress().equals(r.info().publicAddress())) drop(old);
            int slot = index.slot(r.info().publicAddress());
            if (slot >= recordOf.length) {
                recordOf = Arrays.copyOf(recordOf, Math.max(slot + 1, recordOf.length * 2));
                hostOf = Arrays.copyOf(hostOf, recordOf.length);
            }
            recordOf[slot] = r;
            hostOf[slot] = r.info().redirectAddress().text();
            slotOfSpeaker.put(r.speaker(), slot);
            reset(slot);
        }
        if (kept < before) {
            indexed.values().removeIf(r -> {
                boolean gone = !s.members().containsKey(r.name()) || r.name().equals(s.member());
                if (gone) drop(r);
                return gone;
            });
        }
    }

    private void drop(MemberRecord r) {
        int slot = index.slot(r.info().publicAddress());
        index.remove(slot);
        recordOf[slot] = null;
        slotOfSpeaker.remove(r.speaker(), slot);
    }

    /** A member's slot back to its record's load, as the loop holds it. */
    private void reset(IpAddress member) {
        if (member != null) reset(index.slot(member));
    }

    private void reset(int slot) {
        if (slot >= recordOf.length) return;
        MemberRecord r = recordOf[slot];
        if (r == null) {
            index.remove(slot);
        } else {
            index.update(slot, r.load(), r.joined() && r.lastHeard() != null,
                    r.lastHeard() == null ? 0 : nanos(r.lastHeard()));
        }
    }

    private ClientAnswer redirect(int slot, String rule) {
        if (slot == DecisionIndex.DIRECTOR) {
            pending.addLast(new Pending(++sent, null));
            toLoop.accept(view.device().publicAddress());
            return new ClientAnswer.Redirect(view.device().redirectAddress().text(), view.member().value(), rule);
        }
        IpAddress member = index.address(slot);
        index.redirected(slot, SessionClass.SSL);
        pending.addLast(new Pending(++sent, member));
        toLoop.accept(member);
        return new ClientAnswer.Redirect(hostOf[slot], recordOf[slot].name().value(), rule);
    }

    /** The slot of the member {@code node} speaks for, when it is live in this director's topology; or NONE. */
    private int liveMemberOf(NodeId node, long now) {
        if (node.equals(self)) return DecisionIndex.DIRECTOR;
        Integer slot = slotOfSpeaker.get(node);
        return slot != null && index.heard(slot, now) ? slot : DecisionIndex.NONE;
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
