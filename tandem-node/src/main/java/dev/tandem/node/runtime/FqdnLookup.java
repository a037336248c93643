package dev.tandem.node.runtime;

import dev.tandem.core.config.ConfigInterpreter;
import dev.tandem.core.config.GlobalConfig;
import dev.tandem.core.config.LbConfig;
import dev.tandem.core.lb.HostName;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.node.redirect.ReverseDns;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reverse lookups of redirect-fqdn ([LB-FQDN]): against the name servers this device's configuration names
 * ({@code dns name-server}, sent from the {@code dns domain-lookup} interface), each answer kept for its time to live
 * ({@link ReverseDns}); without a configured name server, the host's own resolver. The device's global commands are
 * read again at every lookup, so a name server changed in the store is used from the next one (docs/redirect.md,
 * redirect-fqdn). Blocking: called off the protocol loop.
 */
final class FqdnLookup {
    private static final Logger LOG = LoggerFactory.getLogger(FqdnLookup.class);

    private final Supplier<String> deviceConfig;
    private final Clock clock;
    private List<IpAddress> servers = List.of();
    private Optional<IpAddress> source = Optional.empty();
    private ReverseDns dns;
    private String unreadable;

    /** @param deviceConfig this device's global-mode commands as the store keeps them (may be empty) */
    FqdnLookup(Supplier<String> deviceConfig, Clock clock) {
        this.deviceConfig = deviceConfig;
        this.clock = clock;
    }

    /** The FQDN of {@code address} in reverse DNS, or empty. */
    synchronized Optional<HostName> name(IpAddress address) {
        GlobalConfig g = global();
        if (g.nameServers().isEmpty()) return host(address);
        if (dns == null || !g.nameServers().equals(servers) || !g.lookupSource().equals(source)) {
            servers = g.nameServers();
            source = g.lookupSource();
            dns = ReverseDns.of(servers, source.orElse(null), clock);
            LOG.info("redirect-fqdn: reverse lookups go to {}{}", servers.stream().map(IpAddress::text).toList(),
                    source.map(s -> " from " + s.text()).orElse(""));
        }
        return dns.name(address);
    }

    private GlobalConfig global() {
        String text = deviceConfig.get();
        if (text == null || text.isBlank()) return GlobalConfig.empty();
        try {
            return ConfigInterpreter.run(LbConfig.defaults(), text).config().global();
        } catch (RuntimeException e) {
            if (!text.equals(unreadable)) {
                LOG.warn("redirect-fqdn: this device's stored configuration cannot be read ({}); the host's resolver"
                        + " is used", e.getMessage());
                unreadable = text;
            }
            return GlobalConfig.empty();
        }
    }

    /** The host's resolver: what the JDK's name service says, when it is a name and not the address again. */
    private static Optional<HostName> host(IpAddress address) {
        try {
            String name = java.net.InetAddress.getByName(address.text()).getCanonicalHostName();
            if (!name.equals(address.text()) && name.contains(".")) return Optional.of(HostName.parseFqdn("fqdn", name));
        } catch (java.io.IOException | dev.tandem.core.Invalid e) {
            LOG.debug("redirect-fqdn: no reverse name for {}: {}", address.text(), e.getMessage());
        }
        return Optional.empty();
    }
}
