package dev.tandem.node.runtime;

import dev.tandem.core.NodeId;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.core.lb.LbDecision;
import dev.tandem.core.lb.LbEvent;
import dev.tandem.core.lb.LbState;
import dev.tandem.core.lb.LoadBalancer;
import dev.tandem.core.lb.NetAddress;
import dev.tandem.core.lb.SessionClass;
import dev.tandem.node.redirect.ClientAnswer;
import dev.tandem.node.redirect.UserLocator;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Decides where new clients go, on the redirect service's own thread, without a round trip to the node's loop for
 * every request. It works on the loop's latest published state plus the redirects it sent that the loop has not
 * counted yet (each redirect counts in the member's load until the member's next report, see
 * {@link LbEvent.Redirected}). Every redirect is also sent to the loop, which counts it in the real state; when a newer
 * state arrives, the redirects it already holds are dropped from the pending list. So two requests never see the same
 * load, and the loop's state stays the only truth.
 */
final class ClientDecider {
    /** What the loop publishes after every step: its state, and how many of this decider's redirects it counted. */
    record Published(LbState state, long counted, boolean answering) {}

    private record Pending(long seq, IpAddress member) {}

    private final NodeId self;
    private final Clock clock;
    private final Supplier<Published> published;
    private final Consumer<IpAddress> toLoop;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private Published base;
    private LbState view;
    private long sent;

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
        Instant now = clock.instant();
        catchUp(now);
        if (!base.answering() || !view.isDirector()) {
            return new ClientAnswer.Refusal(503, "not-director", "this node does not direct the load-balancing group"
                    + " now (" + view.phase().display() + "); ask the cluster address again");
        }
        if (user.isPresent()) {
            List<NodeId> nodes = users.candidates(user.get());
            if (!nodes.isEmpty()) {
                for (NodeId n : nodes) {
                    Optional<IpAddress> at = liveMemberOf(n, now);
                    if (at.isPresent()) return redirect(at.get(), "user", now);
                }
                return new ClientAnswer.Refusal(503, "user-unavailable", "no node that serves user '" + user.get()
                        + "' (" + nodes.stream().map(NodeId::value).collect(Collectors.joining(", "))
                        + ") is in the load-balancing group now; try again later");
            }
        }
        LbDecision d = LoadBalancer.decide(view, now);
        if (d.chosen().isEmpty()) return new ClientAnswer.Refusal(503, "all-full", d.reason());
        return redirect(d.chosen().get(), Integer.toString(d.rule().orElse(0)), now);
    }

    /** Takes the loop's newest state, with the redirects it has not counted yet laid over it. */
    private void catchUp(Instant now) {
        Published p = published.get();
        if (p == base) return;
        base = p;
        while (!pending.isEmpty() && pending.peekFirst().seq() <= p.counted()) pending.removeFirst();
        view = p.state();
        for (Pending r : pending) view = count(view, r.member(), now);
    }

    private static LbState count(LbState s, IpAddress member, Instant now) {
        return LoadBalancer.step(s, new LbEvent.Redirected(member, SessionClass.SSL), now).state();
    }

    private ClientAnswer redirect(IpAddress member, String rule, Instant now) {
        String host = LoadBalancer.redirectAddress(view, member).map(NetAddress::text).orElse(member.text());
        String name = member.equals(view.device().publicAddress()) ? view.member().value()
                : view.members().values().stream().filter(r -> r.info().publicAddress().equals(member))
                        .map(r -> r.name().value()).findFirst().orElse(member.text());
        pending.addLast(new Pending(++sent, member));
        view = count(view, member, now);
        toLoop.accept(member);
        return new ClientAnswer.Redirect(host, name, rule);
    }

    /** The public address of the member {@code node} speaks for, when it is live in this director's topology. */
    private Optional<IpAddress> liveMemberOf(NodeId node, Instant now) {
        if (node.equals(self)) return Optional.of(view.device().publicAddress());
        Instant staleBefore = now.minus(view.timing().memberStaleAfter());
        return view.members().values().stream()
                .filter(r -> node.equals(r.speaker()) && r.joined() && r.lastHeard() != null
                        && !r.lastHeard().isBefore(staleBefore))
                .map(r -> r.info().publicAddress()).findFirst();
    }
}
