package dev.tandem.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The console's sessions in a node's memory (docs/console.md, Signing in). */
class ConsoleSessionsTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void aSessionEndsWhenIdleOrTooOldAndIsNeverBroughtBackOnceClosed() {
        ConsoleSessions sessions = new ConsoleSessions();
        ConsoleSessions.Session s = sessions.open("alice", "admin", T0);
        assertThat(s.id()).isNotEqualTo(s.csrf()).hasSizeGreaterThan(40);
        assertThat(sessions.use(s.id(), T0.plus(ConsoleSessions.IDLE))).isPresent();
        // Used just now: idle counts from the last use, the 12 hours from the sign-in.
        Instant late = T0.plus(ConsoleSessions.IDLE).plus(ConsoleSessions.IDLE).minusSeconds(1);
        assertThat(sessions.use(s.id(), late)).isPresent();
        assertThat(sessions.use(s.id(), late.plus(ConsoleSessions.IDLE).plusSeconds(1))).isEmpty();
        assertThat(sessions.size()).isZero();

        ConsoleSessions.Session b = sessions.open("bob", "read-only", T0);
        assertThat(sessions.use(b.id(), T0.plus(ConsoleSessions.LONGEST).plusSeconds(1))).isEmpty();

        // A request in flight that rechecks a session closed meanwhile does not bring it back.
        ConsoleSessions.Session c = sessions.open("carol", "admin", T0);
        sessions.closeAll("carol");
        assertThat(sessions.rechecked(c, Optional.of("admin"), T0)).isEmpty();
        assertThat(sessions.use(c.id(), T0)).isEmpty();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void aRecheckTakesTheStoresRoleOrClosesTheSession() {
        ConsoleSessions sessions = new ConsoleSessions();
        ConsoleSessions.Session s = sessions.open("alice", "admin", T0);
        assertThat(sessions.rechecked(s, Optional.of("read-only"), T0.plusSeconds(31)))
                .hasValueSatisfying(x -> assertThat(x.admin()).isFalse());
        assertThat(sessions.use(s.id(), T0.plusSeconds(32)).orElseThrow().role()).isEqualTo("read-only");
        assertThat(sessions.rechecked(s, Optional.empty(), T0.plusSeconds(62))).isEmpty();
        assertThat(sessions.use(s.id(), T0.plusSeconds(63))).isEmpty();
    }
}
