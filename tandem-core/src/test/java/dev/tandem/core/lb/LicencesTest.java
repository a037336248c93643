package dev.tandem.core.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Licences} decides exactly as {@link SessionTable}, the straightforward reference: over 2,000 random
 * sequences of logins (both classes), ends, sessions going inactive (often at the same instant, so ties are decided
 * by id) and resuming, every admission, every session logged off, every load and the set of sessions agree.
 */
class LicencesTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void decidesAsTheReferenceTableOverRandomSequences() {
        for (long seed = 1; seed <= 2_000; seed++) {
            Random r = new Random(seed);
            int ipsecMax = r.nextInt(6);
            int sslMax = r.nextInt(8);
            SessionTable table = SessionTable.empty(ipsecMax, sslMax);
            Licences fast = new Licences(ipsecMax, sslMax);
            List<String> ids = new ArrayList<>();
            int next = 0;
            for (int step = 0; step < 200; step++) {
                String context = "seed " + seed + " step " + step;
                int op = r.nextInt(10);
                if (op < 4 || ids.isEmpty()) {
                    String id = "s" + (next++);
                    SessionClass c = r.nextBoolean() ? SessionClass.SSL : SessionClass.IPSEC;
                    SessionTable.Admission a = table.admit(Session.active(id, c));
                    Licences.Admission b = fast.admit(Session.active(id, c));
                    if (a instanceof SessionTable.Admission.Admitted in) {
                        assertThat(b).as(context).isInstanceOf(Licences.Admission.Admitted.class);
                        Optional<Session> off = ((Licences.Admission.Admitted) b).loggedOff();
                        assertThat(off.map(Session::id)).as(context).isEqualTo(in.loggedOff().map(Session::id));
                        in.loggedOff().ifPresent(s -> ids.remove(s.id()));
                        table = in.table();
                        ids.add(id);
                    } else {
                        assertThat(b).as(context).isEqualTo(new Licences.Admission.Refused(
                                ((SessionTable.Admission.Refused) a).reason()));
                    }
                } else {
                    String id = ids.get(r.nextInt(ids.size()));
                    switch (op) {
                        case 4, 5 -> {
                            Instant at = T0.plusSeconds(r.nextInt(5)); // few instants: ties happen
                            table = table.inactive(id, at);
                            fast.inactive(id, at);
                        }
                        case 6, 7 -> {
                            table = table.resumed(id);
                            fast.resumed(id);
                        }
                        default -> {
                            table = table.ended(id);
                            assertThat(fast.ended(id)).isTrue();
                            ids.remove(id);
                        }
                    }
                }
                assertThat(fast.load()).as(context).isEqualTo(table.load());
                assertThat(new HashSet<>(fast.sessions())).as(context).isEqualTo(new HashSet<>(table.sessions()));
            }
        }
    }

    @Test
    void aHundredThousandSessionsAreAdmittedWithoutCopyingATable() {
        Licences l = new Licences(0, 100_000);
        for (int i = 0; i < 100_000; i++) {
            assertThat(l.admit(Session.active("s" + i, SessionClass.SSL))).isInstanceOf(Licences.Admission.Admitted.class);
        }
        assertThat(l.admit(Session.active("one-more", SessionClass.SSL))).isInstanceOf(Licences.Admission.Refused.class);
        l.inactive("s500", T0.plusSeconds(2));
        l.inactive("s7", T0.plusSeconds(1));
        assertThat(((Licences.Admission.Admitted) l.admit(Session.active("one-more", SessionClass.SSL))).loggedOff())
                .map(Session::id).contains("s7");
        assertThat(l.load().ssl().active()).isEqualTo(99_999);
    }
}
