package io.dispatch.connector;

import io.dispatch.protocol.ChannelType;

import java.util.Objects;

/**
 * What a user sent on a channel, as a connector received it: a chat message, an SMS MO, or an event that changes
 * consent (TalkTalk {@code friend} off, an 080 opt-out) or the conversation window. Inbound traffic is rare next to
 * outbound, so this is a plain immutable value.
 *
 * @param kind            what it is; {@link Kind#CONSENT_GRANTED}, {@link Kind#CONSENT_WITHDRAWN} and
 *                        {@link Kind#OPT_OUT} also change the recipient's consent, journaled as evidence.
 * @param tenant          the tenant the receiving account belongs to (from the connector's settings).
 * @param channel         the channel it came in on.
 * @param from            the user's address on that channel (phone, TalkTalk user id, Messenger PSID).
 * @param to              the business address it was sent to (sender number, partner/page id).
 * @param inReplyTo       the engine's message id this answers, or 0 when unknown.
 * @param text            the user's text, or "" for an event without text.
 * @param payload         the platform's event as received (JSON or PDU fields) for upstream services, or "".
 * @param providerEventId the platform's id of this event, so a redelivered webhook is recognised; "" if none.
 * @param receivedAtMs    epoch ms the connector received it.
 */
public record InboundEvent(
    Kind kind,
    String tenant,
    ChannelType channel,
    String from,
    String to,
    long inReplyTo,
    String text,
    String payload,
    String providerEventId,
    long receivedAtMs)
{
    public enum Kind
    {
        /** A user's message: opens or extends the conversation window, goes to inbound subscribers. */
        MESSAGE,
        /** A platform event with no consent meaning (opened a chat room, an echo, a button action). */
        EVENT,
        /** The user allowed business messages on this channel (TalkTalk friend on). */
        CONSENT_GRANTED,
        /** The user withdrew them on this channel (TalkTalk friend off or leave). */
        CONSENT_WITHDRAWN,
        /** An opt-out from marketing of a sender (080 opt-out call or SMS STOP). */
        OPT_OUT
    }

    public InboundEvent
    {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(from, "from");
        to = to == null ? "" : to;
        text = text == null ? "" : text;
        payload = payload == null ? "" : payload;
        providerEventId = providerEventId == null ? "" : providerEventId;
    }
}
