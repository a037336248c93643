package dev.tandem.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InvalidTest {

    @Test
    void messageNamesFieldValueAndWhatIsAllowed() {
        Invalid e = new Invalid("servicePort", 70000, "a port from 1 to 65535");
        assertThat(e).hasMessage("servicePort: '70000' is not allowed; allowed: a port from 1 to 65535");
        assertThat(e.field()).isEqualTo("servicePort");
        assertThat(e.value()).isEqualTo("'70000'");
        assertThat(e.allowed()).isEqualTo("a port from 1 to 65535");
    }

    @Test
    void aMissingValueIsSaidSo() {
        Invalid e = new Invalid("group name", null, "1 to 128 characters");
        assertThat(e).hasMessage("group name: (missing) is not allowed; allowed: 1 to 128 characters");
        assertThat(e.value()).isEqualTo("(missing)");
    }

    @Test
    void isARuntimeException() {
        assertThat(new Invalid("f", "v", "a")).isInstanceOf(RuntimeException.class);
    }
}
