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
 * Whether the addresses a device's configuration names are this host's: an interface's {@code ip address}, and the
 * addresses {@code interface lbpublic|lbprivate} use. The test is the one the node's sockets face: an address can be
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

    /** Each address of {@code c} with what names it, in the order of the configuration. */
    public static Map<IpAddress, String> named(LbConfig c) {
        Map<IpAddress, String> out = new LinkedHashMap<>();
        for (GlobalConfig.NamedInterface i : c.global().interfaces()) {
            String what = "interface " + i.hardwareId() + (i.name() == null ? "" : " (" + i.name() + ")");
            if (i.ipv4() != null) out.putIfAbsent(i.ipv4().address(), what);
            if (i.ipv6() != null) out.putIfAbsent(i.ipv6().address(), what);
        }
        if (c.publicAddress() != null) out.putIfAbsent(c.publicAddress(), "interface lbpublic");
        if (c.privateAddress() != null) out.putIfAbsent(c.privateAddress(), "interface lbprivate");
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
