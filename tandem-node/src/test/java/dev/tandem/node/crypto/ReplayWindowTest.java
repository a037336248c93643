package dev.tandem.node.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The per-sender replay window (docs/architecture.md, Security: "a per-sender replay window drops replays"): the newest
 * epoch, the highest counter in it, and the 64 counters below it.
 */
class ReplayWindowTest {
    private final ReplayWindow w = new ReplayWindow();

    @Test
    void theFirstMessageOfASenderIsAccepted() {
        assertThat(w.accept(7, 123_456)).isTrue();
    }

    @Test
    void counterZeroIsAcceptedAndNegativeCountersNever() {
        assertThat(w.accept(1, -1)).isFalse();
        assertThat(w.accept(1, Long.MIN_VALUE)).isFalse();
        assertThat(w.accept(1, 0)).isTrue();
        assertThat(w.accept(1, 0)).isFalse();
    }

    @Test
    void aRepeatedPairIsRefused() {
        assertThat(w.accept(1, 10)).isTrue();
        assertThat(w.accept(1, 10)).isFalse();
    }

    @Test
    void increasingCountersAreAllAccepted() {
        for (long c = 100; c < 300; c++) {
            assertThat(w.accept(1, c)).as("counter %d", c).isTrue();
        }
    }

    @Test
    void aCounter63BelowTheHighestIsStillInTheWindowButNot64() {
        assertThat(w.accept(1, 1000)).isTrue();
        assertThat(w.accept(1, 1000 - 63)).isTrue();
        assertThat(w.accept(1, 1000 - 63)).isFalse();
        assertThat(w.accept(1, 1000 - 64)).isFalse();
        assertThat(w.accept(1, 0)).isFalse();
    }

    @Test
    void messagesReorderedInsideTheWindowAreAcceptedOnceEach() {
        long[] order = {50, 40, 45, 41, 49, 20, 42, 48, 43, 47, 44, 46};
        for (long c : order) {
            assertThat(w.accept(1, c)).as("first %d", c).isTrue();
        }
        for (long c : order) {
            assertThat(w.accept(1, c)).as("again %d", c).isFalse();
        }
    }

    @Test
    void seenBitsMoveWithTheWindow() {
        assertThat(w.accept(1, 10)).isTrue();
        assertThat(w.accept(1, 12)).isTrue();
        assertThat(w.accept(1, 11)).isTrue();
        assertThat(w.accept(1, 10)).isFalse();
        assertThat(w.accept(1, 11)).isFalse();
        assertThat(w.accept(1, 12)).isFalse();
        assertThat(w.accept(1, 9)).isTrue();
    }

    @Test
    void aJumpOf63KeepsTheOldHighestMarkedSeen() {
        assertThat(w.accept(1, 100)).isTrue();
        assertThat(w.accept(1, 163)).isTrue();
        assertThat(w.accept(1, 100)).as("age 63, already seen").isFalse();
        assertThat(w.accept(1, 101)).as("age 62, never seen").isTrue();
    }

    @Test
    void aJumpOf64OrMoreForgetsEverythingBelowTheWindow() {
        assertThat(w.accept(1, 100)).isTrue();
        assertThat(w.accept(1, 164)).isTrue();
        assertThat(w.accept(1, 100)).as("age 64: too old to tell").isFalse();
        assertThat(w.accept(1, 101)).as("age 63, never seen").isTrue();
        assertThat(w.accept(1, 164)).isFalse();
    }

    @Test
    void aHugeJumpDoesNotOverflow() {
        assertThat(w.accept(1, 0)).isTrue();
        assertThat(w.accept(1, Long.MAX_VALUE)).isTrue();
        assertThat(w.accept(1, Long.MAX_VALUE)).isFalse();
        assertThat(w.accept(1, Long.MAX_VALUE - 1)).isTrue();
        assertThat(w.accept(1, 0)).isFalse();
    }

    @Test
    void aNewerEpochStartsAFreshWindowEvenWithALowerCounter() {
        assertThat(w.accept(1, 5000)).isTrue();
        assertThat(w.accept(2, 3)).as("the sender restarted").isTrue();
        assertThat(w.accept(2, 3)).isFalse();
        assertThat(w.accept(2, 4)).isTrue();
        assertThat(w.accept(2, 2)).isTrue();
    }

    @Test
    void anOlderEpochIsRefusedWhateverItsCounter() {
        assertThat(w.accept(5, 10)).isTrue();
        assertThat(w.accept(4, 11)).isFalse();
        assertThat(w.accept(4, Long.MAX_VALUE)).isFalse();
        assertThat(w.accept(Long.MIN_VALUE, 12)).isFalse();
        // A refusal changes nothing: the current epoch goes on.
        assertThat(w.accept(5, 11)).isTrue();
    }

    @Test
    void epochsMayBeNegative() {
        assertThat(w.accept(-10, 1)).isTrue();
        assertThat(w.accept(-11, 2)).isFalse();
        assertThat(w.accept(-9, 0)).isTrue();
    }

    @Test
    void aRefusedOldCounterLeavesTheWindowAsItWas() {
        assertThat(w.accept(1, 200)).isTrue();
        assertThat(w.accept(1, 10)).isFalse();
        assertThat(w.accept(1, 199)).isTrue();
        assertThat(w.accept(1, 201)).isTrue();
        assertThat(w.accept(1, 200)).isFalse();
    }
}
