package dev.tandem.node.store;

import dev.tandem.core.NodeId;
import dev.tandem.core.rm.WitnessLease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The cluster's store (docs/architecture.md, Persistence): settings versioned by an epoch, users, node reports and the audit
 * log. Every write is one transaction that bumps the epoch and appends its audit row, so a write is either all
 * there or not at all. Any method may throw {@link StoreUnavailable}; a rejected input throws
 * {@link dev.tandem.core.Invalid} and changes nothing.
 */
public interface ClusterStore extends AutoCloseable {

    /** Who did what to which target, for the audit log. */
    record Action(String who, String action, String target) {}

    /**
     * An operator of the web console (docs/console.md).
     *
     * @param role         {@value #ADMIN} or {@value #READ_ONLY}
     * @param passwordHash the password's Argon2id hash in the PHC string format
     */
    record Operator(String name, String role, String passwordHash, Instant created) {
        public static final String ADMIN = "admin";
        public static final String READ_ONLY = "read-only";
    }

    /** Every operator, by name. */
    List<Operator> operators();

    Optional<Operator> operator(String name);

    /** Adds an operator (audited); {@link AdminRefused} when the name is taken. */
    void addOperator(Action action, Operator operator);

    /** Removes an operator (audited); refused for the last admin, {@code UserAdmin.NotFound} for no such name. */
    void removeOperator(Action action, String name);

    /** Replaces an operator's password hash (audited). */
    void operatorPassword(Action action, String name, String passwordHash);

    /**
     * The store as a redundancy group's witness (docs/decisions/115-a-witness-decides-who-serves.md): {@code node} asks
     * for the group's lease for {@code time}, counted on the database's clock. Returns the lease after the ask; the
     * node holds it when it is the holder.
     */
    WitnessLease askLease(String group, NodeId node, Duration time);

    /** The group's lease as the store keeps it, if it ever granted one. */
    Optional<WitnessLease> lease(String group);

    /** "h2" or "postgresql". */
    String kind();

    /** The JDBC URL without any password. */
    String url();

    /** All settings and their epoch, read as one consistent snapshot. */
    ClusterSettings settings();

    /** The current epoch only (cheap: what the watcher polls). */
    long epoch();

    /**
     * Applies {@code change} to the current settings in one transaction: the result is validated, written, the
     * epoch bumped and the action audited. Returns the settings as written, with their new epoch.
     */
    ClusterSettings updateSettings(Action action, UnaryOperator<ClusterSettings> change);

    /** What a user write sees, inside its transaction (writers are serialized, so counts cannot change under it). */
    interface UserView {
        ClusterSettings settings();

        /** Users per home node now. */
        Map<String, Integer> counts();

        Optional<User> find(String id);

        /** Up to {@code limit} users whose home is {@code node}, in id order. */
        List<User> on(String node, int limit);
    }

    /**
     * A planned user write: users to add (they must not exist), users to change (they must exist), ids to remove
     * (they must exist) and what the audit row says when it succeeds.
     */
    record UserWrite(List<User> added, List<User> changed, List<String> removed, String result) {}

    /** Plans a user write with a consistent view, then applies it all or nothing, bumping the epoch. */
    long writeUsers(Action action, Function<UserView, UserWrite> plan);

    Optional<User> user(String id);

    /** Users in id order after {@code after}, filtered by group and/or home node when given. */
    List<User> users(String group, String node, String after, int limit);

    /** Every user in id order, streamed. */
    void exportUsers(Consumer<User> sink);

    /** What changed since an epoch: users added or changed, ids removed, and the epoch this answer is complete to. */
    record UserChanges(long epoch, List<User> upserted, List<String> removed) {}

    UserChanges userChangesSince(long epoch);

    /** Records a refused or failed action in the audit log (best effort: the store may be the reason). */
    void audit(Action action, String result);

    record AuditRow(Instant at, String who, String action, String target, String result) {}

    /** The newest audit rows first. */
    List<AuditRow> audit(int limit);

    /** A node reports the epoch it runs and its recovery-manager state and reason (Table 2's spellings). */
    void report(String node, long epoch, String state, String reason);

    /** A report without a reason. */
    default void report(String node, long epoch, String state) {
        report(node, epoch, state, null);
    }

    /**
     * @param reason     null from a build that reported none
     * @param secondsAgo how long since the node last reported, by the store's clock
     */
    record NodeReport(String node, long epoch, String state, String reason, long secondsAgo) {}

    List<NodeReport> reports();

    /** The Flyway schema version, e.g. "1". */
    String schemaVersion();

    /** PostgreSQL's streaming replication as the primary sees it; empty on H2 or without standbys. */
    List<dev.tandem.api.ClusterAnswers.Replica> replication();

    /**
     * Returns when the store may have a new epoch (a PostgreSQL notification) or after {@code max} (H2 has no
     * notifications: the caller then polls the epoch).
     */
    void awaitChange(java.time.Duration max) throws InterruptedException;

    @Override
    void close();
}
