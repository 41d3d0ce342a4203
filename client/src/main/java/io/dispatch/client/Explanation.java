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
 */
public record Explanation(
    Decision decision, ChannelType channel, boolean priority, Reason reason, long untilEpochMs, long duplicateOf)
{
}
