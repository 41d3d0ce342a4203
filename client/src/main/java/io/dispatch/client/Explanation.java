package io.dispatch.client;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.Reason;

/**
 * What the engine would do with a message (the answer to {@link DispatchClient#explain}): nothing was journaled
 * or sent.
 *
 * @param decision  send now, defer, suppress, refuse or duplicate.
 * @param channel   the lane the message would use.
 * @param priority  true when it would ride the lane's priority queue (informational, auth).
 * @param reason    why it would be deferred, suppressed or refused; NONE for SEND.
 * @param untilEpochMs for DEFER, when it would be due; 0 otherwise.
 * @param duplicateOf  for DUPLICATE, the original message id; -1 otherwise.
 * @param fallbackChannel  the channel the lane falls back to, null when it has no fallback.
 * @param fallbackDecision what a fallback there would be decided now (SEND, DEFER or SUPPRESS); null without one.
 * @param fallbackReason   why the fallback would be deferred or suppressed; NONE for SEND.
 * @param fallbackAddress  where the fallback would go when it is not the message's own address (a directory recipient's
 *                         phone for the SMS fallback of their chat key or push token); null otherwise.
 */
public record Explanation(
    Decision decision, ChannelType channel, boolean priority, Reason reason, long untilEpochMs, long duplicateOf,
    ChannelType fallbackChannel, Decision fallbackDecision, Reason fallbackReason, String fallbackAddress)
{
    /** With a fallback at the message's own address. */
    public Explanation(
        final Decision decision, final ChannelType channel, final boolean priority, final Reason reason,
        final long untilEpochMs, final long duplicateOf, final ChannelType fallbackChannel,
        final Decision fallbackDecision, final Reason fallbackReason)
    {
        this(decision, channel, priority, reason, untilEpochMs, duplicateOf, fallbackChannel, fallbackDecision,
            fallbackReason, null);
    }

    /** Without a fallback. */
    public Explanation(
        final Decision decision, final ChannelType channel, final boolean priority, final Reason reason,
        final long untilEpochMs, final long duplicateOf)
    {
        this(decision, channel, priority, reason, untilEpochMs, duplicateOf, null, null, Reason.NONE, null);
    }
}
