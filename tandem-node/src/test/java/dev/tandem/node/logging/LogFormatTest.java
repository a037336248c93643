package dev.tandem.node.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The log format option: the property wins over the environment; an unknown value is named and read as text. */
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
}
