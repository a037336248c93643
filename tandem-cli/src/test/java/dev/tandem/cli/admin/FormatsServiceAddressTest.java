package dev.tandem.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.api.AdminClient;
import dev.tandem.api.RedundancyAnswers;
import org.junit.jupiter.api.Test;

/** `show redundancy` says where each service address is (docs/redundancy.md, Service addresses). */
class FormatsServiceAddressTest {

    @Test
    void eachServiceAddressIsShownWithItsHolder() throws Exception {
        var g = AdminClient.JSON.readValue("""
                {"name":"g1","description":"","ha":true,"actions":["Fallback"],"nodes":[
                 {"id":"n1","address":"10.0.0.1","state":"Failed Over","reason":"On Admin Request","alive":true,
                  "healthy":true,"serviceAddress":"10.0.1.1","serviceAddressHolder":"n2"},
                 {"id":"n2","address":"10.0.0.2","state":"Running in Backup Mode","reason":"On Admin Request",
                  "alive":true,"healthy":true,"serviceAddress":"10.0.1.2","serviceAddressHolder":"n2"}]}""", RedundancyAnswers.Group.class);
        assertThat(Formats.redundancyGroup(g)).contains(
                "Service addresses: 10.0.1.1 (n1's) held by n2; 10.0.1.2 (n2's) held by n2\n");
    }

    @Test
    void anAddressNobodyHoldsSaysSo() throws Exception {
        var g = AdminClient.JSON.readValue("""
                {"name":"g1","ha":true,"nodes":[{"id":"n1","address":"10.0.0.1","serviceAddress":"10.0.1.1",
                 "serviceAddressHolder":null},{"id":"n2","address":"10.0.0.2","serviceAddress":null}]}""", RedundancyAnswers.Group.class);
        assertThat(Formats.redundancyGroup(g)).contains("Service addresses: 10.0.1.1 (n1's) held by nobody\n");
    }

    @Test
    void groupsWithoutServiceAddressesShowNoSuchLine() throws Exception {
        var g = AdminClient.JSON.readValue("""
                {"name":"g1","ha":true,"nodes":[{"id":"n1","address":"10.0.0.1"}]}""", RedundancyAnswers.Group.class);
        assertThat(Formats.redundancyGroup(g)).doesNotContain("Service addresses");
    }
}
