package dev.tandem.node.session;

import java.util.Optional;

/**
 * Where the cluster's users live: the home node each user is assigned to ([RG-ASSIGN]). The session
 * service asks it at every login; whether the home node or its peer serves the user now follows from the pair's
 * recovery-manager state, which the node knows first.
 */
@FunctionalInterface
public interface UserHomes {
    /** A directory that knows no users: every login is anonymous as far as routing goes. */
    UserHomes NONE = user -> Optional.empty();

    /** The id of the node {@code user} is assigned to, or empty for a user the cluster does not know. */
    Optional<String> homeNode(String user);
}
