package dev.tandem.node.redirect;

import dev.tandem.core.lb.HostName;
import dev.tandem.core.lb.IpAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reverse lookups for redirect-fqdn against the name servers the configuration chose ({@code dns name-server}),
 * sent from the interface {@code dns domain-lookup} names (decision 0068). A PTR query over UDP, with the JDK only:
 * the JDK's own resolver neither takes a server nor tells the answer's time to live. An answer is kept until its
 * time to live runs out and looked up again after, so a renamed member is redirected to by its new name.
 *
 * <p>Blocking: call it off the protocol loop (the node builds a device's settings off the loop).
 */
public final class ReverseDns {
    /** The DNS port. */
    public static final int PORT = 53;
    /** How long one server gets to answer before the next is asked; a DNS client's usual order of magnitude. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** How long a failed lookup is remembered, so a down server is not asked for every client. */
    static final Duration NEGATIVE_TTL = Duration.ofSeconds(30);
    private static final int TYPE_PTR = 12;
    private static final int CLASS_IN = 1;

    private final List<InetSocketAddress> servers;
    private final InetAddress source;
    private final Clock clock;
    private final Duration timeout;
    private final Map<IpAddress, Cached> cache = new ConcurrentHashMap<>();

    /** An answer: the name, or none, and when to ask again. */
    private record Cached(Optional<HostName> name, Instant expires) {}

    /**
     * @param servers the name servers, asked in order until one answers
     * @param source  the address to send from (the {@code dns domain-lookup} interface's), or null for any
     */
    public ReverseDns(List<InetSocketAddress> servers, InetAddress source, Clock clock, Duration timeout) {
        this.servers = List.copyOf(servers);
        this.source = source;
        this.clock = clock;
        this.timeout = timeout;
    }

    public static ReverseDns of(List<IpAddress> servers, IpAddress source, Clock clock) {
        try {
            return new ReverseDns(servers.stream().map(s -> {
                try {
                    return new InetSocketAddress(InetAddress.getByName(s.text()), PORT);
                } catch (IOException e) {
                    throw new IllegalArgumentException(s.text(), e);
                }
            }).toList(), source == null ? null : InetAddress.getByName(source.text()), clock, TIMEOUT);
        } catch (IOException e) {
            throw new IllegalArgumentException(String.valueOf(source), e);
        }
    }

    /** The FQDN of {@code address} in reverse DNS, from the cache while its time to live lasts. */
    public Optional<HostName> name(IpAddress address) {
        Instant now = clock.instant();
        Cached c = cache.get(address);
        if (c != null && now.isBefore(c.expires())) return c.name();
        Cached fresh = ask(address, now);
        cache.put(address, fresh);
        return fresh.name();
    }

    private Cached ask(IpAddress address, Instant now) {
        for (InetSocketAddress server : servers) {
            try {
                Optional<Answer> a = query(server, reverseName(address));
                if (a.isPresent()) {
                    return new Cached(Optional.of(a.get().name()), now.plusSeconds(Math.max(1, a.get().ttlSeconds())));
                }
                return new Cached(Optional.empty(), now.plus(NEGATIVE_TTL));
            } catch (IOException | RuntimeException e) {
                // the next server
            }
        }
        return new Cached(Optional.empty(), now.plus(NEGATIVE_TTL));
    }

    /** A PTR answer. */
    record Answer(HostName name, long ttlSeconds) {}

    /** One query to one server: the first PTR record of the answer, or empty when the server has none. */
    Optional<Answer> query(InetSocketAddress server, String name) throws IOException {
        int id = ThreadLocalRandom.current().nextInt(1 << 16);
        byte[] q = question(id, name);
        try (DatagramSocket socket = new DatagramSocket(null)) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.setSoTimeout((int) timeout.toMillis());
            socket.send(new DatagramPacket(q, q.length, server));
            byte[] buf = new byte[1500];
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                if (!p.getSocketAddress().equals(server) || p.getLength() < 12 || u16(buf, 0) != id) {
                    if (System.nanoTime() > deadline) throw new SocketTimeoutException("no answer from " + server);
                    continue;
                }
                return parse(java.util.Arrays.copyOf(buf, p.getLength()));
            }
        }
    }

    /** {@code d.c.b.a.in-addr.arpa}, or the 32 nibbles of an IPv6 address under {@code ip6.arpa}. */
    static String reverseName(IpAddress a) {
        StringBuilder sb = new StringBuilder();
        if (a.isIpv4()) {
            for (int i = 0; i < 4; i++) sb.append((a.low() >>> (8 * i)) & 0xff).append('.');
            return sb.append("in-addr.arpa").toString();
        }
        for (int i = 0; i < 16; i++) sb.append(Long.toHexString((a.low() >>> (4 * i)) & 0xf)).append('.');
        for (int i = 0; i < 16; i++) sb.append(Long.toHexString((a.high() >>> (4 * i)) & 0xf)).append('.');
        return sb.append("ip6.arpa").toString();
    }

    static byte[] question(int id, String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] header = {id, 0x0100, 1, 0, 0, 0}; // recursion desired, one question
        for (int h : header) {
            out.write(h >>> 8);
            out.write(h & 0xff);
        }
        for (String label : name.split("\\.")) {
            out.write(label.length());
            out.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        out.write(0);
        out.write(0);
        out.write(TYPE_PTR);
        out.write(0);
        out.write(CLASS_IN);
        return out.toByteArray();
    }

    /** The first PTR record among the answers; malformed input is an exception, no answer is empty. */
    static Optional<Answer> parse(byte[] m) {
        if ((m[2] & 0x80) == 0) throw new IllegalArgumentException("not a response");
        int rcode = m[3] & 0x0f;
        if (rcode != 0) return Optional.empty();
        int questions = u16(m, 4);
        int answers = u16(m, 6);
        int at = 12;
        for (int i = 0; i < questions; i++) at = skipName(m, at) + 4;
        for (int i = 0; i < answers; i++) {
            at = skipName(m, at);
            int type = u16(m, at);
            long ttl = ((long) u16(m, at + 4) << 16) | u16(m, at + 6);
            int length = u16(m, at + 8);
            int data = at + 10;
            if (data + length > m.length) throw new IllegalArgumentException("truncated record");
            if (type == TYPE_PTR) {
                String name = readName(m, data);
                return Optional.of(new Answer(HostName.parseFqdn("reverse DNS name", name), ttl));
            }
            at = data + length;
        }
        return Optional.empty();
    }

    private static int u16(byte[] m, int at) {
        if (at + 1 >= m.length) throw new IllegalArgumentException("truncated message");
        return ((m[at] & 0xff) << 8) | (m[at + 1] & 0xff);
    }

    private static int skipName(byte[] m, int at) {
        while (true) {
            if (at >= m.length) throw new IllegalArgumentException("truncated name");
            int len = m[at] & 0xff;
            if (len == 0) return at + 1;
            if ((len & 0xc0) == 0xc0) return at + 2;
            at += len + 1;
        }
    }

    private static String readName(byte[] m, int at) {
        StringBuilder sb = new StringBuilder();
        for (int jumps = 0; jumps < 64; ) {
            if (at >= m.length) throw new IllegalArgumentException("truncated name");
            int len = m[at] & 0xff;
            if (len == 0) return sb.toString();
            if ((len & 0xc0) == 0xc0) {
                at = ((len & 0x3f) << 8) | (m[at + 1] & 0xff);
                jumps++;
                continue;
            }
            if (at + len >= m.length) throw new IllegalArgumentException("truncated label");
            if (sb.length() > 0) sb.append('.');
            sb.append(new String(m, at + 1, len, java.nio.charset.StandardCharsets.US_ASCII));
            at += len + 1;
        }
        throw new IllegalArgumentException("a name that points in a loop");
    }
}
