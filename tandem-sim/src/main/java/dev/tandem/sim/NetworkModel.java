package dev.tandem.sim;

import dev.tandem.core.Durations;
import dev.tandem.core.Invalid;
import java.time.Duration;

/**
 * How the simulated network treats each message: a delay drawn uniformly from [minDelay, maxDelay]
 * (so messages reorder when the range is wide), a loss and a duplication probability.
 */
public record NetworkModel(Duration minDelay, Duration maxDelay, double loss, double duplicate) {
    public static final NetworkModel PERFECT = new NetworkModel(Duration.ofMillis(1), Duration.ofMillis(1), 0, 0);

    public NetworkModel {
        if (minDelay.isNegative()) throw new Invalid("delay", Durations.format(minDelay), "zero or more");
        if (maxDelay.compareTo(minDelay) < 0) {
            throw new Invalid("delay", Durations.format(minDelay) + ".." + Durations.format(maxDelay),
                    "a range low..high with low <= high");
        }
        if (!(loss >= 0 && loss <= 1)) throw new Invalid("loss", loss, "a probability from 0 to 1");
        if (!(duplicate >= 0 && duplicate <= 1)) throw new Invalid("dup", duplicate, "a probability from 0 to 1");
    }
}
