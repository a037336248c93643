package dev.tandem.core.rm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** [RG-MANUAL]: the three buttons. */
class AdminActionTest {

    @Test
    void threeActionsNamedInLowerCase() {
        assertThat(AdminAction.values()).containsExactly(AdminAction.FAILOVER, AdminAction.FALLBACK, AdminAction.RECOVER);
        assertThat(AdminAction.FAILOVER.display()).isEqualTo("failover");
        assertThat(AdminAction.FALLBACK.display()).isEqualTo("fallback");
        assertThat(AdminAction.RECOVER.display()).isEqualTo("recover");
    }

    @Test
    void parseIgnoresCaseAndSpaces() {
        assertThat(AdminAction.parse("failover")).contains(AdminAction.FAILOVER);
        assertThat(AdminAction.parse("Fallback")).contains(AdminAction.FALLBACK);
        assertThat(AdminAction.parse(" RECOVER ")).contains(AdminAction.RECOVER);
        assertThat(AdminAction.parse("fail over")).isEmpty();
        assertThat(AdminAction.parse("recovery")).isEmpty();
        assertThat(AdminAction.parse("")).isEmpty();
    }
}
