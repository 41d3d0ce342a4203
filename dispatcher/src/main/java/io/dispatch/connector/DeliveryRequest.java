package io.dispatch.connector;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.SubmitFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One message handed to a connector. Owned and reused by the lane: valid from {@code send} until the connector's
 * callback, and so is everything it hands out.
 * <p>
 * The content comes three ways, so a connector pays only for what its client needs:
 * <ul>
 *   <li>as a {@link String} ({@link #recipient()}, {@link #text()}, {@link #templateId()}): allocates, for connectors
 *       that build a string per message anyway (a JSON body, a client library's API);</li>
 *   <li>as UTF-8 bytes in place ({@link #wrapRecipient}, {@link #wrapText}, {@link #recipientStartsWith}): no
 *       allocation, for a connector on a hot path; the view passed in is the caller's {@code UnsafeBuffer};</li>
 *   <li>the variables through the reusable {@link #vars()} view.</li>
 * </ul>
 * {@link #text()} is what the recipient gets: the message's text, or its template with {@code #{name}} filled from
 * the variables (rendered once per message, into a buffer the request reuses).
 * <p>
 * <b>Note:</b> not thread-safe. The lane fills it on its thread; the connector may read it on any one thread until
 * its callback.
 */
public final class DeliveryRequest
{
    private static final int NOT_RENDERED = -1;

    private final int slot;
    private final SubmitFlyweight submit = new SubmitFlyweight();
    private final Variables vars = new Variables();
    private final TemplateRenderer renderer = new TemplateRenderer();
    private final ExpandableArrayBuffer rendered = new ExpandableArrayBuffer(256);
    private byte[] body = new byte[512];
    private final UnsafeBuffer bodyBuffer = new UnsafeBuffer(body);
    private byte[] templateText;
    private int renderedLength;
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
        this.renderedLength = NOT_RENDERED;
        this.campaignId = 0;
    }

    /** Runtime use, after {@link #fill}: the campaign the message belongs to. */
    public void campaignId(final long campaignId)
    {
        this.campaignId = campaignId;
    }

    /** Runtime use, after {@link #fill}: the text of the request's template (UTF-8), when it has one. */
    public void templateText(final byte[] text)
    {
        this.templateText = text;
        this.renderedLength = NOT_RENDERED;
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
    /** The campaign that fanned the message out, 0 for a message submitted on its own (connectors batch campaigns). */
    public long campaignId() { return campaignId; }

    /** @return the recipient's address as submitted (or as the fallback re-addressed it): 1 to 255 bytes. */
    public String recipient()
    {
        return bodyBuffer.getStringWithoutLengthUtf8(submit.recipientOffset(), submit.recipientLength());
    }

    /** @return the recipient's length in UTF-8 bytes. */
    public int recipientLength()
    {
        return submit.recipientLength();
    }

    /** Points {@code view} at the recipient's UTF-8 bytes, without copying. */
    public void wrapRecipient(final DirectBuffer view)
    {
        view.wrap(bodyBuffer, submit.recipientOffset(), submit.recipientLength());
    }

    /** @return true when the recipient's bytes begin with {@code prefix} (routing on a scheme without a String). */
    public boolean recipientStartsWith(final byte[] prefix)
    {
        if (submit.recipientLength() < prefix.length)
        {
            return false;
        }
        final int offset = submit.recipientOffset();
        for (int i = 0; i < prefix.length; i++)
        {
            if (bodyBuffer.getByte(offset + i) != prefix[i])
            {
                return false;
            }
        }
        return true;
    }

    /** @return the template the message names, or null for a message with its own text. */
    public String templateId()
    {
        return submit.templateLength() == 0 ? null :
            bodyBuffer.getStringWithoutLengthUtf8(submit.templateOffset(), submit.templateLength());
    }

    /** @return the template id's length in UTF-8 bytes, 0 for a message with its own text. */
    public int templateIdLength()
    {
        return submit.templateLength();
    }

    /** Points {@code view} at the template id's UTF-8 bytes (empty for a message with its own text), in place. */
    public void wrapTemplateId(final DirectBuffer view)
    {
        view.wrap(bodyBuffer, submit.templateOffset(), submit.templateLength());
    }

    /** @return the idempotency key the client gave, empty when none. */
    public String idempotencyKey()
    {
        return bodyBuffer.getStringWithoutLengthUtf8(submit.keyOffset(), submit.keyLength());
    }

    /** @return the text to send: the message's text, or its template with {@code #{name}} filled from the variables. */
    public String text()
    {
        if (submit.textLength() > 0)
        {
            return bodyBuffer.getStringWithoutLengthUtf8(submit.textOffset(), submit.textLength());
        }
        return rendered.getStringWithoutLengthUtf8(0, render());
    }

    /** @return the length in UTF-8 bytes of {@link #text()}. */
    public int textLength()
    {
        return submit.textLength() > 0 ? submit.textLength() : render();
    }

    /** Points {@code view} at the UTF-8 bytes of {@link #text()}, without copying or allocating. */
    public void wrapText(final DirectBuffer view)
    {
        if (submit.textLength() > 0)
        {
            view.wrap(bodyBuffer, submit.textOffset(), submit.textLength());
        }
        else
        {
            view.wrap(rendered, 0, render());
        }
    }

    /** @return the message's variables, rewound to before the first (the same view each call: one walk at a time). */
    public Variables vars()
    {
        return vars.wrap(submit);
    }

    /** Renders the template once per message; a message without template text (never handed out so) renders empty. */
    private int render()
    {
        if (renderedLength == NOT_RENDERED)
        {
            renderedLength = templateText == null ? 0 : renderer.render(templateText, submit, rendered);
        }
        return renderedLength;
    }
}
