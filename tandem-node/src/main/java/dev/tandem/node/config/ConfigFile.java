package dev.tandem.node.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.lb.ClassLoad;
import dev.tandem.node.config.ConfigBinding.Shape;
import dev.tandem.node.config.ConfigBinding.Whole;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of a node's configuration file, as {@link ConfigBinding} binds it: one record a section, one component a
 * key (docs/node-config.yaml explains each). The keys a section allows are its record's components, whole numbers
 * carry their range, and an absent key is null; {@link ConfigLoader} then gives defaults and checks how values fit
 * together. A key that takes either one value or a list (a command, NAT addresses) stays a tree and is read there.
 */
record ConfigFile(
        NodeSection node,
        AdminSection admin,
        ClusterSection cluster,
        GroupSection redundancyGroup,
        Map<String, String> parameters,
        String stateDir,
        @Shape("a list of checks") List<CheckSection> criticalServices,
        ServiceControlSection serviceControl,
        HooksSection hooks,
        LbSection loadBalancing,
        SessionSection sessionService,
        StoreSection store,
        DriverSection serviceAddresses) {

    record NodeSection(String id, String address) {}

    record AdminSection(
            String address,
            @Whole(min = 1, max = 65535) Long port,
            String tokenFile,
            String certificate,
            String privateKey,
            String trustFile,
            @Whole(min = 1024, max = ConfigReader.MAX_BODY_BYTES) Long maxImportBytes,
            HttpSection http) {}

    /** An HTTP server's limits (docs/node.md, HTTP limits). */
    record HttpSection(
            String headerTimeout,
            String idleTimeout,
            @Whole(min = 1, max = 100_000) Long maxConnectionsPerClient,
            @Whole(min = 1024, max = ConfigReader.MAX_BODY_BYTES) Long maxBodyBytes) {}

    record ClusterSection(String keyFile, String key8, String masterKeyFile, Boolean encryption) {}

    record GroupSection(
            String name,
            String description,
            Boolean highAvailability,
            @Shape("a list of one or two {id, address}") List<MemberSection> nodes) {}

    record MemberSection(String id, String address, String serviceAddress, JsonNode heartbeatAddresses) {}

    record CheckSection(
            String name,
            String kind,
            String target,
            String url,
            @Whole(min = 100, max = 599) Long expectStatus,
            String bodyContains,
            String pidFile,
            String processName,
            JsonNode command,
            String jdbcUrl,
            String interval,
            String timeout,
            @JsonProperty("interface") String iface,
            @Whole(min = 1, max = CheckConfig.MOST_IN_A_ROW) Long failAfter,
            @Whole(min = 1, max = CheckConfig.MOST_IN_A_ROW) Long recoverAfter) {}

    record ServiceControlSection(JsonNode stop, JsonNode start, String timeout) {}

    record HooksSection(JsonNode onStateChange, JsonNode takeOverUsers, JsonNode takeBackUsers, String timeout) {}

    /** How a node claims and releases addresses (serviceAddresses, and the cluster address's in loadBalancing). */
    record DriverSection(
            String driver,
            @JsonProperty("interface") String iface,
            JsonNode claimCommand,
            JsonNode releaseCommand) {}

    record LbSection(
            String clusterAddress,
            @Whole(min = 1, max = 65535) Long clusterPort,
            String mode,
            Boolean participate,
            @Whole(min = 1, max = 10) Long priority,
            String publicAddress,
            String privateAddress,
            JsonNode nat,
            Boolean redirectFqdn,
            String fqdn,
            String model,
            @Whole(min = 1, max = ClassLoad.MAX_SESSIONS) Long maxSessions,
            String member,
            @Shape("a list of the other nodes: {id, address}") List<PeerSection> peers,
            String addressDriver,
            @JsonProperty("interface") String iface,
            JsonNode claimCommand,
            JsonNode releaseCommand,
            TimingSection timing,
            JsonNode onDirectorChange,
            RedirectSection redirect) {

        DriverSection driverSection() {
            return new DriverSection(addressDriver, iface, claimCommand, releaseCommand);
        }
    }

    record PeerSection(String id, String address) {}

    /** The group's timers; a count for the retries, a duration for the rest. */
    record TimingSection(
            String keepaliveInterval,
            String keepaliveWait,
            String keepaliveRetries,
            String helloInterval,
            String helloRetries,
            String discoveryWindow) {

        /** The keys given, by name, in the order of the record. */
        Map<String, String> given() {
            Map<String, String> out = new LinkedHashMap<>();
            for (RecordComponent c : TimingSection.class.getRecordComponents()) {
                try {
                    Object v = c.getAccessor().invoke(this);
                    if (v != null) out.put(c.getName(), (String) v);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return out;
        }
    }

    record RedirectSection(
            Boolean enabled,
            @Whole(min = 1, max = 65535) Long port,
            @Whole(min = 1, max = 65535) Long servicePort,
            String certificate,
            String privateKey,
            String userParameter,
            String userHeader,
            String retryAfter,
            HttpSection http) {}

    record SessionSection(
            String address,
            @Whole(min = 1, max = 65535) Long port,
            @Whole(min = 1, max = ClassLoad.MAX_SESSIONS) Long maxSessions,
            String heartbeatInterval,
            String inactiveAfter,
            String endAfter,
            String userHeader,
            String certificate,
            String privateKey,
            @Whole(min = 1, max = ClassLoad.MAX_SESSIONS) Long maxSessionsPerAddress,
            @Whole(min = 1, max = ClassLoad.MAX_SESSIONS) Long maxSessionsPerUser,
            HttpSection http,
            String handover,
            @Whole(min = 1, max = 65535) Long replicationPort,
            String replicationAckTimeout) {

        /** "sessionService:" alone turns the service on with every default. */
        static final SessionSection DEFAULTS = new SessionSection(null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null);
    }

    record StoreSection(String url, String user, String passwordFile) {}
}
