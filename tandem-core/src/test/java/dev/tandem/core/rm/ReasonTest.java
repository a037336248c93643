package dev.tandem.core.rm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** [RG-T2]: the reasons, with every spelling the specification uses. */
class ReasonTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "NORMAL                             | Normal",
            "ON_ADMIN_REQUEST                   | On Admin Request",
            "INITIALIZATION                     | Initialization",
            "AUTOMATIC_FALLBACK                 | Automatic Fallback",
            "CRITICAL_SERVICE_DOWN              | Critical Service Down",
            "DATABASE_FAILURE                   | Database Failure",
            "PEER_DOWN                          | Peer Down",
            "PEER_REBOOT                        | Peer Reboot",
            "PEER_DOWN_DURING_INITIALIZATION    | Peer Down During Initialization",
            "START_OF_CRITICAL_SERVICES_FAILED  | Start of Critical Services Failed",
            "AUTO_RECOVER_DATABASE_FAILURE      | Auto Recover Database Failure",
            "AUTO_RECOVER_CRITICAL_SERVICE_DOWN | Auto Recover Critical Service Down",
            "UNKNOWN                            | Unknown"})
    void displayIsTheSpecificationSpelling(Reason reason, String seed) {
        assertThat(reason.display()).isEqualTo(seed);
        assertThat(reason).hasToString(seed);
    }

    @Test
    void userMoveFailuresDropTheProductName() {
        // The specification prefixes these with "Cisco Server Recovery Manager"; Tandem's recovery manager is its own, so the
        // reason is shown without it and the specification's spelling is still read.
        assertThat(Reason.TAKE_OVER_USERS_FAILED.display()).isEqualTo("Take Over Users Failed");
        assertThat(Reason.TAKE_BACK_USERS_FAILED.display()).isEqualTo("Take Back Users Failed");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Normal                                                | NORMAL",
            "On Admin Request                                      | ON_ADMIN_REQUEST",
            "Initialization                                        | INITIALIZATION",
            "Automatic Fallback                                    | AUTOMATIC_FALLBACK",
            "Critical Service Down                                 | CRITICAL_SERVICE_DOWN",
            "Critical Services Down                                | CRITICAL_SERVICE_DOWN",
            "Database Failure                                      | DATABASE_FAILURE",
            "Peer Down                                             | PEER_DOWN",
            "Peer Reboot                                           | PEER_REBOOT",
            "Peer Down During Initialization                       | PEER_DOWN_DURING_INITIALIZATION",
            "Start of Critical Services Failed                     | START_OF_CRITICAL_SERVICES_FAILED",
            "Cisco Server Recovery Manager Take Over Users Failed  | TAKE_OVER_USERS_FAILED",
            "Take Over Users Failed                                | TAKE_OVER_USERS_FAILED",
            "Cisco Server Recovery Manager Take Back Users Failed  | TAKE_BACK_USERS_FAILED",
            "Take Back Users Failed                                | TAKE_BACK_USERS_FAILED",
            "Auto Recover Database Failure                         | AUTO_RECOVER_DATABASE_FAILURE",
            "Auto Recovery Database Failure                        | AUTO_RECOVER_DATABASE_FAILURE",
            "Auto Recovery Database Failure.                       | AUTO_RECOVER_DATABASE_FAILURE",
            "Auto Recover Critical Service Down                    | AUTO_RECOVER_CRITICAL_SERVICE_DOWN",
            "Unknown                                               | UNKNOWN"})
    void parsesEverySpellingOfTable2(String text, Reason expected) {
        assertThat(Reason.parse(text)).contains(expected);
        assertThat(Reason.parse(text.toUpperCase())).contains(expected);
        assertThat(Reason.parse(" " + text.toLowerCase() + " ")).contains(expected);
    }

    @ParameterizedTest
    @EnumSource(Reason.class)
    void parsesItsOwnDisplayAndConstantName(Reason reason) {
        assertThat(Reason.parse(reason.display())).contains(reason);
        assertThat(Reason.parse(reason.name())).contains(reason);
        assertThat(Reason.parse(reason.name().replace('_', ' '))).contains(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Admin", "Peer", "Critical", "Auto Recover", "Cisco Server Recovery Manager",
            "Running in Backup Mode"})
    void parsesNothingElse(String text) {
        assertThat(Reason.parse(text)).isEmpty();
    }

    @Test
    void autoRecoverNamesTheCause() {
        // [RG-T2], auto-recovery rows: a database failure or a critical service down on the backup.
        assertThat(Reason.DATABASE_FAILURE.autoRecover()).isEqualTo(Reason.AUTO_RECOVER_DATABASE_FAILURE);
        assertThat(Reason.CRITICAL_SERVICE_DOWN.autoRecover()).isEqualTo(Reason.AUTO_RECOVER_CRITICAL_SERVICE_DOWN);
        assertThatThrownBy(() -> Reason.PEER_DOWN.autoRecover())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no auto-recovery for Peer Down");
    }

    @Test
    void onlyTheTwoAutoRecoverReasonsAreAutoRecover() {
        assertThat(Arrays.stream(Reason.values()).filter(Reason::isAutoRecover))
                .containsExactlyInAnyOrder(Reason.AUTO_RECOVER_DATABASE_FAILURE, Reason.AUTO_RECOVER_CRITICAL_SERVICE_DOWN);
    }

    @Test
    void allowedNamesListsEveryDisplayQuoted() {
        String names = Reason.allowedNames();
        for (Reason r : Reason.values()) assertThat(names).contains("\"" + r.display() + "\"");
        assertThat(names).startsWith("\"Normal\", \"On Admin Request\"");
    }
}
