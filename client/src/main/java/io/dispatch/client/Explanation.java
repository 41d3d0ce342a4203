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
 * @param window    the conversation window on a channel with one (Messenger), null otherwise.
 */
public record Explanation(
    Decision decision, ChannelType channel, boolean priority, Reason reason, long untilEpochMs, long duplicateOf,
    ChannelType fallbackChannel, Decision fallbackDecision, Reason fallbackReason, String fallbackAddress,
    ConversationWindow window)
{
    /** Tags in their wire order (docs/protocol.md, EXPLAIN_RESULT). */
    private static final String[] TAGS = {null, "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE", "ACCOUNT_UPDATE",
        "HUMAN_AGENT"};

    /**
     * @param open              the user wrote within the window.
     * @param lastMessageEpochMs the user's last message on the channel, 0 when none is known.
     * @param tag               the message tag the message would go with outside the window, null for none.
     */
    public record ConversationWindow(boolean open, long lastMessageEpochMs, String tag)
    {
        static ConversationWindow of(final int state, final int tag, final long lastMessageEpochMs)
        {
            return state == 0 ? null : new ConversationWindow(state == 1, lastMessageEpochMs,
                tag > 0 && tag < TAGS.length ? TAGS[tag] : null);
        }
    }

    /** With a fallback at the message's own address and no conversation window. */
    public Explanation(
        final Decision decision, final ChannelType channel, final boolean priority, final Reason reason,
        final long untilEpochMs, final long duplicateOf, final ChannelType fallbackChannel,
        final Decision fallbackDecision, final Reason fallbackReason)
    {
        this(decision, channel, priority, reason, untilEpochMs, duplicateOf, fallbackChannel, fallbackDecision,
            fallbackReason, null, null);
    }

    /** Without a fallback. */
    public Explanation(
        final Decision decision, final ChannelType channel, final boolean priority, final Reason reason,
        final long untilEpochMs, final long duplicateOf)
    {
        this(decision, channel, priority, reason, untilEpochMs, duplicateOf, null, null, Reason.NONE, null, null);
    }
}
