package dev.tandem.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.core.lb.ClusterKey;
import dev.tandem.core.lb.DeviceSettings;
import dev.tandem.core.lb.GroupSettings;
import dev.tandem.core.lb.HostName;
import dev.tandem.core.lb.IpAddress;
import dev.tandem.core.lb.Nat;
import dev.tandem.core.lb.VpnMode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** [LB-CONFIG]: every command, its default, its 'no' form, its errors. */
class ConfigInterpreterTest {

    /** [LB-EXAMPLE], with addresses for the interface names. */
    static final String SPEC_EXAMPLE = """
            vpn load-balancing
             nat 192.168.10.10
             priority 9
             interface lbpublic 209.165.202.159
             interface lbprivate 209.165.201.30
             cluster ip address 209.165.202.224
             cluster key 123456789
             cluster encryption
             cluster port 9023
             redirect-fqdn enable
             participate
            """;

    static LbConfig run(String script) {
        return ConfigInterpreter.run(LbConfig.defaults(), script).config();
    }

    static ConfigError refused(LbConfig start, String script) {
        try {
            ConfigInterpreter.run(start, script);
        } catch (ConfigError e) {
            return e;
        }
        throw new AssertionError("accepted: " + script);
    }

    static ConfigError refused(String script) {
        return refused(LbConfig.defaults(), script);
    }

    static IpAddress ip(String s) {
        return IpAddress.parse("test", s);
    }

    @Test
    void theSeedsExampleSetsEverySetting() {
        ConfigInterpreter.Result r = ConfigInterpreter.run(LbConfig.defaults(), SPEC_EXAMPLE);
        LbConfig c = r.config();
        assertThat(c.nat()).isEqualTo(Nat.of(ip("192.168.10.10"), null));
        assertThat(c.priority()).isEqualTo(9);
        assertThat(c.publicAddress()).isEqualTo(ip("209.165.202.159"));
        assertThat(c.privateAddress()).isEqualTo(ip("209.165.201.30"));
        assertThat(c.clusterAddress()).isEqualTo(ip("209.165.202.224"));
        assertThat(c.key()).isEqualTo(ClusterKey.of("k", "123456789"));
        assertThat(c.encryption()).isTrue();
        assertThat(c.clusterPort()).isEqualTo(9023);
        assertThat(c.redirectFqdn()).isTrue();
        assertThat(c.participate()).isTrue();
        assertThat(r.applied()).isEqualTo(10);
        assertThat(r.mode()).isEqualTo(ConfigMode.LOAD_BALANCING);
    }

    @Test
    void theResultBuildsTheCoreSettingsTheNodeRunsOn() {
        LbConfig c = run(SPEC_EXAMPLE);
        GroupSettings g = c.groupSettings().orElseThrow();
        assertThat(g.clusterAddress()).isEqualTo(ip("209.165.202.224"));
        assertThat(g.encryption()).isTrue();
        assertThat(g.key().secret()).isEqualTo("123456789");
        DeviceSettings base = DeviceSettings.of(ip("10.0.0.1"), ip("10.0.0.2")).withModel("Edge-7")
                .withRedirectFqdn(false, new HostName("vpn1.example.com"));
        DeviceSettings d = c.deviceSettings(base).orElseThrow();
        assertThat(d.priority()).isEqualTo(9);
        assertThat(d.publicAddress()).isEqualTo(ip("209.165.202.159"));
        assertThat(d.participate()).isTrue();
        assertThat(d.redirectFqdn()).isTrue();
        assertThat(d.model()).isEqualTo("Edge-7");
        assertThat(d.fqdn()).isEqualTo(new HostName("vpn1.example.com"));
    }

    @Test
    void storedSettingsRoundTripThroughTheSection() {
        GroupSettings g = GroupSettings.of(ip("10.0.0.10")).withPort(4444).withEncryption(ClusterKey.of("k", "s3cret"))
                .withMode(VpnMode.CENTRALIZED);
        DeviceSettings d = DeviceSettings.of(ip("10.0.0.11"), ip("10.1.0.11")).withPriority(7).withParticipate(true);
        LbConfig c = LbConfig.of(g, d);
        assertThat(c.groupSettings()).contains(g);
        assertThat(c.deviceSettings(d)).contains(d);
        assertThat(LbConfig.of(null, null)).isEqualTo(LbConfig.defaults());
    }

    @Nested
    class Defaults {
        @Test
        void nothingConfiguredIsTheSpecificationsDefaults() {
            LbConfig c = LbConfig.defaults();
            // [LB-GROUP], step 3: "The default value is 9023."; step 4: "The default is no encryption."
            assertThat(c.clusterPort()).isEqualTo(9023);
            assertThat(c.encryption()).isFalse();
            // Prerequisites: "VPN load balancing is disabled by default."; redirect-fqdn: "disabled by default".
            assertThat(c.participate()).isFalse();
            assertThat(c.redirectFqdn()).isFalse();
            assertThat(c.priority()).isEqualTo(5);
            assertThat(c.groupSettings()).isEmpty();
            assertThat(c.deviceSettings(null)).isEmpty();
        }

        @Test
        void everyNoFormRestoresTheDefault() {
            LbConfig c = run(SPEC_EXAMPLE + """
                     cluster port 4444
                     no participate
                     no redirect-fqdn
                     no cluster encryption
                     no cluster key
                     no cluster port
                     no cluster ip address
                     no interface lbprivate
                     no interface lbpublic
                     no priority
                     no nat
                    """);
            assertThat(c).isEqualTo(LbConfig.defaults());
        }

        @Test
        void noVpnLoadBalancingRemovesTheSectionButKeepsTheMode() {
            LbConfig start = LbConfig.of(GroupSettings.of(ip("10.0.0.10")).withMode(VpnMode.CENTRALIZED), null);
            ConfigInterpreter.Result r = ConfigInterpreter.run(start, "no vpn load-balancing\n");
            assertThat(r.config().clusterAddress()).isNull();
            assertThat(r.config().mode()).isEqualTo(VpnMode.CENTRALIZED);
            assertThat(r.mode()).isEqualTo(ConfigMode.GLOBAL);
            assertThat(r.applied()).isEqualTo(1);
        }

        @Test
        void redirectFqdnDisableIsTheNoForm() {
            assertThat(run("vpn load-balancing\nredirect-fqdn enable\n").redirectFqdn()).isTrue();
            assertThat(run("vpn load-balancing\nredirect-fqdn enable\nredirect-fqdn disable\n").redirectFqdn()).isFalse();
        }
    }

    @Nested
    class Modes {
        @Test
        void sectionCommandsNeedTheSectionsMode() {
            // [LB-GROUP], step 1: vpn load-balancing "enters vpn-load-balancing configuration mode".
            ConfigError e = refused("priority 6\n");
            assertThat(e.line()).isEqualTo(1);
            assertThat(e.reason()).isEqualTo("'priority' is a command of vpn-load-balancing configuration mode:"
                    + " enter 'vpn load-balancing' first");
        }

        @Test
        void exitReturnsToGlobalMode() {
            ConfigError e = refused("vpn load-balancing\npriority 6\nexit\ncluster port 4444\n");
            assertThat(e.line()).isEqualTo(4);
            assertThat(e.reason()).contains("enter 'vpn load-balancing' first");
            assertThat(run("vpn load-balancing\nexit\nvpn load-balancing\npriority 6\n").priority()).isEqualTo(6);
        }

        @Test
        void theGlobalModeCommandIsRefusedInsideTheSection() {
            ConfigError e = refused("vpn load-balancing\nvpn load-balancing\n");
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.reason()).isEqualTo("'vpn load-balancing' is a command of global configuration mode: enter 'exit' first");
        }

        @Test
        void promptsAreTheSpecifications() {
            assertThat(ConfigMode.GLOBAL.prompt("hostname")).isEqualTo("hostname(config)# ");
            assertThat(ConfigMode.LOAD_BALANCING.prompt("hostname")).isEqualTo("hostname(config-load-balancing)# ");
        }

        @Test
        void blankLinesAndCommentsAreSkippedAndLinesKeepTheirNumbers() {
            ConfigError e = refused("! the lb section\n\nvpn load-balancing\n  # device\n priority 11\n");
            assertThat(e.line()).isEqualTo(5);
        }

        @Test
        void keywordsMayBeShortenedWhileUnambiguous() {
            LbConfig c = run("vpn load-b\nclu ip add 10.0.0.10\nclu po 4444\npri 3\nint lbpu 10.0.0.11\n");
            assertThat(c.clusterAddress()).isEqualTo(ip("10.0.0.10"));
            assertThat(c.clusterPort()).isEqualTo(4444);
            assertThat(c.priority()).isEqualTo(3);
            assertThat(c.publicAddress()).isEqualTo(ip("10.0.0.11"));
            ConfigError e = refused("vpn load-balancing\ninterface lbp 10.0.0.11\n");
            assertThat(e.reason()).isEqualTo("ambiguous command: 'interface lbp' could be 'interface lbpublic',"
                    + " 'interface lbprivate'");
        }

        @Test
        void anUnknownCommandListsWhatIsAllowed() {
            ConfigError e = refused("vpn load-balancing\nweight 5\n");
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.reason()).isEqualTo("unknown command 'weight' in config-load-balancing mode; allowed: interface,"
                    + " priority, nat, cluster, redirect-fqdn, participate, show, exit, no");
            assertThat(refused("vpn load-balancing\ncluster size 3\n").reason())
                    .isEqualTo("incomplete or unknown command 'cluster size'; after 'cluster' allowed: ip, port, encryption, key");
            assertThat(refused("vpn load-balancing\ncluster\n").reason())
                    .isEqualTo("incomplete command 'cluster'; it goes on with: ip, port, encryption, key");
        }
    }

    @Nested
    class DeviceCommands {
        @ParameterizedTest
        @ValueSource(strings = {"0", "11", "-1", "five", "6.5", ""})
        void priorityIsOneToTen(String value) {
            // [LB-DEVICE], step 3: "The range is from 1 to 10."
            ConfigError e = refused("vpn load-balancing\npriority " + value + "\n");
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.reason()).startsWith("priority: ").endsWith("allowed: a whole number from 1 to 10 (default 5)");
        }

        @Test
        void prioritiesOneAndTenAreAccepted() {
            assertThat(run("vpn load-balancing\npriority 1\n").priority()).isEqualTo(1);
            assertThat(run("vpn load-balancing\npriority 10\n").priority()).isEqualTo(10);
        }

        @Test
        void natTakesAnIpv4AndAnIpv6AddressOrAHostname() {
            // [LB-DEVICE], step 4: "nat 192.168.30.3 2001:DB8::1"
            assertThat(run("vpn load-balancing\nnat 192.168.30.3 2001:DB8::1\n").nat())
                    .isEqualTo(Nat.of(ip("192.168.30.3"), ip("2001:db8::1")));
            assertThat(run("vpn load-balancing\nnat vpn1.example.com\n").nat())
                    .isEqualTo(Nat.ofHostname(new HostName("vpn1.example.com")));
            assertThat(refused("vpn load-balancing\nnat 10.0.0.1 10.0.0.2\n").reason())
                    .isEqualTo("nat: '10.0.0.1 10.0.0.2' is not allowed; allowed: at most one IPv4 and one IPv6 address");
            assertThat(refused("vpn load-balancing\nnat\n").reason()).startsWith("nat: ");
        }

        @Test
        void interfacesAreAddressesOrDefinedNames() {
            // The specification: "the name or IP address of the public interface" (decision 0065, replacing 0030).
            ConfigError e = refused("vpn load-balancing\ninterface lbpublic outside\n");
            assertThat(e.reason()).isEqualTo("interface lbpublic: 'outside' is not allowed; allowed: the name of an"
                    + " interface given with 'nameif' (none is defined yet: enter 'interface <hardware-id>', then"
                    + " 'nameif <name>')");
            assertThat(refused("vpn load-balancing\ninterface lbpublic 10.0.0.300\n").reason())
                    .isEqualTo("interface lbpublic: '10.0.0.300' is not allowed; allowed: an IPv4 address:"
                            + " four numbers from 0 to 255 separated by dots, without leading zeros");
            assertThat(run("vpn load-balancing\ninterface lbprivate 2001:DB8::7\n").privateAddress())
                    .isEqualTo(ip("2001:db8::7"));
        }

        @Test
        void participateNeedsTheInterfacesAndTheVirtualAddressFirst() {
            // [LB-PREREQ]: "You must have first configured the public (outside) and private (inside)
            // interfaces" and "the interface to which the virtual IP address refers".
            assertThat(refused("vpn load-balancing\nparticipate\n").reason())
                    .isEqualTo("participate needs the group's virtual address first: enter 'cluster ip address <address>'");
            ConfigError e = refused("vpn load-balancing\ncluster ip address 10.0.0.10\ninterface lbpublic 10.0.0.11\nparticipate\n");
            assertThat(e.line()).isEqualTo(4);
            assertThat(e.reason()).isEqualTo("participate needs this device's public and private interfaces first: enter"
                    + " 'interface lbpublic <address>' and 'interface lbprivate <address>'");
        }

        @Test
        void whatParticipationNeedsCannotBeRemovedWhileParticipating() {
            ConfigError e = refused(SPEC_EXAMPLE + "no interface lbpublic\n");
            assertThat(e.reason()).isEqualTo("interface lbpublic is needed while this device participates: enter"
                    + " 'no participate' first");
            assertThat(refused(SPEC_EXAMPLE + "no cluster ip address\n").reason()).startsWith("cluster ip address is needed");
        }
    }

    @Nested
    class GroupCommands {
        @Test
        void clusterIpAddressTakesIpv4Ipv6OrAnFqdn() {
            // [LB-GROUP], step 2: "cluster ip address 2001:DB8::1"; "IP address or the fully qualified domain name".
            assertThat(run("vpn load-balancing\ncluster ip address 2001:DB8::1\n").clusterAddress()).isEqualTo(ip("2001:db8::1"));
            assertThat(run("vpn load-balancing\ncluster ip address vpn.example.com\n").clusterAddress())
                    .isEqualTo(new HostName("vpn.example.com"));
            assertThat(refused("vpn load-balancing\ncluster ip address 10.0.0.300\n").reason())
                    .startsWith("cluster ip address: '10.0.0.300' is not allowed; allowed: an IPv4 address");
            assertThat(refused("vpn load-balancing\ncluster ip address vpn\n").reason())
                    .startsWith("cluster ip address: 'vpn' is not allowed; allowed: a fully qualified domain name");
        }

        @Test
        void clusterPortIsAUdpPort() {
            // [LB-GROUP], step 3: "cluster port 4444"
            assertThat(run("vpn load-balancing\ncluster port 4444\n").clusterPort()).isEqualTo(4444);
            for (String bad : new String[] {"0", "65536", "port"}) {
                assertThat(refused("vpn load-balancing\ncluster port " + bad + "\n").reason())
                        .isEqualTo("cluster port: '" + bad + "' is not allowed; allowed: a UDP port from 1 to 65535 (default 9023)");
            }
        }

        @Test
        void encryptionNeedsTheKeyFirst() {
            // [LB-GROUP], step 4: "If you configure this check attribute, you must first specify and verify a shared secret."
            ConfigError e = refused("vpn load-balancing\ncluster encryption\ncluster key 123456789\n");
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.reason()).isEqualTo("cluster encryption needs the shared secret first: enter 'cluster key <key>',"
                    + " then 'cluster encryption'");
            assertThat(run("vpn load-balancing\ncluster key 123456789\ncluster encryption\n").encryption()).isTrue();
        }

        @Test
        void aStoredKeyCountsForEncryption() {
            LbConfig start = LbConfig.of(GroupSettings.of(ip("10.0.0.10")).withKey(ClusterKey.of("k", "stored")), null);
            assertThat(ConfigInterpreter.run(start, "vpn load-balancing\ncluster encryption\n").config().encryption()).isTrue();
        }

        @Test
        void theKeyInUseCannotBeRemoved() {
            ConfigError e = refused("vpn load-balancing\ncluster key abc\ncluster encryption\nno cluster key\n");
            assertThat(e.line()).isEqualTo(4);
            assertThat(e.reason()).isEqualTo("the cluster key is in use by cluster encryption: enter 'no cluster encryption' first");
        }

        @Test
        void clusterKey8TakesAnAlreadyEncryptedKey() {
            // [LB-GROUP], step 5: "enter the cluster key 8 key command".
            LbConfig c = run("vpn load-balancing\ncluster ip address 10.0.0.10\ncluster key 8 8$c2FsdHNhbHRub25jZWNpcGhlcg==\ncluster encryption\n");
            assertThat(c.sealedKey()).isEqualTo("8$c2FsdHNhbHRub25jZWNpcGhlcg==");
            assertThat(c.key()).isNull();
            assertThat(c.encryption()).isTrue();
            assertThatThrownBy(c::groupSettings).isInstanceOf(IllegalStateException.class).hasMessageContaining("unseal");
            assertThat(c.withKey(ClusterKey.of("k", "opened")).groupSettings().orElseThrow().key().secret()).isEqualTo("opened");
            ConfigError e = refused("vpn load-balancing\ncluster key 8 plaintext-secret\n");
            assertThat(e.reason()).isEqualTo("cluster key 8: '(hidden, 16 characters)' is not allowed; allowed: a key sealed"
                    + " by 'tandem key seal': 8$ followed by base64");
            assertThat(e.getMessage()).doesNotContain("plaintext-secret");
        }

        @Test
        void theMaskedKeyOfShowRunningConfigIsNotAKey() {
            ConfigError e = refused("vpn load-balancing\ncluster key *****\n");
            assertThat(e.reason()).isEqualTo("cluster key: '*****' is not allowed; allowed: the key itself; asterisks are"
                    + " how show running-config hides a key");
        }

        @Test
        void noErrorRepeatsAKey() {
            for (String script : new String[] {
                    "vpn load-balancing\ncluster key alpha-secret beta\n",
                    "vpn load-balancing\nno cluster key alpha-secret\n",
                    "vpn load-balancing\nc k bad\u0001secret\n",
                    "cluster key alpha-secret\n"}) {
                ConfigError e = refused(script);
                assertThat(e.getMessage()).doesNotContain("secret").doesNotContain("alpha");
                assertThat(e.command()).contains("*****");
            }
        }
    }

    @Nested
    class AllOrNothing {
        @Test
        void aRefusedLineLeavesTheStartUntouched() {
            LbConfig start = run(SPEC_EXAMPLE);
            ConfigError e = refused(start, "vpn load-balancing\npriority 2\ncluster port 99999\n");
            assertThat(e.line()).isEqualTo(3);
            assertThat(start.priority()).isEqualTo(9); // records are immutable; the caller keeps what it had
        }

        @Test
        void syntaxIsCheckedForTheWholeScriptBeforeAnythingIsApplied() {
            ConfigError e = assertThrowsConfig(() -> ConfigInterpreter.parse("vpn load-balancing\npriority 3\nprioritee 4\n"));
            assertThat(e.line()).isEqualTo(3);
        }

        private ConfigError assertThrowsConfig(Runnable r) {
            try {
                r.run();
            } catch (ConfigError e) {
                return e;
            }
            throw new AssertionError("no error");
        }
    }

    @Nested
    class RunningConfig {
        @Test
        void showsTheSectionInTheSpecificationsOrderWithTheKeyMasked() {
            // [LB-EXAMPLE]; step 5: the key "appears as consecutive asterisk characters".
            assertThat(ConfigInterpreter.runningConfig(run(SPEC_EXAMPLE))).isEqualTo("""
                    vpn load-balancing
                     nat 192.168.10.10
                     priority 9
                     interface lbpublic 209.165.202.159
                     interface lbprivate 209.165.201.30
                     cluster ip address 209.165.202.224
                     cluster key *****
                     cluster encryption
                     redirect-fqdn enable
                     participate
                    """);
        }

        @Test
        void defaultsAreLeftOut() {
            assertThat(ConfigInterpreter.runningConfig(LbConfig.defaults())).isEqualTo("vpn load-balancing\n");
            assertThat(ConfigInterpreter.runningConfig(run("vpn load-balancing\ncluster port 4444\nnat 10.1.1.1 2001:db8::9\n")))
                    .isEqualTo("vpn load-balancing\n nat 10.1.1.1 2001:db8::9\n cluster port 4444\n");
        }

        @Test
        void theRunningConfigWithTheRealKeyGivesBackTheSameSection() {
            LbConfig c = run(SPEC_EXAMPLE + "cluster port 4444\n");
            String text = ConfigInterpreter.runningConfig(c).replace("*****", "123456789");
            assertThat(run(text)).isEqualTo(c);
        }
    }

    @Nested
    class Help {
        @Test
        void questionMarkListsTheCommandsOfTheMode() {
            assertThat(ConfigInterpreter.help(ConfigMode.LOAD_BALANCING, "")).extracting(ConfigInterpreter.HelpEntry::word)
                    .containsExactly("no", "interface", "priority", "nat", "cluster", "redirect-fqdn", "participate",
                            "show", "exit");
            assertThat(ConfigInterpreter.help(ConfigMode.GLOBAL, "")).extracting(ConfigInterpreter.HelpEntry::word)
                    .containsExactly("no", "vpn", "show", "exit", "interface", "crypto", "dns", "tunnel-group");
        }

        @Test
        void questionMarkAfterAWordListsWhatMayFollow() {
            assertThat(ConfigInterpreter.help(ConfigMode.LOAD_BALANCING, "cluster "))
                    .extracting(ConfigInterpreter.HelpEntry::word).containsExactly("ip", "port", "encryption", "key");
            assertThat(ConfigInterpreter.help(ConfigMode.LOAD_BALANCING, "priority "))
                    .containsExactly(new ConfigInterpreter.HelpEntry("<1-10>", "This device's priority in the group: the"
                            + " higher, the likelier it becomes director (default 5)"));
            assertThat(ConfigInterpreter.help(ConfigMode.LOAD_BALANCING, "participate "))
                    .containsExactly(new ConfigInterpreter.HelpEntry("<cr>", "end of the command"));
            assertThat(ConfigInterpreter.help(ConfigMode.LOAD_BALANCING, "redirect-fqdn "))
                    .extracting(ConfigInterpreter.HelpEntry::word).containsExactly("enable", "disable");
        }

        @Test
        void questionMarkInsideAWordCompletesIt() {
            assertThat(ConfigInterpreter.help(ConfigMode.LOAD_BALANCING, "p")).extracting(ConfigInterpreter.HelpEntry::word)
                    .containsExactly("priority", "participate");
            assertThat(ConfigInterpreter.help(ConfigMode.LOAD_BALANCING, "no cl"))
                    .extracting(ConfigInterpreter.HelpEntry::word).containsExactly("cluster");
            assertThat(ConfigInterpreter.help(ConfigMode.LOAD_BALANCING, "no show ")).isEmpty();
        }

        @Test
        void helpTextIsAColumn() {
            assertThat(ConfigInterpreter.helpText(ConfigMode.GLOBAL, "")).isEqualTo("""
                      no            Negate a command or set its default
                      vpn           Enter vpn-load-balancing configuration mode ('no' removes the whole section)
                      show          Show the configuration as it is now: interfaces, crypto, dns, tunnel groups, vpn load-balancing
                      exit          Leave configuration mode
                      interface     Configure an interface: its address (ip address, ipv6 address) and name (nameif)
                      crypto        Permit cluster encryption on this interface (Tandem's envelope stands in for IKEv1 and IPsec)
                      dns           dns domain-lookup | dns name-server
                      tunnel-group  A connection profile: 'type remote-access' declares it, 'general-attributes' enters its group URLs
                    """);
            assertThat(ConfigInterpreter.helpText(ConfigMode.GLOBAL, "frob")).isEqualTo("% Unrecognized command\n");
        }

        @Test
        void completionOffersWordsOnly() {
            assertThat(ConfigInterpreter.complete(ConfigMode.LOAD_BALANCING, "interface ")).containsExactly("lbpublic", "lbprivate");
            assertThat(ConfigInterpreter.complete(ConfigMode.LOAD_BALANCING, "cluster ip ")).containsExactly("address");
            assertThat(ConfigInterpreter.complete(ConfigMode.LOAD_BALANCING, "cluster ip address ")).isEmpty();
            assertThat(ConfigInterpreter.complete(ConfigMode.LOAD_BALANCING, "redirect-fqdn e")).containsExactly("enable");
            assertThat(ConfigInterpreter.complete(ConfigMode.GLOBAL, "vpn ")).containsExactly("load-balancing");
        }

        @Test
        void everyCommandOfTheTableIsReachableByCompletion() {
            for (ConfigCommand cmd : ConfigCommands.ALL) {
                StringBuilder typed = new StringBuilder();
                for (String kw : cmd.keywords()) {
                    assertThat(ConfigInterpreter.complete(cmd.mode(), typed.toString())).as(typed.toString()).contains(kw);
                    typed.append(kw).append(' ');
                }
            }
        }
    }
}
