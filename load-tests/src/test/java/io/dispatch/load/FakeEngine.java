package io.dispatch.load;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.netty.ByteBufView;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.PingFlyweight;
import io.dispatch.protocol.SubmitBatchFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Just enough of protocol v1 on loopback to drive a whole load-test run without the real engine:
 * HELLO → HELLO_OK (or ERROR AUTH_FAILED for a key other than {@code demo-key}), SUBSCRIBE → OK,
 * SUBMIT / SUBMIT_BATCH → ACK + CREDIT, then RECEIPTs DISPATCHED, PROVIDER_ACCEPTED, DELIVERED; GOODBYE.
 * Can stall once (all answers held for a while) to check that the generator reports it.
 * <p>
 * <b>Threading:</b> one blocking thread per connection; configure before {@link #start()}.
 */
final class FakeEngine implements AutoCloseable
{
    private final ServerSocket server;
    private final AtomicLong nextMessageId = new AtomicLong(1);
    private final AtomicLong submits = new AtomicLong();
    private final AtomicBoolean stalled = new AtomicBoolean();
    private final CopyOnWriteArrayList<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    long stallAfterSubmits = -1;
    long stallMs;

    FakeEngine() throws IOException
    {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    int port()
    {
        return server.getLocalPort();
    }

    FakeEngine start()
    {
        final Thread acceptor = new Thread(this::acceptLoop, "fake-engine-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return this;
    }

    private void acceptLoop()
    {
        while (!closed)
        {
            try
            {
                final Socket s = server.accept();
                s.setTcpNoDelay(true);
                sockets.add(s);
                final Thread t = new Thread(() -> serve(s), "fake-engine-conn");
                t.setDaemon(true);
                t.start();
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    private void serve(final Socket socket)
    {
        try (socket)
        {
            final DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            final OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            final ByteBuf reply = Unpooled.buffer(4096);
            while (!closed)
            {
                final int length = Integer.reverseBytes(in.readInt());
                final byte[] frame = new byte[length];
                in.readFully(frame);
                final ByteBuf f = Unpooled.wrappedBuffer(frame);
                final int headerRest = FrameDescriptor.LENGTH_FIELD_LENGTH;
                final byte type = f.getByte(FrameDescriptor.TYPE_OFFSET - headerRest);
                final long corr = f.getLongLE(FrameDescriptor.CORRELATION_ID_OFFSET - headerRest);
                reply.clear();
                final boolean keepOpen = answer(type, corr, f, FrameDescriptor.HEADER_LENGTH - headerRest, reply);
                reply.readBytes(out, reply.readableBytes());
                // Answer everything already buffered in one write, as an engine would.
                if (!keepOpen || in.available() == 0)
                {
                    out.flush();
                }
                if (!keepOpen)
                {
                    return;
                }
            }
        }
        catch (final IOException | InterruptedException ex)
        {
            // Client closed, or the test is over.
        }
    }

    /** @return false when the connection must close after the reply. */
    private boolean answer(final byte type, final long corr, final ByteBuf f, final int body, final ByteBuf reply)
        throws InterruptedException
    {
        switch (type)
        {
            case MessageType.HELLO:
            {
                int p = body + 4;
                p += 1 + f.getUnsignedByte(p);
                if (!"demo-key".equals(ByteBufFrames.readStr8(f, p)))
                {
                    ByteBufFrames.error(reply, corr, ErrorCode.AUTH_FAILED, "unknown tenant or wrong key");
                    return false;
                }
                ByteBufFrames.helloOk(reply, corr, 1, 100_000, FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH, 7);
                return true;
            }
            case MessageType.SUBSCRIBE:
                ByteBufFrames.ok(reply, corr);
                return true;
            case MessageType.SUBMIT:
                submitted(corr, reply);
                ByteBufFrames.credit(reply, 1);
                return true;
            case MessageType.SUBMIT_BATCH:
            {
                final int count = new SubmitBatchFlyweight().wrap(new ByteBufView().wrap(f), body, f.writerIndex() - body)
                    .count();
                for (int i = 0; i < count; i++)
                {
                    submitted(corr + i, reply);
                }
                ByteBufFrames.credit(reply, count);
                return true;
            }
            case MessageType.PING:
                ByteBufFrames.pong(reply, corr,
                    new PingFlyweight().wrap(new ByteBufView().wrap(f), body, f.writerIndex() - body).payload());
                return true;
            case MessageType.GOODBYE:
                ByteBufFrames.goodbye(reply, corr, 0);
                return false;
            default:
                ByteBufFrames.error(reply, corr, ErrorCode.UNKNOWN_MESSAGE_TYPE, "fake engine");
                return true;
        }
    }

    private void submitted(final long corr, final ByteBuf reply) throws InterruptedException
    {
        if (submits.incrementAndGet() == stallAfterSubmits && stalled.compareAndSet(false, true))
        {
            Thread.sleep(stallMs);
        }
        final long id = nextMessageId.getAndIncrement();
        ByteBufFrames.ack(reply, corr, id, Frames.ACK_ACCEPTED);
        ByteBufFrames.receipt(reply, id, DeliveryState.DISPATCHED.code(), 1, 0, System.currentTimeMillis());
        ByteBufFrames.receipt(reply, id, DeliveryState.PROVIDER_ACCEPTED.code(), 1, 0, System.currentTimeMillis());
        ByteBufFrames.receipt(reply, id, DeliveryState.DELIVERED.code(), 1, 0, System.currentTimeMillis());
    }

    long submits()
    {
        return submits.get();
    }

    @Override
    public void close() throws IOException
    {
        closed = true;
        server.close();
        for (final Socket s : sockets)
        {
            s.close();
        }
    }
}
