package dev.tandem.node.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Which of Netty's transports the node's TCP servers use: Linux's native epoll where its library loads (it ships in
 * the node's jar for x86-64, arm64 and riscv64), Java's NIO elsewhere. Epoll answers the same requests with fewer
 * system calls and copies, which is what a director in a login storm spends its time on.
 */
public final class NettyTransport {
    private static final boolean EPOLL = Epoll.isAvailable();

    private NettyTransport() {}

    /** An event-loop group of {@code threads} threads on the chosen transport. */
    public static EventLoopGroup group(int threads) {
        IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, io);
    }

    /** The server channel class that goes with {@link #group}. */
    public static Class<? extends ServerSocketChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** "epoll" or "nio", for the log line that says what a server listens with. */
    public static String name() {
        return EPOLL ? "epoll" : "nio";
    }
}
