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
 * <p>
 * Sized by use: it starts at {@link #INITIAL_BYTES} and, when a frame does not fit, the producer links a
 * segment twice as large (up to the capacity asked for) and writes there from then on; the consumer finishes
 * the old segment before it moves on, so frames stay in order. A queue the consumer has seen empty for
 * {@link #IDLE_TICKS_BEFORE_SHRINK} ticks asks the producer to go back to the initial size at its next frame.
 * So an idle connection holds a few KiB of direct memory, not the megabytes a burst may need; a resize
 * allocates, but only on growth or after a second of idleness, never per frame once a queue has its size.
 */
final class OutboundQueue
{
    static final int INITIAL_BYTES = 16 * 1024;
    static final int IDLE_TICKS_BEFORE_SHRINK = 200;
    private static final int RECORD_HEADER_AND_ALIGNMENT = 16;

    private final int maxBytes;
    private final int initialBytes;

    // producer
    private Segment producer;
    // consumer
    private Segment consumer;
    private int idleTicks;
    // consumer → producer
    private volatile boolean shrinkRequested;

    /** @param records frames of {@code recordLength} the queue must hold at most (its capacity). */
    OutboundQueue(final int records, final int recordLength)
    {
        final int wanted = Math.max(1024, records * (recordLength + RECORD_HEADER_AND_ALIGNMENT));
        maxBytes = Integer.highestOneBit(wanted - 1) << 1;
        initialBytes = Math.min(INITIAL_BYTES, maxBytes);
        producer = new Segment(initialBytes);
        consumer = producer;
    }

    /** Producer side: claims room for one frame and writes its header. @return the frame's index, or -1 if full. */
    int claimFrame(final byte type, final int frameLength, final long correlationId)
    {
        Segment p = producer;
        if (shrinkRequested && p.capacity > initialBytes && p.ring.size() == 0)
        {
            shrinkRequested = false;
            p = link(p, initialBytes);
        }
        int index = p.ring.tryClaim(type, frameLength);
        while (index < 0 && p.capacity < maxBytes)
        {
            p = link(p, Math.min(maxBytes, p.capacity << 1));
            index = p.ring.tryClaim(type, frameLength);
        }
        if (index >= 0)
        {
            putHeader(p.buffer, index, frameLength, type, correlationId);
        }
        return index;
    }

    /** Producer side: every frame claimed in {@code from} is committed, so the consumer may move on once it is read. */
    private Segment link(final Segment from, final int bytes)
    {
        final Segment next = new Segment(bytes);
        producer = next;
        from.next = next;
        return next;
    }

    void commit(final int index)
    {
        producer.ring.commit(index);
    }

    /** Producer side: the memory of the frame {@link #claimFrame} returned. */
    UnsafeBuffer buffer()
    {
        return producer.buffer;
    }

    /** Writes the common 16-byte header at {@code index}. */
    private static void putHeader(
        final UnsafeBuffer buffer, final int index, final int frameLength, final byte type, final long correlationId)
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
        int n = 0;
        while (true)
        {
            final Segment c = consumer;
            // read before draining: once it is set, nothing more is written to c
            final Segment next = c.next;
            n += c.drainTo(out, limit - n);
            if (next == null || n >= limit || c.ring.size() != 0)
            {
                return n;
            }
            consumer = next;
        }
    }

    boolean isEmpty()
    {
        final Segment c = consumer;
        return c.ring.size() == 0 && c.next == null;
    }

    /**
     * Consumer side, called periodically: after {@link #IDLE_TICKS_BEFORE_SHRINK} ticks of an empty queue larger
     * than its initial size, asks the producer to shrink it.
     */
    void idleTick()
    {
        if (!isEmpty() || consumer.capacity <= initialBytes)
        {
            idleTicks = 0;
            return;
        }
        if (++idleTicks >= IDLE_TICKS_BEFORE_SHRINK)
        {
            idleTicks = 0;
            shrinkRequested = true;
        }
    }

    /** Consumer side: whether the queue is larger than its initial size and has not asked to shrink yet. */
    boolean wantsIdleTicks()
    {
        return consumer.capacity > initialBytes && !shrinkRequested;
    }

    /** Consumer side: the bytes the queue holds now (the segment in use; a drained old one is garbage). */
    int capacityBytes()
    {
        return consumer.capacity;
    }

    private static final class Segment
    {
        final int capacity;
        final UnsafeBuffer buffer;
        final OneToOneRingBuffer ring;
        final Drain drain;
        volatile Segment next;

        Segment(final int capacity)
        {
            this.capacity = capacity;
            buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)
                .order(ByteOrder.LITTLE_ENDIAN));
            ring = new OneToOneRingBuffer(buffer);
            drain = new Drain(buffer.byteBuffer().duplicate());
        }

        int drainTo(final ByteBuf out, final int limit)
        {
            drain.out = out;
            int n = 0;
            // one read() stops where the records wrap around the end of the buffer: read again. A read that
            // consumed only the padding before the wrap returns 0 frames but moved on: stop only when a read
            // consumed nothing (empty, or the next frame is not committed yet)
            while (n < limit)
            {
                final long before = ring.consumerPosition();
                n += ring.read(drain, limit - n);
                if (ring.consumerPosition() == before)
                {
                    break;
                }
            }
            drain.out = null;
            return n;
        }
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
