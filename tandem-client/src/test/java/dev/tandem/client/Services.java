package dev.tandem.client;

import dev.tandem.core.lb.Load;
import dev.tandem.core.rm.Serving;
import dev.tandem.node.config.NodeConfig;
import dev.tandem.node.session.SessionHost;
import dev.tandem.node.session.SessionService;
import dev.tandem.node.session.UserHomes;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** Real session services for the client's tests, on 127.0.0.1 and an ephemeral port, for nodes that need no pair. */
final class Services {
    private Services() {}

    static final class Host implements SessionHost {
        final String id;
        volatile Set<Serving.Side> serving = EnumSet.of(Serving.Side.OWN);
        volatile Load load = Load.NONE;

        Host(String id) {
            this.id = id;
        }

        @Override public String id() { return id; }
        @Override public Optional<String> peer() { return Optional.empty(); }
        @Override public Set<Serving.Side> serving() { return serving; }
        /** What the node advertises to its clients ([RG-RELOGIN]). */
        volatile Duration reloginLower = Duration.ofSeconds(1);
        volatile Duration reloginUpper = Duration.ofSeconds(2);

        @Override public Duration reloginLower() { return reloginLower; }
        @Override public Duration reloginUpper() { return reloginUpper; }
        @Override public void reportLoad(Load l) { load = l; }
    }

    record Running(Host host, SessionService service) implements AutoCloseable {
        URI base() {
            return URI.create("http://127.0.0.1:" + service.port());
        }

        FakeDirector.Member member() {
            return new FakeDirector.Member(host.id(), base());
        }

        int active() {
            return host.load.sessions();
        }

        /** The node stops serving its users (manual failover): every session ends. */
        void failOver() {
            host.serving = EnumSet.noneOf(Serving.Side.class);
            service.servingChanged();
        }

        @Override
        public void close() {
            service.close();
        }
    }

    static Running start(String id, int max, UserHomes homes) {
        Host host = new Host(id);
        NodeConfig.SessionService cfg = new NodeConfig.SessionService("127.0.0.1", 0, max, Duration.ofMillis(100),
                Duration.ofMillis(500), Duration.ofSeconds(30), "X-Tandem-User", max, max,
                // Every client is on 127.0.0.1, sharing one HttpClient's connections: the per-address caps are set
                // as the demo sets them, above anything a test starts.
                new NodeConfig.Http(NodeConfig.Http.DEFAULT_HEADER_TIMEOUT, NodeConfig.Http.DEFAULT_IDLE_TIMEOUT, 100_000,
                        NodeConfig.SessionService.DEFAULT_MAX_BODY_BYTES));
        return new Running(host, new SessionService(cfg, host, homes, Clock.systemUTC()).start());
    }

    static Running start(String id) {
        return start(id, 1000, UserHomes.NONE);
    }
}
