package io.dispatch.connector;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.SubmitFlyweight;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * One message handed to a connector. Owned and reused by the lane: valid from {@code send} until the
 * connector's callback. Byte accessors do not allocate; {@link #recipient()} and {@link #renderText()}
 * create strings for connectors whose client libraries need them.
 */
public final class DeliveryRequest
{
    private final int slot;
    private final SubmitFlyweight submit = new SubmitFlyweight();
    private byte[] body = new byte[512];
    private final UnsafeBuffer bodyBuffer = new UnsafeBuffer(body);
    private byte[] templateText;
    private long messageId;
    private int attempt;
    private String tenant;
    private MessageKind kind;
    private ChannelType channel;
    private long acceptedAtMs;
    private long deadlineMs;
    private long campaignId;

    public DeliveryRequest(final int slot)
    {
        this.slot = slot;
    }

    /** Runtime use: fills the request from a journaled message; the body was validated at ingest. */
    public void fill(
        final long messageId,
        final int attempt,
        final String tenant,
        final MessageKind kind,
        final ChannelType channel,
        final long acceptedAtMs,
        final long deadlineMs,
        final byte[] source,
        final int length)
    {
        if (body.length < length)
        {
            body = new byte[Integer.highestOneBit(length - 1) << 1];
            bodyBuffer.wrap(body);
        }
        System.arraycopy(source, 0, body, 0, length);
        submit.wrap(bodyBuffer, 0, length);
        submit.validate();
        this.messageId = messageId;
        this.attempt = attempt;
        this.tenant = tenant;
        this.kind = kind;
        this.channel = channel;
        this.acceptedAtMs = acceptedAtMs;
        this.deadlineMs = deadlineMs;
        this.templateText = null;
        this.campaignId = 0;
    }

    /** Runtime use, after {@link #fill}: the campaign the message belongs to. */
    public void campaignId(final long campaignId)
    {
        this.campaignId = campaignId;
    }

    /** Runtime use: the text of the request's template, when it has one. */
    public void templateText(final byte[] text)
    {
        this.templateText = text;
    }

    public int slot() { return slot; }
    public long messageId() { return messageId; }
    /** 1 for the first try. */
    public int attempt() { return attempt; }
    public String tenant() { return tenant; }
    public MessageKind kind() { return kind; }
    public ChannelType channel() { return channel; }
    public long acceptedAtMs() { return acceptedAtMs; }
    /** After this instant the message expires instead of being sent. */
    public long deadlineMs() { return deadlineMs; }
    public SubmitFlyweight submit() { return submit; }
    /** The campaign that fanned the message out, 0 for a message submitted on its own (connectors batch campaigns). */
    public long campaignId() { return campaignId; }

    public String recipient()
    {
        return bodyBuffer.getStringWithoutLengthUtf8(submit.recipientOffset(), submit.recipientLength());
    }

    public String templateId()
    {
        return submit.templateLength() == 0 ? null :
            bodyBuffer.getStringWithoutLengthUtf8(submit.templateOffset(), submit.templateLength());
    }

    public String idempotencyKey()
    {
        return bodyBuffer.getStringWithoutLengthUtf8(submit.keyOffset(), submit.keyLength());
    }

    /** @return the text to send: the message text, or its template with {@code #{name}} filled from the variables. */
    public String renderText()
    {
        if (submit.textLength() > 0)
        {
            return bodyBuffer.getStringWithoutLengthUtf8(submit.textOffset(), submit.textLength());
        }
        return TemplateRenderer.render(new String(templateText, StandardCharsets.UTF_8), submit);
    }
}
