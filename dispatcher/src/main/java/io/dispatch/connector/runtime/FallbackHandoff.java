package io.dispatch.connector.runtime;

import io.dispatch.config.FallbackSettings;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import org.agrona.collections.LongArrayQueue;

import java.util.function.LongSupplier;

/**
 * A lane's fallback route: whether a message falls back ({@link #applies}, {@link #due}), and the
 * messages it has fallen back to another channel, held until the state change naming the new
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
    private final FallbackSettings settings;
    private final LongSupplier journaledPosition;
    private ConnectorLane target;
    private int unsealed;

    FallbackHandoff(final FallbackSettings settings, final LongSupplier journaledPosition)
    {
        this.settings = settings;
        this.journaledPosition = journaledPosition;
    }

    void target(final ConnectorLane lane)
    {
        this.target = lane;
    }

    /** @return the channel code messages move to; only when a target is wired. */
    byte targetChannel()
    {
        return target.channelType().code();
    }

    /** A definite failure listed in the lane's fallback reasons. */
    boolean applies(final Reason reason, final MessageKind kind)
    {
        // a recipient who blocked the sender's marketing on one channel has opted out, not moved
        return target != null && settings.reasons().contains(reason)
            && !(reason == Reason.RECIPIENT_BLOCKED && kind == MessageKind.MARKETING);
    }

    /** The message, accepted at {@code acceptedAtMs}, has not been provider-accepted by the deadline at {@code atMs}. */
    boolean due(final long acceptedAtMs, final long atMs)
    {
        return target != null && settings.afterMs() > 0 && atMs >= acceptedAtMs + settings.afterMs();
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
    int deliver()
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
