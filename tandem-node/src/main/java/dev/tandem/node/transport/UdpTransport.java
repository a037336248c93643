package dev.tandem.node.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.util.function.BiConsumer;

/**
 * One UDP socket on Netty: receives datagrams and hands their bytes to the node's event loop, sends the
 * event loop's datagrams. The I/O thread never touches protocol state.
 */
public final class UdpTransport implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;

    /** @param onPacket called on the I/O thread with each datagram's bytes and sender */
    public UdpTransport(InetSocketAddress bind, BiConsumer<byte[], InetSocketAddress> onPacket)
            throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            channel = bind(bind, onPacket);
        } catch (IllegalStateException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    /**
     * One more socket on the same I/O thread, receiving on another address (a further heartbeat path, docs/redundancy.md,
     * Heartbeat paths); it closes with the transport's I/O thread.
     */
    public Channel listen(InetSocketAddress bind, BiConsumer<byte[], InetSocketAddress> onPacket) {
        return bind(bind, onPacket);
    }

    /** Closes the first socket, the one given at construction; the others and the connected ones stay open. */
    public void closeListener() {
        channel.close().awaitUninterruptibly();
    }

    private Channel bind(InetSocketAddress bind, BiConsumer<byte[], InetSocketAddress> onPacket) {
        Bootstrap b = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_REUSEADDR, false)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                        ByteBuf buf = p.content();
                        byte[] bytes = new byte[buf.readableBytes()];
                        buf.readBytes(bytes);
                        onPacket.accept(bytes, p.sender());
                    }
                });
        try {
            return b.bind(bind).sync().channel();
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IllegalStateException("cannot listen on UDP " + bind.getHostString() + ":" + bind.getPort()
                    + ": " + e.getMessage(), e);
        }
    }

    public void send(InetSocketAddress to, byte[] bytes) {
        channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), to));
    }

    /**
     * A socket connected to one peer, for sending to it: the kernel reports a closed port at the peer (ICMP port
     * unreachable) only to a connected socket, which is how a dead process on a live host is noticed at once.
     */
    public Channel connect(InetSocketAddress local, InetSocketAddress peer, Runnable onRefused) throws InterruptedException {
        return connecting(local, peer, onRefused).sync().channel();
    }

    /** As {@link #connect}, without waiting: for callers on a loop that must not block; send once it is done. */
    public ChannelFuture connecting(InetSocketAddress local, InetSocketAddress peer, Runnable onRefused) {
        Bootstrap b = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                        // Peers answer on the service port, not here.
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        if (cause instanceof PortUnreachableException) onRefused.run();
                    }
                });
        return b.connect(peer, local);
    }

    public static void sendOn(Channel connected, byte[] bytes) {
        connected.writeAndFlush(Unpooled.wrappedBuffer(bytes));
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
