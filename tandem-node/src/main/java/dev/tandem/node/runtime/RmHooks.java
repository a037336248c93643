package dev.tandem.node.runtime;

import dev.tandem.core.Effect;
import dev.tandem.core.HookKind;
import dev.tandem.core.NodeId;
import dev.tandem.core.rm.RmEvent;
import dev.tandem.node.config.NodeConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recovery manager's hooks on the host (docs/node.md, Hooks): the service control's start and stop, the user
 * moves, and the notification of every state change. A hook starts after the state write that precedes it and ends
 * as an event on the protocol loop.
 */
final class RmHooks {
    private static final Logger LOG = LoggerFactory.getLogger(RmHooks.class);

    private final NodeConfig config;
    private final HookRunner runner;
    private final StateWriter writer;
    private final Executor loop;
    private final Consumer<RmEvent> step;

    /** @param step applies an event to the recovery manager (called on {@code loop}) */
    RmHooks(NodeConfig config, HookRunner runner, StateWriter writer, Executor loop, Consumer<RmEvent> step) {
        this.config = config;
        this.runner = runner;
        this.writer = writer;
        this.loop = loop;
        this.step = step;
    }

    void run(Effect.RunHook h) {
        Map<String, String> env = env();
        env.put("TANDEM_HOOK", h.kind().name().toLowerCase().replace('_', '-'));
        env.put("TANDEM_USERS_OF", String.join(",", h.usersOf().stream().map(NodeId::value).toList()));
        List<String> command = switch (h.kind()) {
            case STOP_SERVICES -> config.serviceControl().stop();
            case START_SERVICES -> config.serviceControl().start();
            case TAKE_OVER_USERS -> config.hooks().takeOverUsers();
            case TAKE_BACK_USERS -> config.hooks().takeBackUsers();
        };
        Duration timeout = h.kind() == HookKind.STOP_SERVICES || h.kind() == HookKind.START_SERVICES
                ? config.serviceControl().timeout() : config.hooks().timeout();
        if (command.isEmpty()) {
            // Nothing runs on the host, so nothing has to be on disk before it (decision 0051): done at once, where
            // waiting for the state file's write cost a planned move one disk flush per hook on each node.
            LOG.info("hook {}: nothing configured, done", env.get("TANDEM_HOOK"));
            loop.execute(() -> step.accept(new RmEvent.HookCompleted(h.id(), h.kind(), true)));
            return;
        }
        LOG.info("hook {} starting", env.get("TANDEM_HOOK"));
        writer.afterWrites(() -> runner.run(env.get("TANDEM_HOOK"), command, env, timeout, ok -> loop.execute(() -> {
            LOG.info("hook {} {}", env.get("TANDEM_HOOK"), ok ? "succeeded" : "FAILED");
            step.accept(new RmEvent.HookCompleted(h.id(), h.kind(), ok));
        })));
    }

    /** hooks.onStateChange, when configured: told the transition, never waited for. */
    void notify(Effect.Record r) {
        List<String> notify = config.hooks().onStateChange();
        if (notify.isEmpty()) return;
        Map<String, String> env = env();
        env.put("TANDEM_HOOK", "notify");
        env.put("TANDEM_FROM", r.from());
        env.put("TANDEM_STATE", r.to());
        env.put("TANDEM_REASON", r.reason());
        runner.run("notify", notify, env, config.hooks().timeout(), ok -> { });
    }

    private Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TANDEM_NODE", config.id());
        env.put("TANDEM_GROUP", config.redundancyGroup().name());
        return env;
    }
}
