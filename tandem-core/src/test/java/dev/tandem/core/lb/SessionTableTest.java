package dev.tandem.core.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tandem.core.lb.SessionTable.Admission;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * [LB-SHOW]: inactive sessions are not reported, and "when the ASA
 * receives the new connection, the session that has been inactive the longest is logged off".
 */
class SessionTableTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static SessionTable admitted(SessionTable t, Session s) {
        return ((Admission.Admitted) t.admit(s)).table();
    }

    private static SessionTable fullSslTable() {
        SessionTable t = SessionTable.empty(0, 3);
        for (String id : new String[] {"a", "b", "c"}) t = admitted(t, Session.active(id, SessionClass.SSL));
        return t;
    }

    @Test
    void inactiveSessionsAreNotReportedAsLoad() {
        SessionTable t = fullSslTable().inactive("b", T0);
        assertThat(t.load().ssl()).isEqualTo(new ClassLoad(2, 3));
        assertThat(t.load().ssl().percent()).isEqualTo(67);
        assertThat(t.resumed("b").load().ssl().active()).isEqualTo(3);
    }

    @Test
    void freeLicenceIsTakenWithoutLoggingAnyoneOff() {
        SessionTable t = SessionTable.empty(0, 3);
        Admission a = t.admit(Session.active("a", SessionClass.SSL));
        assertThat(a).isInstanceOfSatisfying(Admission.Admitted.class, ok -> {
            assertThat(ok.loggedOff()).isEmpty();
            assertThat(ok.table().sessions()).hasSize(1);
        });
    }

    @Test
    void fullMemberLogsOffTheSessionInactiveTheLongest() {
        SessionTable t = fullSslTable().inactive("c", T0.plusSeconds(10)).inactive("a", T0.plusSeconds(5));
        Admission a = t.admit(Session.active("d", SessionClass.SSL));
        assertThat(a).isInstanceOfSatisfying(Admission.Admitted.class, ok -> {
            assertThat(ok.loggedOff()).get().extracting(Session::id).isEqualTo("a");
            assertThat(ok.table().sessions()).extracting(Session::id).containsExactly("b", "c", "d");
            assertThat(ok.table().load().ssl()).isEqualTo(new ClassLoad(2, 3));
        });
    }

    @Test
    void tieOnInactiveTimeLogsOffTheSmallestId() {
        SessionTable t = fullSslTable().inactive("c", T0).inactive("b", T0);
        Admission.Admitted ok = (Admission.Admitted) t.admit(Session.active("d", SessionClass.SSL));
        assertThat(ok.loggedOff()).get().extracting(Session::id).isEqualTo("b");
    }

    @Test
    void everyLicenceHeldByAnActiveSessionRefuses() {
        assertThat(fullSslTable().admit(Session.active("d", SessionClass.SSL)))
                .isEqualTo(new Admission.Refused("full: all 3 SSL sessions are active"));
    }

    @Test
    void licencesAreCountedPerClass() {
        SessionTable t = SessionTable.empty(1, 3);
        t = admitted(t, Session.active("i", SessionClass.IPSEC)).inactive("i", T0);
        SessionTable ssl = fullSslTable();
        SessionTable mixed = new SessionTable(1, 3, java.util.List.of(t.sessions().get(0), ssl.sessions().get(0),
                ssl.sessions().get(1), ssl.sessions().get(2)));
        // The inactive IPsec session does not free an SSL licence.
        assertThat(mixed.admit(Session.active("d", SessionClass.SSL))).isInstanceOf(Admission.Refused.class);
        Admission.Admitted ok = (Admission.Admitted) mixed.admit(Session.active("j", SessionClass.IPSEC));
        assertThat(ok.loggedOff()).get().extracting(Session::id).isEqualTo("i");
    }

    @Test
    void endedSessionFreesItsLicence() {
        SessionTable t = fullSslTable().ended("b");
        assertThat(t.admit(Session.active("d", SessionClass.SSL))).isInstanceOfSatisfying(Admission.Admitted.class,
                ok -> assertThat(ok.loggedOff()).isEmpty());
        assertThatThrownBy(() -> t.admit(Session.active("a", SessionClass.SSL)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
