package dev.tandem.node.redirect;

import dev.tandem.core.NodeId;
import java.util.List;

/**
 * Which nodes may serve a user, in order of preference: the user's home node, then its redundancy peer
 * ([RG-OVER]: users are served by their home node, or by the peer while the home node is failed over). The
 * director sends the user to the first of them that is a live member of the group. An empty list means the user is
 * not known, and the load-balancing rules decide.
 */
@FunctionalInterface
public interface UserLocator {
    UserLocator NONE = user -> List.of();

    /** Must not block: it runs on the node's event loop for every client that names a user. */
    List<NodeId> candidates(String user);
}
