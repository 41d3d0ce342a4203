package io.dispatch.connector.runtime;

import io.dispatch.config.FallbackSettings;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;

/**
 * A lane's fallback route: whether a message falls back ({@link #applies}, {@link #due}) and to which channel.
 * The move itself is a new decision of the policy stage on that channel ({@link StateSink#fallBack}), which
 * journals it before the hand-off stage gives the message to the new lane: once that lane may send it,
 * recovery already routes it to the new channel; before, recovery still sends it on the old one and the
 * new lane never saw it. Either way it goes to one channel, not both.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the source lane's thread.
 */
final class FallbackHandoff
{
    private final FallbackSettings settings;
    private ConnectorLane target;

    FallbackHandoff(final FallbackSettings settings)
    {
        this.settings = settings;
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

    /** A receipt wait that ran out means "not DELIVERED in time": the message falls back instead of expiring. */
    boolean onUndelivered()
    {
        return target != null && settings.undeliveredMs() > 0;
    }

    /** The message, accepted at {@code acceptedAtMs}, has not been provider-accepted by the deadline at {@code atMs}. */
    boolean due(final long acceptedAtMs, final long atMs)
    {
        return target != null && settings.afterMs() > 0 && atMs >= acceptedAtMs + settings.afterMs();
    }
}
