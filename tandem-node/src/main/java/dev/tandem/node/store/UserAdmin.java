package dev.tandem.node.store;

import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import dev.tandem.core.Quote;
import dev.tandem.core.rm.AssignmentMode;
import dev.tandem.core.rm.NodeState;
import dev.tandem.core.rm.RedundancyGroup;
import dev.tandem.core.rm.UserAssignment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Adds, removes, imports, moves and rebalances users the way the specification's [RG-ASSIGN] sync agent assigns them (Configure User
 * Assignment Mode): Balanced fills the least-loaded node of every group, Active-Standby the first node of each
 * group, None leaves the home to the administrator. Every plan is made inside the store's write transaction, so
 * concurrent admins cannot unbalance the cluster.
 */
public final class UserAdmin {
    private final ClusterStore store;
    private final Supplier<Map<NodeId, NodeState>> states;

    /** @param states every node's state as this node knows it ([RG-LIMITS]: adding users is refused during a failover) */
    public UserAdmin(ClusterStore store, Supplier<Map<NodeId, NodeState>> states) {
        this.store = store;
        this.states = states;
    }

    public record Imported(int imported, int assigned, long epoch) {}

    /** [RG-LIMITS]: no new users while a node is in a failover state. */
    private void refuseDuringFailover(ClusterStore.Action action) {
        Optional<String> refusal = UserAssignment.refusalToAdd(states.get());
        if (refusal.isPresent()) {
            store.audit(action, "refused: " + refusal.get());
            throw new AdminRefused(refusal.get());
        }
    }

    public User add(String who, String id, String group, String home) {
        User.checkId(id);
        ClusterStore.Action action = new ClusterStore.Action(who, "user add", id);
        refuseDuringFailover(action);
        User[] added = new User[1];
        audited(action, () -> store.writeUsers(action, view -> {
            if (view.find(id).isPresent()) throw new Invalid("id", id, "an id no user has yet");
            Placer placer = new Placer(view);
            added[0] = placer.place(id, group, home);
            return new ClusterStore.UserWrite(List.of(added[0]), List.of(), List.of(),
                    "added to " + added[0].group() + " on " + added[0].home());
        }));
        return added[0];
    }

    public void remove(String who, String id) {
        ClusterStore.Action action = new ClusterStore.Action(who, "user remove", id);
        audited(action, () -> store.writeUsers(action, view -> {
            if (view.find(id).isEmpty()) throw new NotFound("no user '" + Quote.prefix(id) + "'");
            return new ClusterStore.UserWrite(List.of(), List.of(), List.of(id), "removed");
        }));
    }

    /**
     * Moves a user to another group; its home there is chosen by the mode (or given, and required in mode None).
     * [RG-LIMITS], IM and Presence status: a moved user must log out and in again.
     */
    public User move(String who, String id, String group, String home) {
        ClusterStore.Action action = new ClusterStore.Action(who, "user move", id + " to " + group);
        refuseDuringFailover(action);
        User[] moved = new User[1];
        audited(action, () -> store.writeUsers(action, view -> {
            User old = view.find(id).orElseThrow(() -> new NotFound("no user '" + Quote.prefix(id) + "'"));
            if (group == null) throw new Invalid("group", null, "the name of the redundancy group to move the user to");
            Map<String, Integer> counts = new HashMap<>(view.counts());
            counts.merge(old.home(), -1, Integer::sum);
            moved[0] = new Placer(view.settings(), counts).place(id, group, home);
            return new ClusterStore.UserWrite(List.of(), List.of(moved[0]), List.of(),
                    "moved from " + old.group() + "/" + old.home() + " to " + moved[0].group() + "/" + moved[0].home());
        }));
        return moved[0];
    }

    /** All or nothing: every line is checked before anything is written; an error names its line. */
    public Imported importCsv(String who, String csv) {
        return importCsv(who, new java.io.StringReader(csv));
    }

    /**
     * All or nothing: the CSV is read from the stream and every line checked before anything is written; an error
     * names its line. The rows are held in memory, the text they came from is not.
     */
    public Imported importCsv(String who, java.io.Reader csv) {
        ClusterStore.Action action = new ClusterStore.Action(who, "user import", "csv");
        refuseDuringFailover(action);
        UserCsv.Rows parsed = UserCsv.parse(csv);
        List<String[]> rows = parsed.rows();
        Map<String, Integer> lineOf = parsed.lineOf();
        int[] assigned = new int[1];
        long epoch;
        try {
            epoch = audited(action, () -> store.writeUsers(action, view -> {
                Placer placer = new Placer(view);
                List<User> users = new ArrayList<>(rows.size());
                for (String[] r : rows) {
                    try {
                        if (r[2] == null) assigned[0]++;
                        users.add(placer.place(r[0], r[1], r[2]));
                    } catch (Invalid e) {
                        throw new ImportError(lineOf.get(r[0]), e.getMessage());
                    }
                }
                return new ClusterStore.UserWrite(users, List.of(), List.of(),
                        "imported " + users.size() + " users, " + assigned[0] + " assigned by mode " + view.settings().mode().display());
            }));
        } catch (Invalid e) {
            // Valid ids are never cut by the error's quoting (Quote.MAX is longer than User.MAX_ID).
            Integer line = e.field().equals("id") ? lineOf.get(e.value().replace("'", "")) : null;
            if (line != null) throw new ImportError(line, e.getMessage());
            throw e;
        }
        return new Imported(rows.size(), assigned[0], epoch);
    }

    /**
     * Spreads the users again as the mode would have placed them, moving as few as possible: Balanced evens the
     * count over every node of every group, Active-Standby moves everyone onto the first nodes. Moved users must
     * log in again.
     */
    public int rebalance(String who) {
        ClusterStore.Action action = new ClusterStore.Action(who, "user rebalance", "all");
        refuseDuringFailover(action);
        int[] moved = new int[1];
        audited(action, () -> store.writeUsers(action, view -> {
            ClusterSettings s = view.settings();
            AssignmentMode mode = s.mode();
            if (mode == AssignmentMode.NONE) {
                throw new AdminRefused("the assignment mode is None: the administrator places every user ([RG-ASSIGN]);"
                        + " set mode Balanced or Active-Standby to rebalance");
            }
            List<User> changes = plan(s, mode, view);
            moved[0] = changes.size();
            return new ClusterStore.UserWrite(List.of(), changes, List.of(), "moved " + changes.size() + " users");
        }));
        return moved[0];
    }

    private static List<User> plan(ClusterSettings s, AssignmentMode mode, ClusterStore.UserView view) {
        Map<String, String> groupOf = new LinkedHashMap<>();
        List<String> eligible = new ArrayList<>();
        for (ClusterSettings.Group g : s.groups()) {
            for (int i = 0; i < g.nodes().size(); i++) {
                groupOf.put(g.nodes().get(i).id(), g.name());
                if (mode == AssignmentMode.BALANCED || i == 0) eligible.add(g.nodes().get(i).id());
            }
        }
        Map<String, Integer> counts = view.counts();
        long total = counts.values().stream().mapToLong(Integer::longValue).sum();
        if (eligible.isEmpty() || total == 0) return List.of();
        // The nodes holding most keep the extra users, so fewer users move.
        List<String> byLoad = new ArrayList<>(eligible);
        byLoad.sort(Comparator.comparing((String n) -> counts.getOrDefault(n, 0)).reversed());
        Map<String, Long> target = new HashMap<>();
        long base = total / eligible.size();
        long extra = total % eligible.size();
        for (int i = 0; i < byLoad.size(); i++) target.put(byLoad.get(i), base + (i < extra ? 1 : 0));
        List<String> deficit = new ArrayList<>();
        Map<String, Long> missing = new HashMap<>();
        for (String n : eligible) {
            long m = target.get(n) - counts.getOrDefault(n, 0);
            if (m > 0) {
                deficit.add(n);
                missing.put(n, m);
            }
        }
        List<User> changes = new ArrayList<>();
        int d = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            long surplus = e.getValue() - target.getOrDefault(e.getKey(), 0L);
            if (surplus <= 0) continue;
            for (User u : view.on(e.getKey(), (int) surplus)) {
                while (missing.get(deficit.get(d)) == 0) d++;
                String to = deficit.get(d);
                missing.merge(to, -1L, Long::sum);
                changes.add(new User(u.id(), groupOf.get(to), to));
            }
        }
        return changes;
    }

    /** Writes the audit row for a rejected write too (the write's own transaction rolled back with its row). */
    private <T> T audited(ClusterStore.Action action, Supplier<T> write) {
        try {
            return write.get();
        } catch (Invalid | ImportError | AdminRefused | NotFound e) {
            store.audit(action, "refused: " + e.getMessage());
            throw e;
        } catch (StoreUnavailable e) {
            throw e;
        }
    }

    /** A user or group that does not exist (404). */
    public static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NotFound(String message) {
            super(message, null, false, false);
        }
    }

    /** Chooses homes one user at a time against running counts, as the sync agent does. */
    static final class Placer {
        private final ClusterSettings settings;
        private final AssignmentMode mode;
        private final List<RedundancyGroup> groups;
        private final Map<NodeId, Integer> counts = new HashMap<>();

        Placer(ClusterStore.UserView view) {
            this(view.settings(), view.counts());
        }

        Placer(ClusterSettings settings, Map<String, Integer> counts) {
            this.settings = settings;
            this.mode = settings.mode();
            this.groups = settings.coreGroups();
            counts.forEach((k, v) -> this.counts.put(NodeId.of(k), v));
        }

        User place(String id, String group, String home) {
            User.checkId(id);
            String g = group;
            NodeId h;
            if (home != null) {
                ClusterSettings.Group owner = settings.groupOf(home).orElseThrow(() -> new Invalid("home", home,
                        "a node of a redundancy group: " + nodes()));
                if (g != null && !g.equals(owner.name())) {
                    throw new Invalid("home", home, "a node of group " + g + ": " + settings.group(g).map(x -> x.nodes()
                            .stream().map(ClusterSettings.Member::id).toList().toString()).orElse("(no such group)"));
                }
                g = owner.name();
                h = NodeId.of(home);
            } else {
                if (mode == AssignmentMode.NONE) {
                    throw new Invalid("home", null, "a node (" + nodes() + "): the assignment mode is None, the"
                            + " administrator assigns every user ([RG-ASSIGN])");
                }
                List<RedundancyGroup> among = groups;
                if (g != null) {
                    String name = g;
                    among = groups.stream().filter(x -> x.name().equals(name)).toList();
                    if (among.isEmpty()) throw new Invalid("group", g, "a redundancy group: " + groups.stream().map(RedundancyGroup::name).toList());
                }
                Optional<NodeId> next = UserAssignment.nextHome(mode, among, counts);
                if (next.isEmpty()) throw new Invalid("group", g, "a redundancy group to assign users to (there is none)");
                h = next.get();
                if (g == null) g = settings.groupOf(h.value()).orElseThrow().name();
            }
            counts.merge(h, 1, Integer::sum);
            return new User(id, g, h.value());
        }

        private List<String> nodes() {
            return settings.groups().stream().flatMap(x -> x.nodes().stream()).map(ClusterSettings.Member::id).toList();
        }
    }
}
