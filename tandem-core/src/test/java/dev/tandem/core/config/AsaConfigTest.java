package dev.tandem.core.config;

import static dev.tandem.core.config.ConfigInterpreterTest.ip;
import static dev.tandem.core.config.ConfigInterpreterTest.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.core.lb.ClusterKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The configuration as operators of the appliances type it: named interfaces, crypto ikev1, dns and group URLs
 * around the vpn load-balancing section (decisions 0065 to 0068), and the specification's advice as warnings.
 */
class AsaConfigTest {
    /** The specification's Basic VPN Load Balancing CLI Configuration, as the project keeps it. */
    static String example() throws IOException {
        return Files.readString(Path.of("..", "docs", "examples", "asa-basic.cfg"));
    }

    static ConfigInterpreter.Result result(String script) {
        return ConfigInterpreter.run(LbConfig.defaults(), script);
    }

    static final String INTERFACES = """
            interface GigabitEthernet 0/1
             ip address 209.165.202.159 255.255.255.0
             nameif test
            interface GigabitEthernet 0/2
             ip address 209.165.201.30 255.255.255.0
             nameif foo
            """;

    @Test
    void theSpecificationsExampleAppliesWithTwoWarnings() throws IOException {
        ConfigInterpreter.Result r = result(example());
        LbConfig c = r.config();
        assertThat(c.publicName()).isEqualTo("test");
        assertThat(c.publicAddress()).isEqualTo(ip("209.165.202.159"));
        assertThat(c.privateName()).isEqualTo("foo");
        assertThat(c.privateAddress()).isEqualTo(ip("209.165.201.30"));
        assertThat(c.clusterAddress()).isEqualTo(ip("209.165.202.224"));
        assertThat(c.key()).isEqualTo(ClusterKey.of("k", "123456789"));
        assertThat(c.encryption()).isTrue();
        assertThat(c.redirectFqdn()).isTrue();
        assertThat(c.participate()).isTrue();
        assertThat(c.priority()).isEqualTo(9);
        assertThat(c.global().interfaces()).extracting(GlobalConfig.NamedInterface::hardwareId)
                .containsExactly("GigabitEthernet0/1", "GigabitEthernet0/2");
        assertThat(r.applied()).isEqualTo(14);
        // The example enables encryption without 'crypto ikev1 enable foo', and its two interfaces are on two networks.
        assertThat(r.warnings()).extracting(ConfigWarning::line).containsExactly(16, 18);
        assertThat(r.warnings().get(1).message()).isEqualTo("redirect-fqdn enable: the outside interface test"
                + " (GigabitEthernet0/1) (209.165.202.0/24) and the inside interface foo (GigabitEthernet0/2)"
                + " (209.165.201.0/24) are not on the same IP network, which the specification requires of all outside"
                + " and inside interfaces for redirection by FQDN");
        assertThat(r.warnings().get(0).message()).isEqualTo("cluster encryption: IKEv1 is not enabled on the inside"
                + " interface foo; enter 'crypto ikev1 enable foo' before configuring group encryption (Tandem encrypts"
                + " the group's messages with its own envelope either way)");
        assertThat(r.warnings().get(0).command()).isEqualTo("cluster encryption");
    }

    @Test
    void ikev1OnTheInsideInterfaceAndOneNetworkLeaveNoWarning() {
        ConfigInterpreter.Result r = result("""
                interface GigabitEthernet0/1
                 ip address 10.1.0.11 255.255.0.0
                 nameif outside
                interface GigabitEthernet0/2
                 ip address 10.1.0.12 255.255.0.0
                 nameif inside
                crypto ikev1 enable inside
                vpn load-balancing
                 interface lbpublic outside
                 interface lbprivate inside
                 cluster ip address 10.1.0.10
                 cluster key 123456789
                 cluster encryption
                 redirect-fqdn enable
                 participate
                """);
        assertThat(r.warnings()).isEmpty();
        assertThat(r.config().global().ikev1()).containsExactly("inside");
    }

    @Test
    void aClusterAddressOutsideThePublicSubnetIsAWarningAtItsLine() {
        ConfigInterpreter.Result r = result(INTERFACES + """
                vpn load-balancing
                 interface lbpublic test
                 cluster ip address 209.165.201.224
                """);
        assertThat(r.warnings()).containsExactly(new ConfigWarning(9, "cluster ip address 209.165.201.224",
                "cluster ip address 209.165.201.224 is not within the public subnet 209.165.202.0/24 of interface"
                        + " lbpublic test (GigabitEthernet0/1); the specification asks for an address within the public"
                        + " subnet shared by all the members, or clients may not reach the director"));
        // Fixed by a later line: nothing left to report.
        assertThat(result(INTERFACES + """
                vpn load-balancing
                 interface lbpublic test
                 cluster ip address 209.165.201.224
                 cluster ip address 209.165.202.224
                """).warnings()).isEmpty();
    }

    @Nested
    class NamedInterfaces {
        @Test
        void aNameMustBeDefinedAndHaveAnAddress() {
            ConfigError e = refused(INTERFACES + "vpn load-balancing\ninterface lbpublic outside\n");
            assertThat(e.line()).isEqualTo(8);
            assertThat(e.reason()).isEqualTo("interface lbpublic: 'outside' is not allowed; allowed: the name of an"
                    + " interface given with 'nameif' (defined: test, foo)");
            e = refused("interface Management0/0\nnameif mgmt\nvpn load-balancing\ninterface lbprivate mgmt\n");
            assertThat(e.reason()).isEqualTo("interface lbprivate mgmt: interface Management0/0 (mgmt) has no address:"
                    + " enter 'interface Management0/0' and 'ip address <address> <mask>' first");
        }

        @Test
        void anInterfacesNewAddressIsThePublicAddress() {
            LbConfig c = result(INTERFACES + "vpn load-balancing\ninterface lbpublic test\nexit\n"
                    + "interface GigabitEthernet0/1\nip address 209.165.202.160 255.255.255.0\n").config();
            assertThat(c.publicAddress()).isEqualTo(ip("209.165.202.160"));
            assertThat(c.publicName()).isEqualTo("test");
        }

        @Test
        void whatLbpublicUsesCannotBeTakenAway() {
            String start = INTERFACES + "vpn load-balancing\ninterface lbpublic test\nexit\n";
            assertThat(refused(start + "interface GigabitEthernet0/1\nno nameif\n").reason()).isEqualTo(
                    "no nameif (interface GigabitEthernet0/1): interface 'test' is used by 'interface lbpublic test',"
                            + " which needs its name and address: enter 'no interface lbpublic' first");
            assertThat(refused(start + "interface GigabitEthernet0/1\nno ip address\n").line()).isEqualTo(11);
            assertThat(refused(start + "no interface GigabitEthernet 0/1\n").reason())
                    .startsWith("no interface GigabitEthernet0/1 (interface GigabitEthernet0/1): interface 'test' is used");
            assertThat(refused(INTERFACES + "crypto ikev1 enable foo\ninterface GigabitEthernet0/2\nnameif bar\n")
                    .reason()).contains("is used by 'crypto ikev1 enable foo'").endsWith("enter 'no crypto ikev1 enable foo' first");
            // Not used: removed, and gone from the running configuration.
            LbConfig c = result(INTERFACES + "no interface GigabitEthernet0/2\n").config();
            assertThat(c.global().interfaces()).hasSize(1);
        }

        @Test
        void eachNameBelongsToOneInterface() {
            assertThat(refused(INTERFACES + "interface GigabitEthernet0/3\nnameif test\n").reason())
                    .isEqualTo("nameif test: the name is already interface GigabitEthernet0/1's; each interface needs its own name");
        }

        @Test
        void addressesAndMasksAreChecked() {
            assertThat(refused("interface GigabitEthernet0/1\nip address 10.0.0.1 255.0.255.0\n").reason())
                    .isEqualTo("ip address mask: '255.0.255.0' is not allowed; allowed: a subnet mask of contiguous ones"
                            + " such as 255.255.255.0");
            assertThat(refused("interface GigabitEthernet0/1\nip address 10.0.0.1\n").reason())
                    .isEqualTo("ip address: '10.0.0.1' is not allowed; allowed: an IPv4 address and a subnet mask, such"
                            + " as 209.165.202.159 255.255.255.0");
            assertThat(refused("interface GigabitEthernet0/1\nipv6 address 2001:db8::1\n").reason()).isEqualTo(
                    "ipv6 address: '2001:db8::1' is not allowed; allowed: an IPv6 address and its prefix length from 1"
                            + " to 128, such as 2001:db8::1/64");
            LbConfig c = result("interface GigabitEthernet0/1\nipv6 address 2001:DB8::1/64\nnameif outside\n"
                    + "vpn load-balancing\ninterface lbpublic outside\ncluster ip address 2001:db8::10\n").config();
            assertThat(c.publicAddress()).isEqualTo(ip("2001:db8::1"));
            assertThat(ConfigAdvice.of(c)).isEmpty();
        }

        @Test
        void subModeCommandsNeedTheirMode() {
            assertThat(refused("nameif outside\n").reason()).isEqualTo("'nameif' is a command of interface"
                    + " configuration mode: enter 'interface <hardware-id>' first");
            assertThat(refused("interface lbpublic 10.0.0.1\n").reason()).isEqualTo("interface: 'lbpublic 10.0.0.1' is"
                    + " not allowed; allowed: an interface's hardware name such as GigabitEthernet0/1 or 'GigabitEthernet"
                    + " 0/1': letters, digits, '/', '.', ':', '-' or '_', 64 characters at most; 'interface lbpublic' is"
                    + " a command of vpn-load-balancing configuration mode: enter 'vpn load-balancing' first");
        }
    }

    @Nested
    class CryptoAndDns {
        @Test
        void theyNameDefinedInterfaces() {
            assertThat(refused("crypto ikev1 enable inside\n").reason()).isEqualTo("crypto ikev1 enable: 'inside' is"
                    + " not allowed; allowed: the name of an interface given with 'nameif' (none is defined yet: enter"
                    + " 'interface <hardware-id>', then 'nameif <name>')");
            assertThat(refused(INTERFACES + "dns domain-lookup inside\n").reason()).isEqualTo("dns domain-lookup:"
                    + " 'inside' is not allowed; allowed: the name of an interface given with 'nameif' (defined: test, foo)");
        }

        @Test
        void nameServersAddUpToSix() {
            LbConfig c = result(INTERFACES + "dns domain-lookup foo\ndns name-server 10.2.3.4\n"
                    + "dns name-server 10.2.3.5 2001:db8::53\n").config();
            assertThat(c.global().nameServers()).containsExactly(ip("10.2.3.4"), ip("10.2.3.5"), ip("2001:db8::53"));
            assertThat(c.global().domainLookup()).containsExactly("foo");
            assertThat(refused("dns name-server 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4\n"
                    + "dns name-server 10.0.0.5 10.0.0.6 10.0.0.7\n").reason())
                    .isEqualTo("dns name-server: '7 servers' is not allowed; allowed: at most 6 name servers");
            assertThat(refused("dns name-server ns1.example.com\n").reason()).startsWith("dns name-server: 'ns1.example.com'");
            assertThat(result("dns name-server 10.2.3.4 10.2.3.5\nno dns name-server 10.2.3.4\n").config().global()
                    .nameServers()).containsExactly(ip("10.2.3.5"));
            assertThat(result("dns name-server 10.2.3.4\nno dns name-server\n").config().global().nameServers()).isEmpty();
        }
    }

    @Nested
    class GroupUrls {
        static final String SECTION = INTERFACES + """
                vpn load-balancing
                 interface lbpublic test
                 cluster ip address 209.165.202.224
                exit
                """;

        @Test
        void oneForTheVirtualAddressAndOneForThePublicAddressLeaveNoWarning() {
            ConfigInterpreter.Result r = result(SECTION + """
                    tunnel-group sales type remote-access
                    tunnel-group sales general-attributes
                     group-url https://209.165.202.224/sales enable
                     group-url https://209.165.202.159/sales enable
                    """);
            assertThat(r.warnings()).isEmpty();
            GlobalConfig.TunnelGroup t = r.config().global().tunnelGroup("sales").orElseThrow();
            assertThat(t.remoteAccess()).isTrue();
            assertThat(t.urls()).containsExactly(
                    new GlobalConfig.GroupUrl("https://209.165.202.224/sales", "209.165.202.224", true),
                    new GlobalConfig.GroupUrl("https://209.165.202.159/sales", "209.165.202.159", true));
        }

        @Test
        void aMissingOneIsAWarning() {
            ConfigInterpreter.Result r = result(SECTION + """
                    tunnel-group sales general-attributes
                     group-url https://209.165.202.224/sales
                    """);
            assertThat(r.warnings()).containsExactly(new ConfigWarning(12, "group-url https://209.165.202.224/sales",
                    "tunnel-group sales: no enabled group-url for this device's public address 209.165.202.159; the"
                            + " specification asks for one, so a redirected client keeps its group"));
        }

        @Test
        void aUrlIsChecked() {
            assertThat(refused("tunnel-group sales general-attributes\ngroup-url ftp://10.0.0.1/sales\n").reason())
                    .startsWith("group-url: 'ftp://10.0.0.1/sales' is not allowed; allowed: an http:// or https:// URL");
            assertThat(refused("tunnel-group sales general-attributes\ngroup-url https://[2001:db8::1]/s maybe\n")
                    .reason()).isEqualTo("group-url: 'maybe' is not allowed; allowed: enable or disable after the URL");
            assertThat(refused("tunnel-group sales type lan-to-lan\n").reason()).isEqualTo("tunnel-group sales type:"
                    + " 'lan-to-lan' is not allowed; allowed: remote-access (Tandem has no LAN-to-LAN profiles)");
            assertThat(refused("tunnel-group sales\n").reason()).isEqualTo("tunnel-group: 'sales' is not allowed;"
                    + " allowed: a name followed by 'general-attributes' or 'type remote-access'");
            assertThat(result("tunnel-group sales type remote-access\nno tunnel-group sales\n").config().global()
                    .tunnelGroups()).isEmpty();
            assertThat(result("tunnel-group s general-attributes\ngroup-url https://[2001:DB8::1]:8443/s\n").config()
                    .global().tunnelGroup("s").orElseThrow().urls().get(0).host()).isEqualTo("2001:db8::1");
        }
    }

    @Nested
    class RunningConfig {
        @Test
        void showsTheGlobalSettingsBeforeTheSectionAndAppliesAgain() throws IOException {
            LbConfig c = result(example() + "exit\n"
                    + "crypto ikev1 enable foo\ndns domain-lookup foo\ndns name-server 10.2.3.4\n"
                    + "tunnel-group sales general-attributes\ngroup-url https://209.165.202.224/sales enable\n").config();
            String text = ConfigInterpreter.runningConfig(c);
            assertThat(text).isEqualTo("""
                    interface GigabitEthernet0/1
                     nameif test
                     ip address 209.165.202.159 255.255.255.0
                    interface GigabitEthernet0/2
                     nameif foo
                     ip address 209.165.201.30 255.255.255.0
                    crypto ikev1 enable foo
                    dns domain-lookup foo
                    dns name-server 10.2.3.4
                    tunnel-group sales general-attributes
                     group-url https://209.165.202.224/sales enable
                    vpn load-balancing
                     nat 192.168.10.10
                     priority 9
                     interface lbpublic test
                     interface lbprivate foo
                     cluster ip address 209.165.202.224
                     cluster key *****
                     cluster encryption
                     redirect-fqdn enable
                     participate
                    """);
            assertThat(result(text.replace("*****", "123456789")).config()).isEqualTo(c);
        }

        @Test
        void theDeviceTextRebuildsTheNamesOverTheStoredAddresses() throws IOException {
            LbConfig c = result(example()).config();
            LbConfig addressesOnly = new LbConfig(c.clusterAddress(), c.clusterPort(), c.encryption(), c.key(), null,
                    c.mode(), c.priority(), c.publicAddress(), c.privateAddress(), c.nat(), c.participate(),
                    c.redirectFqdn());
            String device = ConfigInterpreter.deviceText(c);
            assertThat(device).endsWith("vpn load-balancing\n interface lbpublic test\n interface lbprivate foo\n");
            assertThat(ConfigInterpreter.run(addressesOnly, device).config()).isEqualTo(c);
            assertThat(ConfigInterpreter.deviceText(LbConfig.defaults())).isEmpty();
            assertThat(List.of(ConfigInterpreter.runningConfig(LbConfig.defaults()))).containsExactly("vpn load-balancing\n");
        }
    }
}
