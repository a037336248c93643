package dev.tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code tandem lb explain}: [LB-RULES], through the command line. */
class LbExplainCommandTest {
    private final InputStream stdin = System.in;
    private final PrintStream stdout = System.out;
    private final PrintStream stderr = System.err;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void capture() {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setIn(stdin);
        System.setOut(stdout);
        System.setErr(stderr);
    }

    private int run(String input) {
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        return Main.run("lb", "explain");
    }

    private JsonNode output() throws Exception {
        return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    }

    private String error() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static String member(String ip, int active, int inactive, int max) {
        return "{\"ip\":\"" + ip + "\",\"active\":" + active + ",\"inactive\":" + inactive + ",\"max\":" + max + "}";
    }

    /** The specification's example at its first step: all at 0%, so rule 4 gives the session to the member with the lowest IP. */
    @Test
    void specificationExampleFirstSessionGoesToTheLowestIpMember() throws Exception {
        int code = run("{\"director\":\"10.0.0.1\",\"members\":[" + member("10.0.0.1", 0, 0, 100) + ","
                + member("10.0.0.3", 0, 0, 100) + "," + member("10.0.0.2", 0, 0, 100) + "]}");
        assertThat(code).isZero();
        JsonNode o = output();
        assertThat(o.get("chosen").asText()).isEqualTo("10.0.0.2");
        assertThat(o.get("rule").asInt()).isEqualTo(4);
        assertThat(o.get("reason").asText()).endsWith("10.0.0.2 has the lowest IP");
        assertThat(o.get("loads").fieldNames()).toIterable().containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(error()).isEmpty();
    }

    /** Rule 1, and inactive sessions that do not count ([LB-SHOW]: "inactive sessions do not count towards the load"). */
    @Test
    void directorTakesTheSessionAndInactiveSessionsDoNotCount() throws Exception {
        int code = run("{\"director\":\"10.0.0.1\",\"members\":[" + member("10.0.0.1", 1, 50, 100) + ","
                + member("10.0.0.2", 2, 0, 100) + "]}");
        assertThat(code).isZero();
        JsonNode o = output();
        assertThat(o.get("chosen").asText()).isEqualTo("10.0.0.1");
        assertThat(o.get("rule").asInt()).isEqualTo(1);
        assertThat(o.get("loads").get("10.0.0.1").asInt()).isEqualTo(1);
    }

    @Test
    void everyoneFullGivesNullChoiceAndRule() throws Exception {
        int code = run("{\"director\":\"10.0.0.1\",\"members\":[" + member("10.0.0.1", 100, 0, 100) + ","
                + member("2001:DB8::1", 10, 0, 10) + "]}");
        assertThat(code).isZero();
        JsonNode o = output();
        assertThat(o.get("chosen").isNull()).isTrue();
        assertThat(o.get("rule").isNull()).isTrue();
        assertThat(o.get("reason").asText()).isEqualTo("no member can take a session: 2 are full");
        assertThat(o.get("loads").get("2001:db8::1").asInt()).isEqualTo(100);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"director\":\"10.0.0.1\",\"members\":[{\"ip\":\"10.0.0.1\",\"active\":0,\"inactive\":0,\"max\":1},"
                    + "{\"ip\":\"10.0.0.2\",\"active\":0,\"inactive\":0,\"max\":1},"
                    + "{\"ip\":\"10.0.0.3\",\"active\":0,\"inactive\":0,\"max\":0}]}"
                    + "| members[2].max: '0' is not allowed; allowed: a whole number from 1 to 100000000",
            "{\"director\":\"10.0.0.1\",\"members\":[{\"ip\":\"10.0.0.1\",\"active\":-1,\"inactive\":0,\"max\":5}]}"
                    + "| members[0].active: '-1' is not allowed; allowed: a whole number from 0 to 100000000",
            "{\"director\":\"10.0.0.1\",\"members\":[{\"ip\":\"10.0.0.1\",\"active\":1,\"inactive\":-2,\"max\":5}]}"
                    + "| members[0].inactive: '-2' is not allowed",
            "{\"director\":\"10.0.0.1\",\"members\":[{\"ip\":\"10.0.0.1\",\"active\":1,\"inactive\":0}]}"
                    + "| members[0].max: (missing) is not allowed",
            "{\"director\":\"10.0.0.1\",\"members\":[{\"ip\":\"10.0.0.1\",\"active\":1.5,\"inactive\":0,\"max\":5}]}"
                    + "| members[0].active: '1.5' is not allowed",
            "{\"director\":\"10.0.0.1\",\"members\":[{\"ip\":\"10.0.0.1\",\"active\":\"3\",\"inactive\":0,\"max\":5}]}"
                    + "| members[0].active: '\"3\"' is not allowed",
            "{\"director\":\"10.0.0.1\",\"members\":[{\"ip\":\"10.0.0.1\",\"active\":6,\"inactive\":0,\"max\":5}]}"
                    + "| members[0].active: '6' is not allowed; allowed: a whole number from 0 to max (5)",
            "{\"director\":\"10.0.0.1\",\"members\":[{\"ip\":\"10.0.0.1\",\"active\":3,\"inactive\":3,\"max\":5}]}"
                    + "| members[0].inactive: '3' is not allowed; allowed: a whole number from 0 to max - active (2)",
            "{\"director\":\"10.0.0.1\",\"members\":[{\"ip\":\"10.0.0.1\",\"active\":0,\"inactive\":0,\"max\":5},"
                    + "{\"ip\":\"10.0.0.01\",\"active\":0,\"inactive\":0,\"max\":5}]}"
                    + "| members[1].ip: '10.0.0.01' is not allowed; allowed: an IPv4 address",
            "{\"director\":\"10.0.0.1\",\"members\":[{\"ip\":\"10.0.0.1\",\"active\":0,\"inactive\":0,\"max\":5},"
                    + "{\"ip\":\"10.0.0.1\",\"active\":0,\"inactive\":0,\"max\":5}]}"
                    + "| members[1].ip: '10.0.0.1' is not allowed; allowed: an address no other member has (members[0] has it)",
            "{\"director\":\"10.0.0.9\",\"members\":[{\"ip\":\"10.0.0.1\",\"active\":0,\"inactive\":0,\"max\":5}]}"
                    + "| director: '10.0.0.9' is not allowed; allowed: the ip of one of the members",
            "{\"members\":[]}| director: (missing) is not allowed",
            "{\"director\":\"10.0.0.1\"}| members: (missing) is not allowed",
            "{\"director\":\"10.0.0.1\",\"members\":[],\"extra\":1}| extra: '1' is not allowed; allowed: no such field",
            "{\"director\":\"10.0.0.1\",\"members\":[{\"ip\":\"10.0.0.1\",\"active\":0,\"inactive\":0,\"max\":5,\"x\":2}]}"
                    + "| members[0].x: '2' is not allowed; allowed: no such field",
            "[1,2]| input: 'array' is not allowed",
            "{\"director\": | input: not valid JSON at line 1",
            "' '| input: empty",
    })
    void badInputExitsTwoWithOneLineNamingTheField(String input, String expected) {
        int code = run(input);
        assertThat(code).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        String e = error();
        assertThat(e.lines()).hasSize(1);
        assertThat(e).startsWith("tandem lb explain: " + expected);
    }

    @Test
    void helpListsTheInputShape() {
        int code = Main.run("lb", "explain", "--help");
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"director\"", "rule (1 to 4)");
    }
}
