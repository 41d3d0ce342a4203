package io.dispatch.client;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;

/**
 * The latest state of one message, as answered to STATUS.
 * <p>
 * Immutable; safe to share between threads. {@code state}, {@code channel} and {@code kind} are null when the
 * engine sent a wire value this client build does not know.
 *
 * @param messageId        the message asked about.
 * @param state            its latest delivery state.
 * @param attempts         delivery attempts so far.
 * @param reason           why it reached the state ({@link Reason#NONE} when there is none).
 * @param updatedAtEpochMs when the engine recorded the state.
 * @param channel          the channel the message is on: the one it asked for, or the fallback's after a
 *                         move to another channel (docs/connectors.md "Fallback").
 * @param kind             the class of the message.
 */
public record StatusResult(
    long messageId,
    DeliveryState state,
    int attempts,
    Reason reason,
    long updatedAtEpochMs,
    ChannelType channel,
    MessageKind kind)
{
}
