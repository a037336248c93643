package dev.tandem.node.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The deadlines a machine asked for, held on the event loop: setting a name again replaces its deadline, and a
 * timer that fires is forgotten before the machine hears of it. Used only from the loop thread.
 */
final class LoopTimers {
    private final ScheduledExecutorService loop;
    private final Clock clock;
    private final Consumer<String> fire;
    private final Map<String, ScheduledFuture<?>> pending = new HashMap<>();

    LoopTimers(ScheduledExecutorService loop, Clock clock, Consumer<String> fire) {
        this.loop = loop;
        this.clock = clock;
        this.fire = fire;
    }

    void set(String name, Instant deadline) {
        cancel(name);
        long delay = Math.max(0, Duration.between(clock.instant(), deadline).toNanos());
        pending.put(name, loop.schedule(() -> {
            pending.remove(name);
            fire.accept(name);
        }, delay, TimeUnit.NANOSECONDS));
    }

    void cancel(String name) {
        ScheduledFuture<?> f = pending.remove(name);
        if (f != null) f.cancel(false);
    }

    void cancelAll() {
        pending.values().forEach(f -> f.cancel(false));
        pending.clear();
    }
}
