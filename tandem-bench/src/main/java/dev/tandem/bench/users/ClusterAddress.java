package dev.tandem.bench.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The cluster address as a client sees it: {@code GET /.well-known/tandem/assign?user=U} on the redirect port,
 * answered by the director with the member that serves the user now ({@code host}) and the rule that chose it
 * ({@code "user"} when the director knows the user). Asks over a few keep-alive connections with pipelined
 * requests, so that checking a quarter of a million users takes seconds, not minutes.
 */
final class ClusterAddress implements AutoCloseable {
    /** The redirect service's port on the cluster address in a demo cluster (plain HTTP). */
    private static final int REDIRECT_PORT = dev.tandem.node.demo.DemoCluster.SERVICE_PORT;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Requests a connection keeps in flight. */
    private static final int DEPTH = 16;

    record Assignment(String host, String rule) {}

    private final String address;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    ClusterAddress(String address) {
        this.address = address;
    }

    /** Where the cluster address sends {@code user} now; empty while nothing answers there, or it answers 503. */
    Optional<Assignment> assign(String user) {
        try {
            return assignAll(List.of(user), 1).get(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Asks for every user over {@code connections} connections; the answers in the order of {@code users}, empty
     * where the cluster address did not answer 200 (or did not answer within a minute).
     */
    List<Optional<Assignment>> assignAll(List<String> users, int connections) throws InterruptedException {
        AtomicReferenceArray<Optional<Assignment>> out = new AtomicReferenceArray<>(users.size());
        for (int i = 0; i < users.size(); i++) out.set(i, Optional.empty());
        int open = Math.max(1, Math.min(connections, users.size()));
        CountDownLatch done = new CountDownLatch(open);
        AtomicInteger next = new AtomicInteger();
        for (int c = 0; c < open; c++) {
            new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, 500)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                                    new Asker(users, next, out, done));
                        }
                    }).connect(address, REDIRECT_PORT).addListener(f -> {
                        if (!f.isSuccess()) done.countDown();
                    });
        }
        done.await(1, TimeUnit.MINUTES);
        List<Optional<Assignment>> answers = new ArrayList<>(users.size());
        for (int i = 0; i < users.size(); i++) answers.add(out.get(i));
        return answers;
    }

    /** One connection: takes the next user from the shared list whenever an answer frees a place in the pipeline. */
    private final class Asker extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final List<String> users;
        private final AtomicInteger next;
        private final AtomicReferenceArray<Optional<Assignment>> out;
        private final CountDownLatch done;
        private final ArrayDeque<Integer> inFlight = new ArrayDeque<>();

        Asker(List<String> users, AtomicInteger next, AtomicReferenceArray<Optional<Assignment>> out, CountDownLatch done) {
            this.users = users;
            this.next = next;
            this.out = out;
            this.done = done;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            for (int i = 0; i < DEPTH; i++) send(ctx);
            ctx.flush();
            if (inFlight.isEmpty()) ctx.close();
        }

        private void send(ChannelHandlerContext ctx) {
            int i = next.getAndIncrement();
            if (i >= users.size()) return;
            inFlight.add(i);
            var req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/.well-known/tandem/assign?user="
                    + URLEncoder.encode(users.get(i), StandardCharsets.UTF_8));
            req.headers().set(HttpHeaderNames.HOST, address + ":" + REDIRECT_PORT);
            ctx.write(req);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
            Integer i = inFlight.poll();
            if (i == null) return;
            out.set(i, parse(r));
            send(ctx);
            ctx.flush();
            if (inFlight.isEmpty()) ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.countDown();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // the users still in flight stay unanswered
        }
    }

    private static Optional<Assignment> parse(FullHttpResponse r) {
        if (r.status().code() != 200) return Optional.empty();
        try {
            JsonNode j = JSON.readTree(r.content().toString(StandardCharsets.UTF_8));
            return Optional.of(new Assignment(j.path("host").asText(), j.path("rule").asText()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
