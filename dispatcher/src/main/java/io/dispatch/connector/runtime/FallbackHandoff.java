package io.dispatch.connector.runtime;

import org.agrona.collections.LongArrayQueue;

import java.util.function.LongSupplier;

/**
 * Messages a lane has fallen back to another channel, held until the state change naming the new
 * channel is in the journal, then handed to the target lane. The order matters for kill -9: once the
 * target lane may send a message, recovery already routes it to the new channel; before, recovery still
 * sends it on the old channel and the target never saw it. Either way it goes to one channel, not both.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the source lane's thread.
 */
final class FallbackHandoff
{
    private static final long NONE = Long.MIN_VALUE;

    /** message id << 1 | 1 for priority, in the order they fell back. */
    private final LongArrayQueue messages = new LongArrayQueue(256, NONE);
    /** journal position that covers each message's state change; unsealed entries have none yet. */
    private final LongArrayQueue positions = new LongArrayQueue(256, NONE);
    private final LongSupplier journaledPosition;
    private int unsealed;

    FallbackHandoff(final LongSupplier journaledPosition)
    {
        this.journaledPosition = journaledPosition;
    }

    /** The state change was published to the sink but not flushed yet. */
    void add(final long messageId, final boolean priority)
    {
        messages.addLong(messageId << 1 | (priority ? 1 : 0));
        unsealed++;
    }

    /** After the sink flushed: everything added so far is covered by {@code position}. */
    void seal(final long position)
    {
        for (; unsealed > 0; unsealed--)
        {
            positions.addLong(position);
        }
    }

    /** Hands over what is journaled. @return how many. */
    int deliver(final ConnectorLane target)
    {
        if (positions.isEmpty())
        {
            return 0;
        }
        final long journaled = journaledPosition.getAsLong();
        int n = 0;
        while (!positions.isEmpty() && positions.peekLong() <= journaled)
        {
            positions.pollLong();
            final long v = messages.pollLong();
            target.acceptFallback(v >>> 1, (v & 1) == 1);
            n++;
        }
        return n;
    }

    int size()
    {
        return messages.size();
    }
}
