package dev.tandem.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Operators' passwords as Argon2id hashes (docs/console.md, Operators). */
class PasswordsTest {
    @Test
    void aHashVerifiesItsPasswordAndNoOther() {
        String hash = Passwords.hash("correct horse battery");
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain("correct");
        assertThat(Passwords.matches("correct horse battery", hash)).isTrue();
        assertThat(Passwords.matches("correct horse batterY", hash)).isFalse();
        assertThat(Passwords.matches("", hash)).isFalse();
    }

    @Test
    void theSamePasswordHashesDifferentlyEachTime() {
        assertThat(Passwords.hash("correct horse battery")).isNotEqualTo(Passwords.hash("correct horse battery"));
    }

    @Test
    void aHashMadeWithAnotherCostStillVerifies() {
        // The cost is read from the hash itself: raising it for new hashes keeps old ones usable.
        String cheap = Passwords.hash("correct horse battery", 4096, 3);
        assertThat(cheap).startsWith("$argon2id$v=19$m=4096,t=3,p=1$");
        assertThat(Passwords.matches("correct horse battery", cheap)).isTrue();
        assertThat(Passwords.matches("correct horse batter", cheap)).isFalse();
        String other = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
                + java.util.Base64.getEncoder().withoutPadding().encodeToString(new byte[32]);
        assertThat(Passwords.matches("anything at all", other)).isFalse();
    }

    @Test
    void aMalformedOrMissingHashMatchesNothing() {
        for (String bad : new String[] {null, "", "plain text", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
                "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g"}) {
            assertThat(Passwords.matches("correct horse battery", bad)).as(bad).isFalse();
        }
    }

    @Test
    void tooShortAndTooLongPasswordsAreRefusedWithTheLimits() {
        assertThat(Passwords.refusal("short")).isEqualTo("the password is too short; allowed: 10 to 256 characters");
        assertThat(Passwords.refusal(null)).contains("too short");
        assertThat(Passwords.refusal("x".repeat(257))).isEqualTo("the password is too long; allowed: 10 to 256 characters");
        assertThat(Passwords.refusal("ten chars!")).isNull();
        assertThat(Passwords.matches("x".repeat(257), Passwords.hash("ten chars!"))).isFalse();
    }
}
