package dev.tandem.core.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.core.Invalid;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SettingsTest {
    private static final NetAddress CLUSTER = NetAddress.parse("cluster address", "209.165.202.224");

    private static IpAddress ip(String s) {
        return IpAddress.parse("ip", s);
    }

    /** [LB-GROUP]. */
    @Nested
    class Group {
        @Test
        void defaultsArePort9023NoEncryptionDistributed() {
            GroupSettings g = GroupSettings.of(CLUSTER);
            assertThat(g.clusterPort()).isEqualTo(9023); // step 3: "The default value is 9023."
            assertThat(g.encryption()).isFalse(); // step 4: "The default is no encryption."
            assertThat(g.key()).isNull();
            assertThat(g.mode()).isEqualTo(VpnMode.DISTRIBUTED);
        }

        @Test
        void portOutsideRangeIsRejectedWithFieldValueAndRange() {
            assertThatThrownBy(() -> GroupSettings.of(CLUSTER).withPort(0))
                    .isInstanceOf(Invalid.class)
                    .hasMessage("cluster port: '0' is not allowed; allowed: a port from 1 to 65535 (default 9023)");
            assertThatThrownBy(() -> GroupSettings.of(CLUSTER).withPort(65536)).isInstanceOf(Invalid.class);
            assertThat(GroupSettings.of(CLUSTER).withPort(4444).clusterPort()).isEqualTo(4444); // step 3 example
        }

        /** [LB-GROUP], step 4: "If you configure this check attribute, you must first specify and verify a shared secret." */
        @Test
        void encryptionWithoutKeyIsAnError() {
            assertThatThrownBy(() -> new GroupSettings(CLUSTER, 9023, true, null, VpnMode.DISTRIBUTED))
                    .isInstanceOf(Invalid.class)
                    .hasMessageStartingWith("cluster key: (missing) is not allowed; allowed: a shared key whenever");
            GroupSettings g = GroupSettings.of(CLUSTER).withEncryption(ClusterKey.of("cluster key", "123456789"));
            assertThat(g.encryption()).isTrue();
        }

        @Test
        void clusterAddressMayBeIpv6OrFqdn() {
            assertThat(GroupSettings.of(NetAddress.parse("c", "2001:DB8::1")).clusterAddress().text()).isEqualTo("2001:db8::1");
            assertThat(GroupSettings.of(NetAddress.parse("c", "vpn.example.com")).clusterAddress())
                    .isInstanceOf(HostName.class);
            assertThatThrownBy(() -> GroupSettings.of(null)).isInstanceOf(Invalid.class)
                    .hasMessageStartingWith("cluster address: (missing)");
        }

        /** [LB-GROUP], step 5: the key shows as asterisks; Tandem shows only a fingerprint. */
        @Test
        void keyNeverAppearsInTextOnlyItsFingerprint() {
            ClusterKey key = ClusterKey.of("cluster key", "123456789");
            GroupSettings g = GroupSettings.of(CLUSTER).withEncryption(key);
            assertThat(key.fingerprint()).matches("[0-9a-f]{16}");
            assertThat(key.toString()).doesNotContain("123456789").contains(key.fingerprint());
            assertThat(g.toString()).doesNotContain("123456789").contains(key.fingerprint());
            assertThat(g.signature().toString()).doesNotContain("123456789");
            assertThat(ClusterKey.of("k", "123456789").fingerprint()).isEqualTo(key.fingerprint());
            assertThat(ClusterKey.of("k", "123456780").fingerprint()).isNotEqualTo(key.fingerprint());
        }

        @Test
        void badKeyErrorDoesNotRepeatTheKey() {
            assertThatThrownBy(() -> ClusterKey.of("cluster key", "has space"))
                    .isInstanceOf(Invalid.class)
                    .hasMessageNotContaining("has space")
                    .hasMessageContaining("(hidden, 9 characters)");
            assertThatThrownBy(() -> ClusterKey.of("cluster key", "")).isInstanceOf(Invalid.class);
            assertThatThrownBy(() -> ClusterKey.of("cluster key", "x".repeat(129))).isInstanceOf(Invalid.class);
        }

        /** [LB-PREREQ]: members share "IP address, encryption settings, encryption key, and port". */
        @Test
        void differenceNamesTheFirstSettingThatDiffers() {
            ClusterKey k1 = ClusterKey.of("k", "secret-one");
            ClusterKey k2 = ClusterKey.of("k", "secret-two");
            GroupSettings base = GroupSettings.of(CLUSTER).withEncryption(k1);

            assertThat(base.differenceFrom(GroupSettings.of(CLUSTER).withEncryption(ClusterKey.of("k", "secret-one"))))
                    .isEmpty();
            assertThat(base.differenceFrom(GroupSettings.of(NetAddress.parse("c", "209.165.202.225")).withEncryption(k1)))
                    .get().extracting(SettingsDifference::setting).isEqualTo("cluster address");
            assertThat(base.differenceFrom(base.withPort(4444)).orElseThrow().message())
                    .isEqualTo("cluster port differs: 9023 here, 4444 on the peer");
            assertThat(base.differenceFrom(new GroupSettings(CLUSTER, 9023, false, k1, VpnMode.DISTRIBUTED)).orElseThrow()
                    .message()).isEqualTo("cluster encryption differs: enabled here, disabled on the peer");
            SettingsDifference key = base.differenceFrom(base.withKey(k2)).orElseThrow();
            assertThat(key.setting()).isEqualTo("cluster key");
            assertThat(key.message()).contains(k1.fingerprint(), k2.fingerprint())
                    .doesNotContain("secret-one", "secret-two");
            assertThat(base.differenceFrom(base.withMode(VpnMode.CENTRALIZED)).orElseThrow().setting()).isEqualTo("mode");
            assertThat(GroupSettings.of(CLUSTER).differenceFrom(GroupSettings.of(CLUSTER).withKey(k1)).orElseThrow()
                    .message()).isEqualTo("cluster key differs: no key here, key with fingerprint " + k1.fingerprint()
                    + " on the peer");
        }

        @Test
        void modeParses() {
            assertThat(VpnMode.parse("mode", "Centralized")).isEqualTo(VpnMode.CENTRALIZED);
            assertThatThrownBy(() -> VpnMode.parse("mode", "spread")).isInstanceOf(Invalid.class)
                    .hasMessage("mode: 'spread' is not allowed; allowed: centralized or distributed");
        }
    }

    /** [LB-DEVICE]. */
    @Nested
    class Device {
        private final DeviceSettings base = DeviceSettings.of(ip("209.165.202.159"), ip("209.165.201.30"));

        /** [LB-DEVICE], step 3: "The range is from 1 to 10." */
        @Test
        void priorityRangeOneToTenDefaultFive() {
            assertThat(base.priority()).isEqualTo(5);
            assertThat(base.withPriority(1).priority()).isEqualTo(1);
            assertThat(base.withPriority(10).priority()).isEqualTo(10);
            assertThatThrownBy(() -> base.withPriority(0)).isInstanceOf(Invalid.class)
                    .hasMessage("priority: '0' is not allowed; allowed: a whole number from 1 to 10 (default 5)");
            assertThatThrownBy(() -> base.withPriority(11)).isInstanceOf(Invalid.class);
        }

        /** [LB-PREREQ]: "VPN load balancing is disabled by default"; redirect-fqdn "disabled by default". */
        @Test
        void participateAndRedirectFqdnAreOffByDefault() {
            assertThat(base.participate()).isFalse();
            assertThat(base.redirectFqdn()).isFalse();
            assertThat(base.redirectAddress()).isEqualTo(ip("209.165.202.159"));
        }

        /** [LB-DEVICE], step 4: "You can define an IPv4 and an IPv6 address or specify the device's hostname." */
        @Test
        void natTakesIpv4AndOrIpv6OrAHostname() {
            Nat both = Nat.parse("nat", "192.168.30.3", "2001:DB8::1");
            assertThat(both.ipv4()).isEqualTo(ip("192.168.30.3"));
            assertThat(both.ipv6()).isEqualTo(ip("2001:db8::1"));
            assertThat(Nat.parse("nat", "192.168.10.10").ipv6()).isNull();
            assertThat(Nat.parse("nat", "asa-outside").hostname()).isEqualTo(new HostName("asa-outside"));
            assertThatThrownBy(() -> Nat.parse("nat", "192.168.30.3", "192.168.30.4")).isInstanceOf(Invalid.class)
                    .hasMessageContaining("at most one IPv4 and one IPv6");
            assertThatThrownBy(() -> Nat.parse("nat", "192.168.30.3", "asa-outside")).isInstanceOf(Invalid.class);
            assertThatThrownBy(() -> new Nat(ip("2001:db8::1"), null, null)).isInstanceOf(Invalid.class)
                    .hasMessageStartingWith("nat ipv4:");
        }

        @Test
        void redirectGoesToFqdnThenNatThenPublicAddress() {
            DeviceSettings natted = base.withNat(Nat.parse("nat", "192.168.10.10", "2001:db8::10"));
            assertThat(natted.redirectAddress()).isEqualTo(ip("192.168.10.10"));
            HostName fqdn = HostName.parseFqdn("fqdn", "asa1.example.com");
            assertThat(natted.withRedirectFqdn(true, fqdn).redirectAddress()).isEqualTo(fqdn);
            assertThat(natted.withRedirectFqdn(false, fqdn).redirectAddress()).isEqualTo(ip("192.168.10.10"));
            DeviceSettings v6only = base.withNat(Nat.of(null, ip("2001:db8::10")));
            assertThat(v6only.redirectAddress()).isEqualTo(ip("2001:db8::10"));
            assertThat(base.withNat(Nat.ofHostname(new HostName("outside.example.com"))).redirectAddress())
                    .isEqualTo(new HostName("outside.example.com"));
        }

        @Test
        void fqdnMustBeQualifiedAndModelPrintable() {
            assertThatThrownBy(() -> base.withRedirectFqdn(true, new HostName("asa1"))).isInstanceOf(Invalid.class)
                    .hasMessageStartingWith("fqdn: 'asa1'");
            assertThat(base.withModel("ASA-5540").model()).isEqualTo("ASA-5540");
            assertThatThrownBy(() -> base.withModel("")).isInstanceOf(Invalid.class).hasMessageStartingWith("model:");
            assertThatThrownBy(() -> base.withModel("x\ny")).isInstanceOf(Invalid.class);
        }

        @Test
        void addressesAreRequired() {
            assertThatThrownBy(() -> DeviceSettings.of(null, ip("10.0.0.1"))).isInstanceOf(Invalid.class)
                    .hasMessageStartingWith("public address: (missing)");
            assertThatThrownBy(() -> DeviceSettings.of(ip("10.0.0.1"), null)).isInstanceOf(Invalid.class)
                    .hasMessageStartingWith("private address: (missing)");
        }
    }

    @Test
    void memberNamesFollowGroupNameRules() {
        assertThat(MemberName.of("east-pair_1").value()).isEqualTo("east-pair_1");
        assertThatThrownBy(() -> MemberName.of("east pair")).isInstanceOf(Invalid.class)
                .hasMessageStartingWith("member name: 'east pair'");
        assertThatThrownBy(() -> MemberName.of("x".repeat(129))).isInstanceOf(Invalid.class);
    }
}
