package dev.tandem.node.runtime;

import dev.tandem.core.rm.RmState;
import dev.tandem.core.rm.Versions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator what the peer runs whenever that changes (first heard, or a restart on another build): one
 * event and one log line, a warning when the two protocols do not interoperate (docs/redundancy.md, Versions).
 */
final class PeerVersions {
    private static final Logger LOG = LoggerFactory.getLogger(PeerVersions.class);

    private PeerVersions() {}

    /** After a step: {@code before} and {@code after} are the states around it. */
    static void reconsider(RmState before, RmState after, EventBus events, Instant at) {
        Versions heard = after.peer().versions();
        if (heard == null || Objects.equals(heard, before.peer().versions()) || after.peerId().isEmpty()) return;
        boolean compatible = after.versions().interoperatesWith(heard);
        String peer = after.peerId().get().value();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("node", after.self().value());
        e.put("peer", peer);
        e.put("protocol", heard.protocol());
        e.put("software", heard.software());
        e.put("ownProtocol", after.versions().protocol());
        e.put("ownSoftware", after.versions().software());
        e.put("compatible", compatible);
        events.publish("peer-versions", at, e);
        if (compatible) {
            LOG.info("peer {} runs {}; this node runs {}", peer, heard.describe(), after.versions().describe());
        } else {
            LOG.warn("peer {} runs {}, which this node ({}) does not interoperate with: both stay Unknown and each"
                    + " serves its own users until one runs a protocol within 1 of the other's", peer,
                    heard.describe(), after.versions().describe());
        }
    }
}
