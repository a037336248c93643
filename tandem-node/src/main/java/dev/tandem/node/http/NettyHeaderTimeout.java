package dev.tandem.node.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The header timeout of one connection of a Netty server of the node (docs/node.md, HTTP limits): a request's header must
 * arrive whole within {@code timeout} of its first byte, or the connection gets a 408 and is closed. The idle timeout
 * alone would not do: a client trickling a byte at a time is never idle. Two handlers share the clock: {@link #bytes}
 * before the HTTP decoder starts it when a request's first bytes arrive, {@link #heads} after it stops it when the
 * decoder has the whole header. Both run on the channel's event loop, so the state needs no locks.
 */
public final class NettyHeaderTimeout {
    private final long timeoutNanos;
    /** The setting, named in the 408's message. */
    private final String setting;
    private boolean awaitingHead = true;
    private ScheduledFuture<?> timer;

    /** {@code setting} names the timeout's key in the configuration, for the 408's message. */
    public NettyHeaderTimeout(Duration timeout, String setting) {
        this.timeoutNanos = timeout.toNanos();
        this.setting = setting;
    }

    /** Before the decoder: raw bytes. */
    public ChannelHandler bytes() {
        return new ChannelDuplexHandler() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                if (awaitingHead && timer == null && msg instanceof ByteBuf b && b.isReadable()) {
                    timer = ctx.executor().schedule(() -> expired(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
                }
                super.channelRead(ctx, msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                cancel();
                super.channelInactive(ctx);
            }
        };
    }

    /** After the decoder: request heads and the ends of requests. */
    public ChannelHandler heads() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                if (msg instanceof HttpRequest) {
                    awaitingHead = false;
                    cancel();
                }
                if (msg instanceof LastHttpContent) awaitingHead = true;
                super.channelRead(ctx, msg);
            }
        };
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired(ChannelHandlerContext ctx) {
        timer = null;
        if (!awaitingHead || !ctx.channel().isActive()) return;
        byte[] body = HttpErrors.bytes(408, "the request header did not arrive within "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms (" + setting + ")");
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
                Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        // From the channel's tail, so that it passes the codec's encoder (this handler sits below the codec).
        ctx.channel().writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
}
