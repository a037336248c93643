package dev.tandem.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tandem.core.config.ConfigError;
import dev.tandem.core.config.ConfigInterpreter;
import dev.tandem.core.config.LbConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A small stand-in for the store-backed endpoints of the admin API contract (the real ones live with the store),
 * so the CLI's requests, output and error handling can be tested before both meet. Config commands are applied with
 * the real interpreter, as the node will; other endpoints answer what a test sets with {@link #on}. Every request is
 * recorded.
 */
final class FakeClusterApi implements AutoCloseable {
    static final String TOKEN = "fake-api-token-31c7";
    static final ObjectMapper JSON = new ObjectMapper();

    record Request(String method, String path, String query, String contentType, String body) {}

    /** A canned answer. */
    record Reply(int status, String contentType, String body) {
        static Reply json(int status, Object value) {
            try {
                return new Reply(status, "application/json", JSON.writeValueAsString(value));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Map.Entry<String, Function<Request, Reply>>> routes = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    volatile LbConfig lb = LbConfig.defaults();
    volatile long epoch = 1;

    FakeClusterApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        on("GET /api/v1/node", r -> Reply.json(200, Map.of("id", "n1")));
        on("POST /api/v1/config/commands", r -> {
            try {
                ConfigInterpreter.Result res = ConfigInterpreter.run(lb, r.body());
                lb = res.config();
                return Reply.json(200, Map.of("applied", res.applied(), "epoch", ++epoch));
            } catch (ConfigError e) {
                return Reply.json(400, Map.of("error", e.reason(), "line", e.line(), "status", 400));
            }
        });
        on("GET /api/v1/config/running", r -> new Reply(200, "text/plain", ConfigInterpreter.runningConfig(lb)));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers "METHOD /path" (no query) with the function; the latest registration wins. */
    FakeClusterApi on(String route, Function<Request, Reply> reply) {
        routes.add(0, Map.entry(route, reply));
        return this;
    }

    List<Request> requests(String method, String path) {
        List<Request> out = new ArrayList<>();
        for (Request r : requests) if (r.method().equals(method) && r.path().equals(path)) out.add(r);
        return out;
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Request req = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestURI().getRawQuery(),
                ex.getRequestHeaders().getFirst("Content-Type"), body);
        requests.add(req);
        Reply reply;
        if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            reply = Reply.json(401, Map.of("error", "wrong bearer token", "status", 401));
        } else {
            reply = routes.stream().filter(e -> e.getKey().equals(req.method() + " " + req.path())).findFirst()
                    .map(e -> e.getValue().apply(req))
                    .orElse(Reply.json(404, Map.of("error", "no such resource: " + req.path(), "status", 404)));
        }
        byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", reply.contentType());
        ex.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) ex.getResponseBody().write(out);
        ex.close();
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
