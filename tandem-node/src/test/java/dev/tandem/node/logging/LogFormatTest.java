package dev.tandem.node.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The log format option (the property wins over the environment; an unknown value is named and read as text) and
 * what each format prints.
 */
class LogFormatTest {

    @Test
    void textUnlessJsonIsAskedFor() {
        assertThat(LogFormat.requested(null, null)).isEqualTo("text");
        assertThat(LogFormat.requested("", " ")).isEqualTo("text");
        assertThat(LogFormat.requested(null, "json")).isEqualTo("json");
        assertThat(LogFormat.requested(null, " JSON ")).isEqualTo("json");
        assertThat(LogFormat.requested("text", "json")).as("the property wins").isEqualTo("text");
        assertThat(LogFormat.requested("json", null)).isEqualTo("json");
    }

    @Test
    void unknownFormatIsNamedWithWhatIsAllowed() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(LogFormat.requested(null, "xml")).isEqualTo("text");
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("'xml'", "TANDEM_LOG_FORMAT", "allowed: text or json");
    }

    @Test
    void textLinesCarryTimeLevelLoggerAndMessageAndLibrariesOnlyWarn() {
        String out = logged("text");
        assertThat(out).matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  "
                + "\\[TandemNode\\] n1 is Normal\\R.*");
        assertThat(out).contains("WARN  [Server] jetty warns").doesNotContain("jetty informs")
                .doesNotContain("a connection broke").contains("the pool failed");
    }

    @Test
    void jsonIsOneObjectALineWithTheSameLevels() {
        String out = logged("json");
        String[] lines = out.split("\\R");
        assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("{").endsWith("}"));
        assertThat(lines[0]).contains("\"level\":\"INFO\"", "\"loggerName\":\"dev.tandem.node.runtime.TandemNode\"",
                "\"formattedMessage\":\"n1 is Normal\"");
        assertThat(out).contains("jetty warns").doesNotContain("jetty informs").doesNotContain("a connection broke");
    }

    /** What a fresh logging context set up in {@code format} prints for a few events. */
    private static String logged(String format) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // as logback's own start-up gives it
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            LogFormat.configure(context, format);
            context.getLogger("dev.tandem.node.runtime.TandemNode").info("n1 is Normal");
            context.getLogger("org.eclipse.jetty.server.Server").info("jetty informs");
            context.getLogger("org.eclipse.jetty.server.Server").warn("jetty warns");
            context.getLogger("com.zaxxer.hikari.pool.ProxyConnection").warn("a connection broke");
            context.getLogger("com.zaxxer.hikari.pool.ProxyConnection").error("the pool failed");
        } finally {
            context.stop();
            System.setOut(out);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
