package dev.tandem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bus the protocol loop publishes on never waits for a subscriber (docs/node.md, Events). */
class EventBusTest {

    @Test
    void aSubscriberThatBlocksNeitherHoldsThePublisherNorTheOthersAndIsDroppedOnceItFallsAQueueBehind() throws Exception {
        EventBus bus = new EventBus("test");
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger droppedCalls = new AtomicInteger();
        bus.subscribe(e -> {
            try {
                never.await(); // a reader whose TCP window is full: the write never returns
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            }
        }, droppedCalls::incrementAndGet);
        List<Long> fast = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        bus.subscribe(e -> fast.add(e.seq()));

        // In two halves, letting the reader that keeps up catch up in between: only the blocked one falls behind.
        int events = EventBus.QUEUE + 10;
        long start = System.nanoTime();
        for (int i = 0; i < events / 2; i++) bus.publish("admin", Instant.EPOCH, Map.of("i", i));
        Duration publishing = Duration.ofNanos(System.nanoTime() - start);
        await().atMost(Duration.ofSeconds(5)).until(() -> fast.size() == events / 2);
        start = System.nanoTime();
        for (int i = events / 2; i < events; i++) bus.publish("admin", Instant.EPOCH, Map.of("i", i));
        publishing = publishing.plus(Duration.ofNanos(System.nanoTime() - start));

        // The blocked subscriber takes one event and waits; the queue holds QUEUE more; the next one drops it.
        assertThat(publishing).isLessThan(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(5)).until(() -> droppedCalls.get() == 1);
        assertThat(bus.droppedSubscribers()).isEqualTo(1);
        assertThat(bus.subscribers()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> fast.size() == events);
        assertThat(fast).isSorted().doesNotHaveDuplicates();

        bus.publish("admin", Instant.EPOCH, Map.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> fast.size() == events + 1);
        assertThat(droppedCalls.get()).isEqualTo(1);
        never.countDown();
    }

    @Test
    void aCancelledSubscriberGetsNothingMoreAndASubscriberThatThrowsIsRemoved() {
        EventBus bus = new EventBus("test");
        List<String> got = new CopyOnWriteArrayList<>();
        Runnable cancel = bus.subscribe(e -> got.add(e.kind()));
        bus.subscribe(e -> {
            throw new IllegalStateException("the connection is closed");
        });
        bus.publish("one", Instant.EPOCH, Map.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1 && bus.subscribers() == 1);
        cancel.run();
        cancel.run();
        bus.publish("two", Instant.EPOCH, Map.of());
        assertThat(bus.subscribers()).isZero();
        assertThat(got).containsExactly("one");
        assertThat(bus.recent()).extracting(EventBus.Event::kind).containsExactly("two", "one");
    }

    @Test
    void subscribersBeyondTheBoundAreRefused() {
        EventBus bus = new EventBus("test");
        for (int i = 0; i < EventBus.MAX_SUBSCRIBERS; i++) bus.subscribe(e -> { });
        assertThatThrownBy(() -> bus.subscribe(e -> { })).isInstanceOf(EventBus.TooManySubscribers.class)
                .hasMessageContaining("at most " + EventBus.MAX_SUBSCRIBERS);
    }
}
