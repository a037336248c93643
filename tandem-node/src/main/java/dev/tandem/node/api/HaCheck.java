package dev.tandem.node.api;

import dev.tandem.api.ClusterAnswers;
import dev.tandem.core.Invalid;
import dev.tandem.core.Quote;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.RmState;
import dev.tandem.node.runtime.TandemNode;
import dev.tandem.node.store.ClusterSettings;
import dev.tandem.node.store.ClusterStore;
import dev.tandem.node.store.StoreService;
import dev.tandem.node.store.StoreUnavailable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * [RG-ENABLE]'s checks before the HA switch is saved, as the node answering finds them now: the store reachable and
 * replicating, each node of the group in a state to take the change, and its critical services running (a node whose
 * services are down when HA is turned on fails its users over at once). Nothing is changed. The node knows its own
 * group first hand (its own checks, its peer's heartbeats); another group's nodes as they last reported to the store.
 */
final class HaCheck {
    private HaCheck() {}

    static ClusterAnswers.HaCheck of(TandemNode node, ClusterSettings settings, String name, String enabledText) {
        if (!"true".equals(enabledText) && !"false".equals(enabledText)) {
            throw new Invalid("enabled", enabledText, "true or false");
        }
        boolean enabled = Boolean.parseBoolean(enabledText);
        ClusterSettings.Group g = settings.group(name).orElseThrow(() -> new AdminApi.ApiError(404,
                "no redundancy group '" + Quote.prefix(name) + "'"));
        List<String> checked = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        checked.add("high availability of " + name + " is " + (g.ha() ? "on" : "off") + " now");
        if (g.ha() == enabled) warnings.add("high availability of " + name + " is " + (enabled ? "on" : "off") + " already");
        store(node.store(), checked, warnings);
        if (enabled && g.nodes().size() < 2) {
            warnings.add(name + " has one node: high availability needs a pair");
        }
        RmState rm = node.snapshot();
        boolean mine = rm.group().name().equals(name);
        Map<String, ClusterStore.NodeReport> reports = node.store().reports().stream()
                .collect(Collectors.toMap(ClusterStore.NodeReport::node, Function.identity(), (a, b) -> a));
        for (ClusterSettings.Member m : g.nodes()) {
            if (mine && m.id().equals(rm.self().value())) {
                self(node, rm, enabled, checked, warnings);
            } else if (mine && rm.peerId().map(p -> p.value().equals(m.id())).orElse(false)) {
                peer(rm, m.id(), enabled, checked, warnings);
            } else {
                reported(m.id(), Optional.ofNullable(reports.get(m.id())), checked, warnings);
            }
        }
        String caution = enabled
                ? "Turning high availability on may fail users over at once: a node whose critical services are down"
                        + " hands its users to its peer as soon as it applies the change."
                : "With high availability off no node of " + name + " fails over: a node that fails leaves its users"
                        + " unserved until it is back.";
        return new ClusterAnswers.HaCheck(name, enabled, caution, checked, warnings);
    }

    private static void store(StoreService s, List<String> checked, List<String> warnings) {
        if (!s.reachable()) {
            warnings.add("the store is unreachable (" + s.lastError() + "): the change cannot be saved now");
            return;
        }
        List<ClusterAnswers.Replica> replicas;
        try {
            replicas = s.store().replication();
        } catch (StoreUnavailable e) {
            warnings.add("the store is unreachable (" + e.getMessage() + "): the change cannot be saved now");
            return;
        }
        checked.add("the store (" + s.store().kind() + ") is reachable" + (replicas.isEmpty() ? ""
                : "; " + replicas.size() + " replica(s)"));
        for (ClusterAnswers.Replica r : replicas) {
            if (!"streaming".equals(r.state())) {
                warnings.add("the store's replica " + (r.standby() == null ? r.address() : r.standby()) + " is "
                        + r.state() + ", not streaming: database replication is not healthy");
            }
        }
    }

    private static void self(TandemNode node, RmState rm, boolean enabled, List<String> checked, List<String> warnings) {
        String id = rm.self().value();
        Map<String, Boolean> verdicts = node.checks().map(c -> c.verdicts()).orElse(Map.of());
        List<String> down = verdicts.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).sorted().toList();
        checked.add(id + ": " + rm.state().display() + " / " + rm.reason().display() + "; critical services "
                + (down.isEmpty() ? "running (" + verdicts.size() + " checked)" : "down: " + String.join(", ", down)));
        if (enabled && !down.isEmpty()) {
            warnings.add(id + ": critical services down (" + String.join(", ", down) + "): turning high availability on"
                    + " fails its users over to its peer at once");
        }
        state(id, rm.state(), warnings);
    }

    private static void peer(RmState rm, String id, boolean enabled, List<String> checked, List<String> warnings) {
        if (!rm.peer().alive()) {
            checked.add(id + ": not heard by " + rm.self().value());
            warnings.add(id + " is not heard by " + rm.self().value() + ": check it is running before changing the switch");
            return;
        }
        checked.add(id + ": " + rm.peer().state().display() + " / " + rm.peer().reason().display() + "; critical services "
                + (rm.peer().healthy() ? "running" : "down") + " (as its heartbeats say)");
        if (enabled && !rm.peer().healthy()) {
            warnings.add(id + ": critical services down: turning high availability on fails its users over at once");
        }
        state(id, rm.peer().state(), warnings);
    }

    private static void reported(String id, Optional<ClusterStore.NodeReport> r, List<String> checked, List<String> warnings) {
        if (r.isEmpty() || r.get().secondsAgo() > StoreService.REPORT_STALE_SECONDS) {
            checked.add(id + ": no recent report in the store");
            warnings.add(id + " has not reported to the store " + r.map(x -> "for " + x.secondsAgo() + " s").orElse("yet")
                    + ": check it is running before changing the switch");
            return;
        }
        checked.add(id + ": " + r.get().state() + (r.get().reason() == null ? "" : " / " + r.get().reason())
                + " (reported " + r.get().secondsAgo() + " s ago; its services are checked on its own node)");
        NodeState.parse(r.get().state()).ifPresent(s -> state(id, s, warnings));
    }

    private static void state(String id, NodeState s, List<String> warnings) {
        if (s != NodeState.NORMAL) {
            warnings.add(id + " is " + s.display() + ", not Normal: let the group settle (or fall back) first");
        }
    }
}
