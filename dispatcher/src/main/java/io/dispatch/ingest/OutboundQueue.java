package io.dispatch.ingest;

import io.dispatch.protocol.FrameDescriptor;
import io.netty.buffer.ByteBuf;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Whole protocol frames waiting to be written to one connection. Single producer (a ring stage thread)
 * and single consumer (the connection's event loop): the ring stages never touch Netty channels.
 * Frames are written in place into an Agrona ring buffer, so the hand-off allocates nothing.
 */
final class OutboundQueue
{
    private static final int RECORD_HEADER_AND_ALIGNMENT = 16;

    private final OneToOneRingBuffer ring;
    private final UnsafeBuffer buffer;
    private final Drain drain;

    OutboundQueue(final int records, final int recordLength)
    {
        final int bytes = Integer.highestOneBit(Math.max(1024, records * (recordLength + RECORD_HEADER_AND_ALIGNMENT)) - 1) << 1;
        this.buffer = new UnsafeBuffer(
            ByteBuffer.allocateDirect(bytes + RingBufferDescriptor.TRAILER_LENGTH).order(ByteOrder.LITTLE_ENDIAN));
        this.ring = new OneToOneRingBuffer(buffer);
        this.drain = new Drain(buffer.byteBuffer().duplicate());
    }

    /** Producer side: claims room for one frame and writes its header. @return the frame's index, or -1 if full. */
    int claimFrame(final byte type, final int frameLength, final long correlationId)
    {
        final int index = ring.tryClaim(type, frameLength);
        if (index >= 0)
        {
            putHeader(index, frameLength, type, correlationId);
        }
        return index;
    }

    void commit(final int index)
    {
        ring.commit(index);
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /** Writes the common 16-byte header at {@code index}. */
    private void putHeader(final int index, final int frameLength, final byte type, final long correlationId)
    {
        buffer.putInt(index, frameLength - FrameDescriptor.LENGTH_FIELD_LENGTH, ByteOrder.LITTLE_ENDIAN);
        buffer.putByte(index + FrameDescriptor.VERSION_OFFSET, FrameDescriptor.CURRENT_VERSION);
        buffer.putByte(index + FrameDescriptor.TYPE_OFFSET, type);
        buffer.putShort(index + FrameDescriptor.FLAGS_OFFSET, (short)0, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(index + FrameDescriptor.CORRELATION_ID_OFFSET, correlationId, ByteOrder.LITTLE_ENDIAN);
    }

    /** Consumer side: copies up to {@code limit} frames into {@code out}. @return frames copied. */
    int drainTo(final ByteBuf out, final int limit)
    {
        drain.out = out;
        int n = 0;
        int read;
        // one read() stops where the records wrap around the end of the buffer: read again
        while (n < limit && (read = ring.read(drain, limit - n)) > 0)
        {
            n += read;
        }
        drain.out = null;
        return n;
    }

    boolean isEmpty()
    {
        return ring.size() == 0;
    }

    /** Copies records through one reusable view of the queue's memory: no allocation per record. */
    private static final class Drain implements MessageHandler
    {
        private final ByteBuffer view;
        ByteBuf out;

        Drain(final ByteBuffer view)
        {
            this.view = view;
        }

        @Override
        public void onMessage(final int msgTypeId, final org.agrona.MutableDirectBuffer b, final int index, final int length)
        {
            view.limit(index + length).position(index);
            out.writeBytes(view);
        }
    }
}
