package io.dispatch.fuzz;

import io.dispatch.Dispatcher;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.config.Settings;
import io.dispatch.ingest.IngestServer;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.status.Counter;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.RawConnection;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real engine (journal, ring, directory, simulated connectors) whose ingest sessions are reached over
 * in-JVM {@link LocalChannel}s with exactly the TCP pipeline ({@link IngestServer#addHandlers}): millions of
 * connections without ephemeral ports or TIME_WAIT. One input is one connection.
 */
final class IngestHarness implements AutoCloseable
{
    /** Bound of every wait: on a busy 2-core machine an answer takes milliseconds, never seconds. */
    static final long WAIT_SECONDS = 20;

    private final Path dir;
    private final Dispatcher engine;
    private final EventLoopGroup group;
    private final Channel server;
    private final BlockingQueue<Channel> accepted = new ArrayBlockingQueue<>(4);
    private final CrashLog crashes;
    private final AtomicLong keys = new AtomicLong();
    private long inputs;

    IngestHarness() throws Exception
    {
        crashes = CrashLog.install();
        dir = Files.createTempDirectory("ingest-fuzz");
        final Settings settings = EngineFixture.settings(dir);
        engine = EngineFixture.launch(settings);
        group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        final LocalAddress address = new LocalAddress("ingest-fuzz-" + System.nanoTime());
        server = new ServerBootstrap()
            .group(group)
            .channel(LocalServerChannel.class)
            .childHandler(new ChannelInitializer<LocalChannel>()
            {
                @Override
                protected void initChannel(final LocalChannel ch)
                {
                    IngestServer.addHandlers(ch.pipeline(), engine.ingestContext());
                    accepted.add(ch);
                }
            })
            .bind(address).sync().channel();
    }

    long inputs()
    {
        return inputs;
    }

    /**
     * Sends one input on a fresh connection and waits until the session has read it (PONG to the closing PING)
     * or closed the connection; then closes it.
     *
     * @throws AssertionError on a crash (see {@link CrashLog}) or a hang.
     */
    void run(final byte[] input) throws Exception
    {
        inputs++;
        final FrameStream stream = FrameStream.of(input);
        final Peer peer = connect();
        try
        {
            final Channel session = accepted.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            check(session != null, "the session was never created");
            peer.channel.writeAndFlush(stream.bytes).await(WAIT_SECONDS, TimeUnit.SECONDS);
            if (stream.expectPong)
            {
                final boolean done = CompletableFuture.anyOf(peer.pong, toFuture(session))
                    .completeOnTimeout(null, WAIT_SECONDS, TimeUnit.SECONDS).get() != null;
                check(done, "hang: neither an answer to the marker PING nor a close within " + WAIT_SECONDS + " s");
            }
            peer.channel.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
            check(session.closeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS), "hang: the session did not close");
            check(peer.violation == null, peer.violation);
        }
        finally
        {
            peer.channel.close();
        }
        final String crash = crashes.take();
        check(crash == null, "the engine logged a crash:\n" + crash);
        check(engine.counters().get(Counter.INTERNAL_ERRORS) == 0, "INTERNAL_ERRORS counted");
    }

    /** A fresh connection says HELLO and SUBMITs a well-formed message: it must be ACKed (after BACKPRESSURE retries). */
    void checkServes() throws Exception
    {
        final Peer peer = connect();
        try
        {
            check(accepted.poll(WAIT_SECONDS, TimeUnit.SECONDS) != null, "the session was never created");
            final ByteBuf hello = Unpooled.buffer();
            ByteBufFrames.hello(hello, 1, FrameStream.TENANT, FrameStream.KEY, "fuzz-check");
            peer.channel.writeAndFlush(hello);
            check(peer.next().type == MessageType.HELLO_OK, "HELLO not answered with HELLO_OK");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (true)
            {
                final ByteBuf submit = Unpooled.buffer();
                RawConnection.submitFrame(submit, 7, MessageKind.INFORMATIONAL, ChannelType.SMS,
                    "serves-" + keys.incrementAndGet(), "+821012345678", null, "still serving", null);
                peer.channel.writeAndFlush(submit);
                final RawConnection.Frame answer = peer.next();
                if (answer.type == MessageType.ACK)
                {
                    return;
                }
                final boolean pressure = answer.type == MessageType.NACK
                    && (answer.errorCode() == ErrorCode.BACKPRESSURE.code()
                    || answer.errorCode() == ErrorCode.CREDIT_EXCEEDED.code());
                check(pressure, "SUBMIT after the fuzzed input answered " + answer);
                // credit is granted again only once the pressure is gone: that CREDIT is the moment to retry
                check(peer.credits.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) != null,
                    "still under backpressure after " + WAIT_SECONDS + " s");
            }
        }
        finally
        {
            peer.channel.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** How deep the inputs went: the engine's frame, submit, ack and error counters. */
    String reach()
    {
        final StringBuilder b = new StringBuilder();
        for (final Counter c : new Counter[] {Counter.FRAMES_RECEIVED, Counter.PROTOCOL_ERRORS, Counter.AUTH_FAILURES,
            Counter.SUBMITS_RECEIVED, Counter.SUBMITS_NACKED, Counter.ACKED, Counter.DUPLICATES, Counter.STATUS_QUERIES})
        {
            b.append(' ').append(c.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(engine.counters().get(c));
        }
        return b.toString();
    }

    long heapUsedAfterGc()
    {
        System.gc();
        final Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    @Override
    public void close() throws Exception
    {
        try
        {
            server.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(WAIT_SECONDS, TimeUnit.SECONDS);
            engine.close();
        }
        finally
        {
            crashes.uninstall();
            deleteTree(dir);
        }
    }

    private Peer connect() throws InterruptedException
    {
        final Peer peer = new Peer();
        final Channel channel = new Bootstrap()
            .group(group)
            .channel(LocalChannel.class)
            .handler(new ChannelInitializer<LocalChannel>()
            {
                @Override
                protected void initChannel(final LocalChannel ch)
                {
                    ch.pipeline()
                        .addLast(new LengthFieldBasedFrameDecoder(ByteOrder.LITTLE_ENDIAN, 1 << 20, 0, 4, 0, 0, true))
                        .addLast(peer);
                }
            })
            .connect(server.localAddress()).sync().channel();
        peer.channel = channel;
        return peer;
    }

    private static CompletableFuture<Object> toFuture(final Channel channel)
    {
        final CompletableFuture<Object> closed = new CompletableFuture<>();
        channel.closeFuture().addListener(f -> closed.complete(Boolean.TRUE));
        return closed;
    }

    static void check(final boolean condition, final String problem)
    {
        if (!condition)
        {
            throw new AssertionError(problem);
        }
    }

    private static void deleteTree(final Path root) throws java.io.IOException
    {
        try (var paths = Files.walk(root))
        {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The client end: checks every frame the server sends is a well-formed v1 frame. */
    private static final class Peer extends SimpleChannelInboundHandler<ByteBuf>
    {
        final CompletableFuture<Object> pong = new CompletableFuture<>();
        final BlockingQueue<RawConnection.Frame> frames = new ArrayBlockingQueue<>(1 << 16);
        final BlockingQueue<Boolean> credits = new ArrayBlockingQueue<>(1 << 16);
        volatile Channel channel;
        volatile String violation;

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf frame)
        {
            if (frame.readableBytes() < FrameDescriptor.HEADER_LENGTH
                || frame.getUnsignedByte(FrameDescriptor.VERSION_OFFSET) != FrameDescriptor.CURRENT_VERSION)
            {
                violation = "the server sent a malformed frame of " + frame.readableBytes() + " bytes";
                return;
            }
            final byte type = frame.getByte(FrameDescriptor.TYPE_OFFSET);
            if (FrameStream.answersMarker(type, frame.getLongLE(FrameDescriptor.CORRELATION_ID_OFFSET)))
            {
                pong.complete(Boolean.TRUE);
            }
            if (type == MessageType.CREDIT)
            {
                credits.offer(Boolean.TRUE);
            }
            else
            {
                frames.offer(RawConnection.Frame.of(io.netty.buffer.Unpooled.copiedBuffer(frame))); // unpooled heap copy: the GC reclaims what a test leaves unread
            }
        }

        RawConnection.Frame next() throws InterruptedException
        {
            final RawConnection.Frame f = frames.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            check(f != null, "no answer within " + WAIT_SECONDS + " s");
            return f;
        }
    }
}
