package dev.tandem.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the director's redirect service on the cluster address, following its contract: any path gets
 * 302 to the chosen member with the same path and query; /.well-known/tandem/assign gets JSON {host, port, url,
 * member, rule}; 503 JSON {error, reason} with Retry-After while every member is full.
 */
final class FakeDirector implements AutoCloseable {
    record Member(String name, URI base) {}

    private final HttpServer server;
    final List<String> requests = new CopyOnWriteArrayList<>();
    volatile Member member;
    /** When set, chooses the member for each request instead of {@link #member}. */
    volatile java.util.function.Supplier<Member> chooser;
    /** Members to answer before {@link #member}, one per request (a director that learns late). */
    final java.util.Queue<Member> first = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Seconds of Retry-After while every member is full; negative: not full. */
    volatile int fullRetryAfter = -1;

    FakeDirector() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            URI u = x.getRequestURI();
            String pathAndQuery = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
            requests.add(x.getRequestMethod() + " " + pathAndQuery);
            Member m = first.poll();
            java.util.function.Supplier<Member> choose = chooser;
            if (m == null) m = choose != null ? choose.get() : member;
            if (fullRetryAfter >= 0 || m == null) {
                x.getResponseHeaders().add("Retry-After", Integer.toString(Math.max(fullRetryAfter, 0)));
                json(x, 503, "{\"error\":\"full\",\"reason\":\"every member is full\"}");
            } else if (u.getPath().equals("/.well-known/tandem/assign")) {
                json(x, 200, "{\"host\":\"%s\",\"port\":%d,\"url\":\"%s\",\"member\":\"%s\",\"rule\":\"%s\"}".formatted(
                        m.base().getHost(), m.base().getPort(), m.base() + "/", m.name(),
                        u.getQuery() != null && u.getQuery().contains("user=") ? "user" : "1"));
            } else {
                x.getResponseHeaders().add("Location", m.base() + pathAndQuery);
                x.sendResponseHeaders(302, -1);
            }
        }
    }

    private static void json(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
