package dev.tandem.core.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.core.Invalid;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** [LB-RULES]: "a sorted list of group members in ascending IP address order". */
class IpAddressTest {

    @ParameterizedTest
    @CsvSource({
            "192.168.1.9, 192.168.1.9",
            "0.0.0.0, 0.0.0.0",
            "255.255.255.255, 255.255.255.255",
            "2001:DB8::1, 2001:db8::1",
            "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
            "::, ::",
            "::1, ::1",
            "1::, 1::",
            "1:0:0:2:0:0:0:3, 1:0:0:2::3",
            "1:0:0:2:0:0:3:4, 1::2:0:0:3:4",
            "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
            "1:0:3:4:5:6:7:8, 1:0:3:4:5:6:7:8",
            "::ffff:192.168.1.1, ::ffff:c0a8:101",
    })
    void parsesAndPrintsCanonically(String text, String canonical) {
        assertThat(IpAddress.parse("ip", text).text()).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "1..2.3", "a.b.c.d",
            "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::1", "g::1", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:",
            "fe80::1%eth0", "1.2.3.4::1", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4"})
    void rejectsMalformed(String text) {
        assertThatThrownBy(() -> IpAddress.parse("members[0].ip", text))
                .isInstanceOf(Invalid.class)
                .hasMessageStartingWith("members[0].ip: '" + text + "' is not allowed; allowed: an IPv");
    }

    @Test
    void ordersNumericallyWithIpv4BeforeIpv6() {
        List<IpAddress> ips = new ArrayList<>();
        for (String s : List.of("::1", "10.0.0.10", "10.0.0.9", "9.255.255.255", "2001:db8::1", "255.255.255.255",
                "fe80::1", "::")) {
            ips.add(IpAddress.parse("ip", s));
        }
        Collections.sort(ips);
        assertThat(ips).extracting(IpAddress::text).containsExactly(
                "9.255.255.255", "10.0.0.9", "10.0.0.10", "255.255.255.255", "::", "::1", "2001:db8::1", "fe80::1");
    }

    @Test
    void unsignedComparisonForHighAddresses() {
        assertThat(IpAddress.parse("ip", "ffff::1")).isGreaterThan(IpAddress.parse("ip", "7fff::1"));
        assertThat(IpAddress.parse("ip", "::ffff:ffff:ffff:ffff")).isGreaterThan(IpAddress.parse("ip", "::1"));
    }

    @Test
    void equalAddressesWrittenDifferentlyAreEqual() {
        assertThat(IpAddress.parse("ip", "2001:DB8:0::1")).isEqualTo(IpAddress.parse("ip", "2001:db8::0:1"));
        assertThat(IpAddress.ipv4(10, 0, 0, 1)).isEqualTo(IpAddress.parse("ip", "10.0.0.1"));
    }

    @Test
    void familySpecificParsers() {
        assertThat(IpAddress.parseIpv4("nat ipv4", "192.168.30.3").isIpv4()).isTrue();
        assertThatThrownBy(() -> IpAddress.parseIpv4("nat ipv4", "2001:db8::1"))
                .isInstanceOf(Invalid.class).hasMessageStartingWith("nat ipv4: '2001:db8::1'");
        assertThatThrownBy(() -> IpAddress.parseIpv6("nat ipv6", "192.168.30.3"))
                .isInstanceOf(Invalid.class).hasMessageStartingWith("nat ipv6: '192.168.30.3'");
    }

    /** [LB-GROUP], step 2: an IPv4 or IPv6 address or an FQDN. */
    @Test
    void clusterAddressIsIpOrFqdn() {
        assertThat(NetAddress.parse("cluster address", "2001:DB8::1")).isEqualTo(IpAddress.parse("ip", "2001:db8::1"));
        assertThat(NetAddress.parse("cluster address", "209.165.202.224")).isInstanceOf(IpAddress.class);
        assertThat(NetAddress.parse("cluster address", "VPN.Example.com.")).isEqualTo(new HostName("vpn.example.com"));
        assertThatThrownBy(() -> NetAddress.parse("cluster address", "10.0.0.300"))
                .isInstanceOf(Invalid.class).hasMessageContaining("an IPv4 address");
        assertThatThrownBy(() -> NetAddress.parse("cluster address", "vpn"))
                .isInstanceOf(Invalid.class).hasMessageContaining("fully qualified domain name");
        assertThatThrownBy(() -> NetAddress.parse("cluster address", "-bad.example.com"))
                .isInstanceOf(Invalid.class);
        assertThatThrownBy(() -> NetAddress.parse("cluster address", "a_b.example.com"))
                .isInstanceOf(Invalid.class);
        assertThatThrownBy(() -> NetAddress.parse("cluster address", " "))
                .isInstanceOf(Invalid.class).hasMessageStartingWith("cluster address:");
    }

    @Test
    void hostNameLimits() {
        String label63 = "a".repeat(63);
        assertThat(HostName.parse("nat hostname", label63).text()).isEqualTo(label63);
        assertThatThrownBy(() -> HostName.parse("nat hostname", "a".repeat(64))).isInstanceOf(Invalid.class);
        String long254 = (label63 + ".").repeat(3) + "a".repeat(62);
        assertThat(long254).hasSize(254);
        assertThatThrownBy(() -> HostName.parse("fqdn", long254)).isInstanceOf(Invalid.class);
        assertThat(HostName.parse("nat hostname", "asa-1").fullyQualified()).isFalse();
    }
}
