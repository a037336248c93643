package dev.tandem.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.core.Invalid;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.NodeState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every store must do, run against H2 and against a real PostgreSQL by the two subclasses: settings
 * versioned by an epoch, all-or-nothing writes with an audit row each, and users assigned as the specification's [RG-OVER] sync
 * agent assigns them (Configure User Assignment Mode).
 */
abstract class StoreContractTest {
    protected ClusterStore store;
    protected final Map<NodeId, NodeState> states = new HashMap<>();
    protected UserAdmin users;

    /** A fresh, empty store of the kind the subclass tests. */
    protected abstract ClusterStore openStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = openStore();
        users = new UserAdmin(store, () -> states);
    }

    @AfterEach
    void closeStore() {
        if (store != null) store.close();
    }

    static ClusterSettings.Group pair(String name, String a, String b) {
        return new ClusterSettings.Group(name, "", List.of(new ClusterSettings.Member(a, "10.0.0." + a.substring(1)),
                new ClusterSettings.Member(b, "10.0.0." + b.substring(1))), true);
    }

    /** Two redundancy groups of two nodes: g1 = n1, n2; g2 = n3, n4. */
    protected void twoGroups(String mode) {
        store.updateSettings(new ClusterStore.Action("test", "setup", "groups"),
                s -> s.withGroups(List.of(pair("g1", "n1", "n2"), pair("g2", "n3", "n4"))).withAssignmentMode(mode));
    }

    protected Map<String, Long> perNode() {
        List<User> all = new ArrayList<>();
        store.exportUsers(all::add);
        return all.stream().collect(Collectors.groupingBy(User::home, Collectors.counting()));
    }

    @Test
    void anEmptyStoreHasEpochZeroTheSchemaAndTheSpecificationDefaults() {
        ClusterSettings s = store.settings();
        assertThat(s.epoch()).isZero();
        assertThat(s.groups()).isEmpty();
        assertThat(s.mode().display()).isEqualTo("balanced"); // the specification ([RG-ASSIGN]): Balanced is the default
        assertThat(s.serviceParameters().keepAliveInterval()).hasSeconds(15);
        assertThat(store.schemaVersion()).isEqualTo("7");
    }

    @Test
    void asTheWitnessTheStoreGrantsAGroupsLeaseToOneNodeAtATime() throws Exception {
        // docs/decisions/115: the first ask gets it, the other node is refused while it runs, its holder renews it
        // under the same fencing number, and once it ran out (on the database's clock) it moves with the next number.
        java.time.Duration time = java.time.Duration.ofMillis(400);
        NodeId n1 = NodeId.of("n1");
        NodeId n2 = NodeId.of("n2");
        assertThat(store.lease("g1")).isEmpty();
        dev.tandem.core.rm.WitnessLease first = store.askLease("g1", n1, time);
        assertThat(first.holder()).isEqualTo(n1);
        assertThat(first.fence()).isEqualTo(1);
        assertThat(store.askLease("g1", n2, time).holder()).as("refused while it runs").isEqualTo(n1);
        assertThat(store.askLease("g1", n1, time).fence()).as("renewed").isEqualTo(1);
        assertThat(store.askLease("g2", n2, time).holder()).as("another group's lease").isEqualTo(n2);
        dev.tandem.core.rm.WitnessLease renewed = store.askLease("g1", n1, time);
        assertThat(store.lease("g1")).contains(renewed);
        Thread.sleep(time.toMillis() + 200);
        dev.tandem.core.rm.WitnessLease moved = store.askLease("g1", n2, time);
        assertThat(moved.holder()).isEqualTo(n2);
        assertThat(moved.fence()).isEqualTo(2);
        assertThat(store.askLease("g1", n1, time).holder()).isEqualTo(n2);
    }

    @Test
    void twoNodesAskingForAGroupsFirstLeaseAtOnceGetOneAnswer() throws Exception {
        java.time.Duration time = java.time.Duration.ofSeconds(30);
        for (int round = 0; round < 5; round++) {
            String group = "race" + round;
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                List<java.util.concurrent.Future<dev.tandem.core.rm.WitnessLease>> asks = new ArrayList<>();
                for (String n : List.of("n1", "n2")) {
                    asks.add(two.submit(() -> {
                        start.await();
                        return store.askLease(group, NodeId.of(n), time);
                    }));
                }
                dev.tandem.core.rm.WitnessLease a = asks.get(0).get();
                dev.tandem.core.rm.WitnessLease b = asks.get(1).get();
                assertThat(a.holder()).as(group).isEqualTo(b.holder());
                assertThat(a.fence()).isEqualTo(1);
            } finally {
                two.shutdownNow();
            }
        }
    }

    @Test
    void everySettingsWriteBumpsTheEpochAndIsAudited() {
        twoGroups("balanced");
        ClusterSettings after = store.updateSettings(new ClusterStore.Action("alice", "parameters", "cluster"),
                s -> s.withParameters(Map.of("keepAliveInterval", "5s", "keepAliveTimeout", "20s"))
                        .withLoadBalancing(new ClusterSettings.LbGroup("192.0.2.10", 9023, false, null, "distributed", 443),
                                List.of(new ClusterSettings.Device("n1", 7, "192.0.2.11", "10.0.0.1", List.of("203.0.113.1"),
                                        true, false, null))));
        assertThat(after.epoch()).isEqualTo(2);
        ClusterSettings read = store.settings();
        assertThat(read.epoch()).isEqualTo(2);
        assertThat(read.groups()).extracting(ClusterSettings.Group::name).containsExactly("g1", "g2");
        assertThat(read.group("g2").orElseThrow().nodes()).extracting(ClusterSettings.Member::id).containsExactly("n3", "n4");
        assertThat(read.parameters()).containsEntry("keepAliveInterval", "5s");
        assertThat(read.lbGroup().clusterAddress()).isEqualTo("192.0.2.10");
        assertThat(read.device("n1").orElseThrow().nat()).containsExactly("203.0.113.1");
        assertThat(read.device("n1").orElseThrow().priority()).isEqualTo(7);
        assertThat(store.audit(10)).first().satisfies(a -> {
            assertThat(a.who()).isEqualTo("alice");
            assertThat(a.action()).isEqualTo("parameters");
            assertThat(a.result()).isEqualTo("ok, epoch 2");
        });
    }

    @Test
    void anInvalidSettingsWriteChangesNothingAndNamesTheField() {
        twoGroups("balanced");
        // [RG-FLOW]: a node can be assigned to only one presence redundancy group.
        assertThatThrownBy(() -> store.updateSettings(new ClusterStore.Action("t", "group add", "g3"),
                s -> s.withGroup(pair("g3", "n1", "n5"))))
                .isInstanceOf(Invalid.class).hasMessageContaining("nodes: 'n1'").hasMessageContaining("already in g1");
        // [RG-GROUP] step 3: names of up to 128 A-Za-z0-9_- only.
        assertThatThrownBy(() -> store.updateSettings(new ClusterStore.Action("t", "group add", "bad name"),
                s -> s.withGroup(pair("bad name", "n7", "n8"))))
                .isInstanceOf(Invalid.class).hasMessageContaining("group name: 'bad name'");
        assertThatThrownBy(() -> store.updateSettings(new ClusterStore.Action("t", "parameters", "cluster"),
                s -> s.withParameters(Map.of("keepAliveInterval", "forever"))))
                .isInstanceOf(Invalid.class).hasMessageContaining("keepAliveInterval");
        assertThat(store.epoch()).isEqualTo(1);
        assertThat(store.settings().groups()).hasSize(2);
    }

    /**
     * [RG-RELOGIN]: a node's own Client Re-Login limits are kept beside the cluster's parameters, survive every other
     * settings write (a group replaced, the cluster's parameters changed) and go when cleared.
     */
    @Test
    void aNodesOwnParametersAreKeptThroughOtherWritesAndCleared() {
        twoGroups("balanced");
        store.updateSettings(new ClusterStore.Action("t", "node parameters", "n2"),
                s -> s.withNodeParameters("n2", Map.of("clientReloginLower", "30s", "clientReloginUpper", "90s")));
        store.updateSettings(new ClusterStore.Action("t", "group", "g1"), s -> s.withGroup(pair("g1", "n1", "n2")));
        store.updateSettings(new ClusterStore.Action("t", "parameters", "cluster"),
                s -> s.withParameters(Map.of("clientReloginLower", "10s", "clientReloginUpper", "600s")));
        ClusterSettings now = store.settings();
        assertThat(now.nodeParameters("n2")).containsExactlyInAnyOrderEntriesOf(
                Map.of("clientReloginLower", "30s", "clientReloginUpper", "90s"));
        assertThat(now.serviceParametersOf("n2").clientReloginLower()).hasSeconds(30);
        assertThat(now.serviceParametersOf("n1").clientReloginLower()).hasSeconds(10);
        assertThat(now.serviceParametersOf("n1").clientReloginUpper()).hasSeconds(600);
        // Only the per-node ones, and checked together with the cluster's.
        assertThatThrownBy(() -> store.updateSettings(new ClusterStore.Action("t", "node parameters", "n1"),
                s -> s.withNodeParameters("n1", Map.of("keepAliveInterval", "1s"))))
                .isInstanceOf(Invalid.class).hasMessageContaining("keepAliveInterval")
                .hasMessageContaining("clientReloginLower, clientReloginUpper");
        assertThatThrownBy(() -> store.updateSettings(new ClusterStore.Action("t", "node parameters", "n1"),
                s -> s.withNodeParameters("n1", Map.of("clientReloginLower", "700s"))))
                .isInstanceOf(Invalid.class).hasMessageContaining("clientReloginUpper");
        java.util.Map<String, String> clear = new java.util.HashMap<>();
        clear.put("clientReloginLower", null);
        clear.put("clientReloginUpper", null);
        store.updateSettings(new ClusterStore.Action("t", "node parameters", "n2"), s -> s.withNodeParameters("n2", clear));
        assertThat(store.settings().nodeParameters("n2")).isEmpty();
        assertThat(store.settings().nodeParameters()).isEmpty();

        // A node taken out of every group takes its own parameters with it; one never in a group cannot have any.
        store.updateSettings(new ClusterStore.Action("t", "node parameters", "n4"),
                s -> s.withNodeParameters("n4", Map.of("clientReloginLower", "5s")));
        store.updateSettings(new ClusterStore.Action("t", "group", "g2"), s -> s.withGroup(pair("g2", "n3", "n6")));
        assertThat(store.settings().nodeParameters()).isEmpty();
        assertThatThrownBy(() -> store.updateSettings(new ClusterStore.Action("t", "node parameters", "n9"),
                s -> s.withNodeParameters("n9", Map.of("clientReloginLower", "5s"))))
                .isInstanceOf(Invalid.class).hasMessageContaining("n9").hasMessageContaining("a node of a redundancy group");
    }

    @Test
    void balancedSpreadsUsersEquallyOverTheNodesOfEachGroupAndAcrossGroups() {
        twoGroups("balanced");
        for (int i = 0; i < 10; i++) users.add("cli", "u" + i, null, null);
        // [RG-ASSIGN]: "assigns users equally to each node in each subcluster and balances the total across each node"
        assertThat(perNode()).containsOnlyKeys("n1", "n2", "n3", "n4");
        assertThat(perNode().values()).allSatisfy(c -> assertThat(c).isBetween(2L, 3L));
        User inG2 = users.add("cli", "only-g2", "g2", null);
        assertThat(inG2.group()).isEqualTo("g2");
        assertThat(inG2.home()).isIn("n3", "n4");
    }

    @Test
    void activeStandbyPutsEveryUserOnTheFirstNodeOfAGroup() {
        twoGroups("active-standby");
        for (int i = 0; i < 6; i++) users.add("cli", "u" + i, null, null);
        // [RG-ASSIGN]: "assigns all users to the first node of the subcluster, leaving the secondary server as a backup"
        assertThat(perNode()).containsOnlyKeys("n1", "n3").containsEntry("n1", 3L).containsEntry("n3", 3L);
    }

    @Test
    void modeNoneLeavesTheHomeToTheAdministrator() {
        twoGroups("none");
        assertThatThrownBy(() -> users.add("cli", "u1", null, null)).isInstanceOf(Invalid.class)
                .hasMessageContaining("home").hasMessageContaining("None");
        User u = users.add("cli", "u1", null, "n4");
        assertThat(u).isEqualTo(new User("u1", "g2", "n4"));
        assertThatThrownBy(() -> users.add("cli", "u2", "g1", "n4")).isInstanceOf(Invalid.class)
                .hasMessageContaining("home: 'n4'").hasMessageContaining("g1");
    }

    @Test
    void addingUsersWhileANodeIsInAFailoverStateIsRefusedAndAudited() {
        twoGroups("balanced");
        states.put(NodeId.of("n1"), NodeState.NORMAL);
        states.put(NodeId.of("n3"), NodeState.FAILED_OVER);
        // [RG-LIMITS]: "You cannot add new users ... while one of the
        // cluster nodes is in a failover state."
        assertThatThrownBy(() -> users.add("bob", "u1", null, null)).isInstanceOf(AdminRefused.class)
                .hasMessageContaining("failover state").hasMessageContaining("n3 is Failed Over");
        assertThatThrownBy(() -> users.importCsv("bob", "u2\nu3\n")).isInstanceOf(AdminRefused.class);
        assertThat(store.users(null, null, null, 10)).isEmpty();
        assertThat(store.audit(1).get(0).result()).startsWith("refused: ").contains("n3 is Failed Over");
        assertThat(store.audit(1).get(0).who()).isEqualTo("bob");
    }

    @Test
    void anImportIsAllOrNothingAndAnErrorNamesItsLine() {
        twoGroups("balanced");
        long before = store.epoch();
        assertThatThrownBy(() -> users.importCsv("cli", "id,group,home\nu1\nu2,g1\nu3,g9\n"))
                .isInstanceOf(ImportError.class).hasMessageStartingWith("line 4: ").hasMessageContaining("g9");
        assertThatThrownBy(() -> users.importCsv("cli", "u1\nu1\n"))
                .isInstanceOf(ImportError.class).hasMessageContaining("line 2").hasMessageContaining("first on line 1");
        assertThatThrownBy(() -> users.importCsv("cli", "u1,g1,n1,extra\n"))
                .isInstanceOf(ImportError.class).hasMessageContaining("line 1").hasMessageContaining("4 fields");
        assertThat(store.epoch()).isEqualTo(before);
        assertThat(store.users(null, null, null, 10)).isEmpty();

        UserAdmin.Imported ok = users.importCsv("cli", "id,group,home\nu1\nu2,g1\nu3,,n4\n");
        assertThat(ok.imported()).isEqualTo(3);
        assertThat(ok.assigned()).isEqualTo(2);
        assertThat(store.user("u3")).contains(new User("u3", "g2", "n4"));
        assertThat(store.user("u2").orElseThrow().group()).isEqualTo("g1");
        // An id the store holds already: the error names the line of the file.
        assertThatThrownBy(() -> users.importCsv("cli", "x1\nu2\n"))
                .isInstanceOf(ImportError.class).hasMessageStartingWith("line 2: ").hasMessageContaining("'u2'");
        assertThat(store.user("x1")).isEmpty();
    }

    @Test
    void aMovedUserGetsAHomeInItsNewGroupAndTheMoveIsAudited() {
        twoGroups("balanced");
        users.add("cli", "u1", "g1", null);
        User moved = users.move("carol", "u1", "g2", null);
        assertThat(moved.group()).isEqualTo("g2");
        assertThat(moved.home()).isIn("n3", "n4");
        assertThat(store.user("u1")).contains(moved);
        assertThat(store.audit(1).get(0).action()).isEqualTo("user move");
        assertThatThrownBy(() -> users.move("carol", "nobody", "g2", null)).isInstanceOf(UserAdmin.NotFound.class);
    }

    @Test
    void rebalanceEvensOutUsersAfterAGroupIsAddedMovingAsFewAsPossible() {
        store.updateSettings(new ClusterStore.Action("t", "setup", "g1"), s -> s.withGroup(pair("g1", "n1", "n2")));
        users.importCsv("cli", java.util.stream.IntStream.range(0, 100).mapToObj(i -> "u" + i).collect(Collectors.joining("\n")));
        assertThat(perNode()).containsEntry("n1", 50L).containsEntry("n2", 50L);
        store.updateSettings(new ClusterStore.Action("t", "setup", "g2"), s -> s.withGroup(pair("g2", "n3", "n4")));
        int moved = users.rebalance("cli");
        assertThat(moved).isEqualTo(50);
        assertThat(perNode()).containsEntry("n1", 25L).containsEntry("n2", 25L).containsEntry("n3", 25L).containsEntry("n4", 25L);
        assertThat(store.user("u0").orElseThrow().group()).isEqualTo(store.user("u0").orElseThrow().home().compareTo("n3") < 0 ? "g1" : "g2");
        assertThat(users.rebalance("cli")).isZero();
    }

    @Test
    void aGroupThatStillHasUsersCannotBeDeleted() {
        twoGroups("balanced");
        users.add("cli", "u1", "g2", null);
        assertThatThrownBy(() -> store.updateSettings(new ClusterStore.Action("t", "group delete", "g2"),
                s -> s.withoutGroup("g2"))).isInstanceOf(Invalid.class).hasMessageContaining("1 users");
        assertThat(store.settings().group("g2")).isPresent();
    }

    @Test
    void changesSinceAnEpochCarryAddsMovesAndRemovals() {
        twoGroups("balanced");
        users.importCsv("cli", "a\nb\nc\n");
        long e1 = store.epoch();
        users.remove("cli", "a");
        users.move("cli", "b", "g2", null);
        ClusterStore.UserChanges all = store.userChangesSince(0);
        assertThat(all.upserted()).extracting(User::id).containsExactlyInAnyOrder("b", "c");
        ClusterStore.UserChanges since = store.userChangesSince(e1);
        assertThat(since.epoch()).isEqualTo(store.epoch());
        assertThat(since.removed()).containsExactly("a");
        assertThat(since.upserted()).extracting(User::id).containsExactly("b");
        users.add("cli", "a", null, null);
        assertThat(store.userChangesSince(since.epoch()).upserted()).extracting(User::id).containsExactly("a");
        assertThat(store.userChangesSince(since.epoch()).removed()).isEmpty();
    }

    @Test
    void usersPageInIdOrderAndFilterByGroupAndNode() {
        twoGroups("balanced");
        users.importCsv("cli", "u1,g1,n1\nu2,g1,n2\nu3,g2,n3\nu4,g1,n1\n");
        assertThat(store.users(null, null, null, 2)).extracting(User::id).containsExactly("u1", "u2");
        assertThat(store.users(null, null, "u2", 10)).extracting(User::id).containsExactly("u3", "u4");
        assertThat(store.users("g1", null, null, 10)).extracting(User::id).containsExactly("u1", "u2", "u4");
        assertThat(store.users(null, "n1", null, 10)).extracting(User::id).containsExactly("u1", "u4");
    }

    @Test
    void nodesReportTheirEpochStateAndReason() {
        store.report("n1", 3, "Normal", "Normal");
        store.report("n1", 4, "Failed Over", "On Admin Request");
        store.report("n2", 4, "Running in Backup Mode", "On Admin Request");
        store.report("n3", 4, "Normal"); // a build that reports no reason
        assertThat(store.reports()).extracting(ClusterStore.NodeReport::node, ClusterStore.NodeReport::epoch,
                ClusterStore.NodeReport::state, ClusterStore.NodeReport::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("n1", 4L, "Failed Over", "On Admin Request"),
                org.assertj.core.groups.Tuple.tuple("n2", 4L, "Running in Backup Mode", "On Admin Request"),
                org.assertj.core.groups.Tuple.tuple("n3", 4L, "Normal", null));
        assertThat(store.reports().get(0).secondsAgo()).isLessThan(5);
    }

    @Test
    void operatorsAreAddedChangedAndRemovedWithAnAuditRowAndTheLastAdminStays() {
        java.time.Instant at = java.time.Instant.parse("2026-12-01T10:00:00Z");
        ClusterStore.Action byToken = new ClusterStore.Action("token", "operator add", "alice");
        store.addOperator(byToken, new ClusterStore.Operator("alice", "admin", "$argon2id$hash-a", at));
        store.addOperator(new ClusterStore.Action("token", "operator add", "bob"),
                new ClusterStore.Operator("bob", "read-only", "$argon2id$hash-b", at));
        assertThat(store.operators()).extracting(ClusterStore.Operator::name, ClusterStore.Operator::role)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("alice", "admin"),
                        org.assertj.core.groups.Tuple.tuple("bob", "read-only"));
        assertThat(store.operator("alice").orElseThrow().created()).isEqualTo(at);
        assertThat(store.operator("carol")).isEmpty();
        long epoch = store.epoch();
        assertThatThrownBy(() -> store.addOperator(byToken, new ClusterStore.Operator("alice", "read-only", "x", at)))
                .isInstanceOf(AdminRefused.class).hasMessage("operator 'alice' exists already");
        assertThat(store.operator("alice").orElseThrow().passwordHash()).isEqualTo("$argon2id$hash-a");
        assertThatThrownBy(() -> store.removeOperator(new ClusterStore.Action("bob", "operator remove", "alice"), "alice"))
                .isInstanceOf(AdminRefused.class).hasMessage("operator 'alice' is the last admin; add another admin first");
        assertThatThrownBy(() -> store.operatorPassword(byToken, "carol", "x"))
                .isInstanceOf(UserAdmin.NotFound.class).hasMessage("no operator 'carol'");
        store.operatorPassword(new ClusterStore.Action("alice", "operator passwd", "bob"), "bob", "$argon2id$hash-b2");
        assertThat(store.operator("bob").orElseThrow().passwordHash()).isEqualTo("$argon2id$hash-b2");
        store.removeOperator(new ClusterStore.Action("alice", "operator remove", "bob"), "bob");
        assertThat(store.operators()).extracting(ClusterStore.Operator::name).containsExactly("alice");
        // Operators are not settings: no node reloads anything because one changed.
        assertThat(store.epoch()).isEqualTo(epoch);
        assertThat(store.audit(3)).extracting(ClusterStore.AuditRow::who, ClusterStore.AuditRow::action,
                ClusterStore.AuditRow::target).containsExactly(
                org.assertj.core.groups.Tuple.tuple("alice", "operator remove", "bob"),
                org.assertj.core.groups.Tuple.tuple("alice", "operator passwd", "bob"),
                org.assertj.core.groups.Tuple.tuple("token", "operator add", "bob"));
    }
}
