package io.dispatch.client;

import io.dispatch.protocol.ChannelType;

/**
 * A user's message or event that reached the engine through a connector (a chat reply, an SMS MO, a consent event,
 * an 080 opt-out), as an INBOUND frame carries it.
 *
 * @param position        where it is in the tenant's inbound stream: pass the last one seen to
 *                        {@link DispatchClient#subscribeInbound(long, InboundListener)} to resume after it.
 * @param kind            what it is.
 * @param channel         the channel it came in on; null for a code this build does not know.
 * @param from            the user's address on that channel (phone, TalkTalk user id, Messenger PSID).
 * @param to              the business address it was sent to (sender number, partner or page id), or "".
 * @param inReplyTo       the id of the engine's message it answers, 0 when unknown.
 * @param text            the user's text, "" for an event without text.
 * @param payload         the platform's event as received (JSON, PDU fields), or "".
 * @param providerEventId the platform's id of the event, or "".
 * @param atEpochMs       when the engine's connector received it.
 */
public record InboundMessage(
    long position,
    Kind kind,
    ChannelType channel,
    String from,
    String to,
    long inReplyTo,
    String text,
    String payload,
    String providerEventId,
    long atEpochMs)
{
    /** Wire values in order: 0 message, 1 event, 2 consent granted, 3 consent withdrawn, 4 opt-out. */
    public enum Kind
    {
        MESSAGE, EVENT, CONSENT_GRANTED, CONSENT_WITHDRAWN, OPT_OUT, UNKNOWN;

        static Kind of(final int code)
        {
            return code >= 0 && code < UNKNOWN.ordinal() ? values()[code] : UNKNOWN;
        }
    }
}
