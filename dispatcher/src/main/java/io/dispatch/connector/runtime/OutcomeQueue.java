package io.dispatch.connector.runtime;

import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * Outcomes and receipts from connector threads to the lane thread: many producers, one consumer,
 * fixed-size binary records ({@link OutcomeDescriptor}) in an Agrona ring buffer (no allocation). A producer
 * that finds it full spins with a yield: bounded, because outcomes are bounded by the window and receipts by
 * what the provider has accepted.
 */
final class OutcomeQueue
{
    static final int ACCEPTED = 1;
    static final int REJECTED = 2;
    static final int FAILED = 3;
    static final int RECEIPT = 4;
    /** A message another lane fell back to this one; extra = 1 for the priority queue. */
    static final int HANDOFF = 5;

    private final ManyToOneRingBuffer ring;

    OutcomeQueue(final int capacityRecords)
    {
        final int bytes = Integer.highestOneBit(Math.max(4096, capacityRecords * 32) - 1) << 1;
        ring = new ManyToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(bytes + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    void outcome(final int type, final int slot, final long messageId, final Reason reason, final long extra)
    {
        while (true)
        {
            final int index = ring.tryClaim(type, OutcomeDescriptor.LENGTH);
            if (index >= 0)
            {
                final org.agrona.concurrent.AtomicBuffer b = ring.buffer();
                b.putLong(index + OutcomeDescriptor.MESSAGE_ID_OFFSET, messageId);
                b.putLong(index + OutcomeDescriptor.EXTRA_OFFSET, extra);
                b.putInt(index + OutcomeDescriptor.SLOT_OFFSET, slot);
                b.putInt(index + OutcomeDescriptor.REASON_OFFSET, reason.code());
                ring.commit(index);
                return;
            }
            Thread.yield();
        }
    }

    void receipt(final long messageId, final DeliveryState state, final Reason reason)
    {
        outcome(RECEIPT, -1, messageId, reason, state.code());
    }

    int drain(final MessageHandler handler, final int limit)
    {
        return ring.read(handler, limit);
    }
}
