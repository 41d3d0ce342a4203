package io.dispatch.testing;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.CreditFlyweight;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.GoodbyeFlyweight;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.PingFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;

/**
 * A blocking, byte-level protocol peer for tests: writes any bytes (including malformed frames) and
 * reads whole frames. Independent of the client library so it can test what that library never sends.
 */
public final class RawConnection implements AutoCloseable
{
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public RawConnection(final int port) throws IOException
    {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public static RawConnection open(final int port, final String tenant, final String key) throws IOException
    {
        final RawConnection c = new RawConnection(port);
        c.send(b -> ByteBufFrames.hello(b, 1, tenant, key, "raw-test"));
        final Frame f = c.read();
        if (f.type != MessageType.HELLO_OK)
        {
            throw new IllegalStateException("expected HELLO_OK, got " + f);
        }
        return c;
    }

    public interface Writer
    {
        void write(ByteBuf b);
    }

    public void send(final Writer writer) throws IOException
    {
        final ByteBuf b = Unpooled.buffer();
        writer.write(b);
        sendBytes(b);
    }

    public void sendBytes(final ByteBuf b) throws IOException
    {
        final byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        out.write(bytes);
        out.flush();
    }

    public void submit(final long correlationId, final MessageKind kind, final ChannelType channel, final String key,
        final String to, final String text) throws IOException
    {
        send(b -> submitFrame(b, correlationId, kind, channel, key, to, null, text, null));
    }

    public static void submitFrame(final ByteBuf b, final long correlationId, final MessageKind kind,
        final ChannelType channel, final String key, final String to, final String template, final String text,
        final Map<String, String> vars)
    {
        final int start = ByteBufFrames.beginFrame(b, MessageType.SUBMIT, 0, correlationId);
        ByteBufFrames.submitBody(b, kind, channel, 0, key, to, template, text, vars);
        ByteBufFrames.endFrame(b, start);
    }

    /** Reads the next frame; skips CREDIT frames unless asked for them. */
    public Frame read() throws IOException
    {
        while (true)
        {
            final Frame f = readAny();
            if (f.type != MessageType.CREDIT)
            {
                return f;
            }
        }
    }

    public Frame readAny() throws IOException
    {
        final int length = Integer.reverseBytes(in.readInt());
        final byte[] rest = new byte[length];
        in.readFully(rest);
        final ByteBuf b = Unpooled.buffer(4 + length);
        b.writeIntLE(length);
        b.writeBytes(rest);
        return new Frame(b);
    }

    /** Reads the next frame of any type, waiting at most {@code timeoutMs}. */
    public Frame readAnyWithTimeout(final int timeoutMs) throws IOException
    {
        socket.setSoTimeout(timeoutMs);
        try
        {
            return readAny();
        }
        finally
        {
            socket.setSoTimeout(10_000);
        }
    }

    /** @return true when the server closed the connection within the timeout. */
    public boolean awaitClosed(final int timeoutMs) throws IOException
    {
        socket.setSoTimeout(timeoutMs);
        try
        {
            while (true)
            {
                readAny();
            }
        }
        catch (final EOFException | java.net.SocketException ex)
        {
            return true;
        }
        catch (final SocketTimeoutException ex)
        {
            return false;
        }
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }

    /** One received frame with accessors for the common bodies. */
    public static final class Frame
    {
        public final ByteBuf buf;
        public final byte type;
        public final long correlationId;

        /** @param buf one whole frame, length field first. */
        public static Frame of(final ByteBuf buf)
        {
            return new Frame(buf);
        }

        Frame(final ByteBuf buf)
        {
            this.buf = buf;
            this.type = buf.getByte(FrameDescriptor.TYPE_OFFSET);
            this.correlationId = buf.getLongLE(FrameDescriptor.CORRELATION_ID_OFFSET);
        }

        public long messageId()
        {
            return buf.getLongLE(FrameDescriptor.HEADER_LENGTH);
        }

        public int ackOutcome()
        {
            return buf.getUnsignedByte(FrameDescriptor.HEADER_LENGTH + 8);
        }

        /** For NACK and ERROR. */
        public int errorCode()
        {
            return buf.getUnsignedShortLE(FrameDescriptor.HEADER_LENGTH);
        }

        public String detail()
        {
            return ByteBufFrames.readStr16(buf, FrameDescriptor.HEADER_LENGTH + 2);
        }

        /** For RECEIPT and STATUS_RESULT. */
        public int state()
        {
            return buf.getUnsignedByte(FrameDescriptor.HEADER_LENGTH + 8);
        }

        public int reason()
        {
            return buf.getUnsignedShortLE(FrameDescriptor.HEADER_LENGTH + 10);
        }

        public int attempts()
        {
            return buf.getUnsignedByte(FrameDescriptor.HEADER_LENGTH + 9);
        }

        public int credit()
        {
            return (int)new CreditFlyweight().wrap(bytes(), 0).grant();
        }

        /** For GOODBYE. */
        public GoodbyeFlyweight goodbye()
        {
            return new GoodbyeFlyweight().wrap(bytes(), 0);
        }

        /** For PONG. */
        public long pongPayload()
        {
            return new PingFlyweight().wrap(bytes(), FrameDescriptor.HEADER_LENGTH,
                buf.writerIndex() - FrameDescriptor.HEADER_LENGTH).payload();
        }

        /** A copy of the frame as an Agrona buffer, for the protocol's flyweights. */
        private UnsafeBuffer bytes()
        {
            return new UnsafeBuffer(ByteBufUtil.getBytes(buf, 0, buf.writerIndex()));
        }

        @Override
        public String toString()
        {
            final String extra = type == MessageType.NACK || type == MessageType.ERROR ?
                " code=" + errorCode() + " detail=" + detail() : "";
            return MessageType.name(type) + " corr=" + correlationId + extra;
        }
    }
}
