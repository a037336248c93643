package dev.tandem.node.redirect;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Redirect decisions counted per member and rule, refusals per reason (Prometheus). */
public final class RedirectMetrics {
    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> redirects = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> refusals = new ConcurrentHashMap<>();

    public RedirectMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void redirected(String member, String rule) {
        redirects.computeIfAbsent(member + '\u0000' + rule, k -> Counter.builder("tandem_redirects")
                .description("clients the director sent to a member, by member and decision rule")
                .tag("member", member).tag("rule", rule).register(registry)).increment();
    }

    void refused(String reason) {
        refusals.computeIfAbsent(reason, k -> Counter.builder("tandem_redirect_refusals")
                .description("clients the director could not send anywhere, by reason")
                .tag("reason", reason).register(registry)).increment();
    }
}
