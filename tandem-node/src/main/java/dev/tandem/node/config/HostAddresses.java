package dev.tandem.node.config;

import dev.tandem.core.config.GlobalConfig;
import dev.tandem.core.config.LbConfig;
import dev.tandem.core.lb.IpAddress;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the addresses a device's named interfaces have ({@code ip address}, {@code ipv6 address}) are this
 * host's. The test is the one the node's sockets face: an address can be
 * bound here or not. Used where settings are applied on a host ({@code tandem config check}, and a node applying
 * commands for its own device); an address elsewhere is a warning, since a file is often checked on another machine.
 */
public final class HostAddresses {
    private HostAddresses() {}

    /** Whether a socket can be bound to {@code address} on this host. */
    public static boolean isLocal(IpAddress address) {
        try (DatagramSocket s = new DatagramSocket(null)) {
            s.bind(new InetSocketAddress(InetAddress.getByName(address.text()), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Each named interface's address in {@code c} with the interface, in the order of the configuration. Addresses
     * given to {@code interface lbpublic|lbprivate} directly are the node's bootstrap addresses, which it binds at
     * start and reports itself.
     */
    public static Map<IpAddress, String> named(LbConfig c) {
        Map<IpAddress, String> out = new LinkedHashMap<>();
        for (GlobalConfig.NamedInterface i : c.global().interfaces()) {
            String what = "interface " + i.hardwareId() + (i.name() == null ? "" : " (" + i.name() + ")");
            if (i.ipv4() != null) out.putIfAbsent(i.ipv4().address(), what);
            if (i.ipv6() != null) out.putIfAbsent(i.ipv6().address(), what);
        }
        return out;
    }

    /** One warning for each address of {@code c} that is not this host's. */
    public static List<String> notHere(LbConfig c) {
        List<String> out = new ArrayList<>();
        named(c).forEach((a, what) -> {
            if (!isLocal(a)) out.add(what + ": " + a.text() + " is not an address of this host");
        });
        return out;
    }
}
