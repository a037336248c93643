package dev.tandem.bench.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.bench.BenchMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UsersScenarioTest {
    @Test
    void storesAreNamedOnceEachInTheOrderGiven() {
        assertThat(UsersScenario.storeKinds("postgresql, H2,h2")).containsExactly("postgresql", "h2");
        assertThatThrownBy(() -> UsersScenario.storeKinds("h2,mysql"))
                .hasMessage("--stores: 'mysql' is not allowed; allowed: h2, postgresql");
    }

    @Test
    void badSizesAreRefusedWithWhatIsAllowed() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(BenchMain.run("users", "--users", "3")).isEqualTo(2);
            assertThat(BenchMain.run("users", "--node-heap", "lots")).isEqualTo(2);
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("--users: 3 is not allowed; allowed: 4 or more")
                .contains("--node-heap: 'lots' is not allowed");
    }

    @Test
    void aCsvHasOneUserALine() {
        assertThat(StoreScale.csv(3)).isEqualTo("user0@example.com\nuser1@example.com\nuser2@example.com\n");
    }
}
