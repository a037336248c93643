package dev.tandem.node.redirect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.lb.HostName;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.node.HandClock;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * redirect-fqdn's reverse lookups against the configured name server, a tiny fake DNS server on loopback: the answer
 * is kept for its time to live and asked for again after it.
 */
class ReverseDnsTest {
    static final IpAddress MEMBER = IpAddress.parse("t", "209.165.202.159");

    /** A DNS server that answers every PTR query with {@link #name} and {@link #ttl}, or NXDOMAIN when null. */
    static final class FakeDns implements AutoCloseable {
        final DatagramSocket socket;
        final AtomicInteger queries = new AtomicInteger();
        final AtomicReference<String> name = new AtomicReference<>("vpn-a.example.com");
        final AtomicReference<String> asked = new AtomicReference<>();
        volatile long ttl = 60;
        final Thread thread;

        FakeDns() throws Exception {
            this(0);
        }

        /** @param port 0 for any; 53 (as root) where the code under test asks the DNS port itself */
        FakeDns(int port) throws Exception {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.34.53"), port));
            thread = new Thread(this::serve, "fake-dns");
            thread.setDaemon(true);
            thread.start();
        }

        void serve() {
            byte[] buf = new byte[512];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    queries.incrementAndGet();
                    byte[] q = java.util.Arrays.copyOf(buf, p.getLength());
                    byte[] a = answer(q);
                    socket.send(new DatagramPacket(a, a.length, p.getSocketAddress()));
                } catch (Exception e) {
                    return;
                }
            }
        }

        byte[] answer(byte[] q) {
            int end = 12;
            StringBuilder qname = new StringBuilder();
            while (q[end] != 0) {
                if (qname.length() > 0) qname.append('.');
                qname.append(new String(q, end + 1, q[end]));
                end += q[end] + 1;
            }
            asked.set(qname.toString());
            end += 5; // the root label, type and class
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String n = name.get();
            out.write(q[0]);
            out.write(q[1]);
            out.write(0x81);
            out.write(n == null ? 0x83 : 0x80); // response; NXDOMAIN when there is no name
            out.writeBytes(new byte[] {0, 1, 0, (byte) (n == null ? 0 : 1), 0, 0, 0, 0});
            out.write(q, 12, end - 12);
            if (n != null) {
                out.writeBytes(new byte[] {(byte) 0xc0, 12, 0, 12, 0, 1});
                out.writeBytes(new byte[] {(byte) (ttl >>> 24), (byte) (ttl >>> 16), (byte) (ttl >>> 8), (byte) ttl});
                ByteArrayOutputStream rdata = new ByteArrayOutputStream();
                for (String label : n.split("\\.")) {
                    rdata.write(label.length());
                    rdata.writeBytes(label.getBytes());
                }
                rdata.write(0);
                out.write(0);
                out.write(rdata.size());
                out.writeBytes(rdata.toByteArray());
            }
            return out.toByteArray();
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    FakeDns dns;
    HandClock clock = new HandClock();

    @BeforeEach
    void start() throws Exception {
        dns = new FakeDns();
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    ReverseDns resolver() throws Exception {
        return new ReverseDns(List.of(dns.address()), InetAddress.getByName("127.0.34.1"), clock, Duration.ofSeconds(2));
    }

    @Test
    void theConfiguredServerIsAskedForThePtrRecord() throws Exception {
        assertThat(resolver().name(MEMBER)).contains(new HostName("vpn-a.example.com"));
        assertThat(dns.asked.get()).isEqualTo("159.202.165.209.in-addr.arpa");
    }

    @Test
    void theAnswerIsKeptForItsTimeToLiveAndAskedForAgainAfter() throws Exception {
        ReverseDns r = resolver();
        dns.ttl = 20;
        assertThat(r.name(MEMBER)).contains(new HostName("vpn-a.example.com"));
        dns.name.set("vpn-b.example.com");
        clock.advance(Duration.ofSeconds(19));
        assertThat(r.name(MEMBER)).contains(new HostName("vpn-a.example.com"));
        assertThat(dns.queries.get()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(r.name(MEMBER)).contains(new HostName("vpn-b.example.com"));
        assertThat(dns.queries.get()).isEqualTo(2);
    }

    @Test
    void noRecordIsNoNameAndIsAskedForAgainLater() throws Exception {
        ReverseDns r = resolver();
        dns.name.set(null);
        assertThat(r.name(MEMBER)).isEmpty();
        dns.name.set("vpn-a.example.com");
        assertThat(r.name(MEMBER)).isEmpty();
        clock.advance(ReverseDns.NEGATIVE_TTL);
        assertThat(r.name(MEMBER)).contains(new HostName("vpn-a.example.com"));
    }

    @Test
    void aServerThatDoesNotAnswerGivesNoName() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.34.54"), 0))) {
            ReverseDns r = new ReverseDns(List.of((InetSocketAddress) silent.getLocalSocketAddress()), null, clock,
                    Duration.ofMillis(200));
            assertThat(r.name(MEMBER)).isEmpty();
        }
    }

    @Test
    void ipv6AddressesAreAskedByNibbles() {
        assertThat(ReverseDns.reverseName(IpAddress.parse("t", "2001:db8::1")))
                .isEqualTo("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
        assertThat(ReverseDns.parse(new byte[] {0, 1, (byte) 0x81, (byte) 0x83, 0, 0, 0, 0, 0, 0, 0, 0}))
                .isEqualTo(Optional.empty());
    }
}
