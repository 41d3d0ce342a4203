package io.dispatch.connector.runtime;

import io.dispatch.config.TemplateRegistry;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.FallbackAddresses;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReader;
import io.dispatch.policy.RecipientKeys;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.SubmitFlyweight;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Loads the message a lane is about to send (or to expire, or to move) from the journal, by id, into
 * one reused record, and fills a {@link DeliveryRequest} from it with its template text. The journal is
 * the only copy of a message's body: lanes hold ids, not messages. A fallback the policy stage re-addressed on this
 * lane's channel ({@link FallbackAddresses}) is loaded with that address in place of the ACCEPTED record's recipient,
 * so the connector, the per-recipient order and every retry use it.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the lane thread (Chronicle tailers are per thread).
 */
final class MessageLoader implements AutoCloseable
{
    private final Journal journal;
    private final TemplateRegistry templates;
    private final AcceptedRecord record = new AcceptedRecord();
    private final TenantNames tenants = new TenantNames();
    private final FallbackAddresses readdressed;
    /** Ids this lane loaded with a re-addressed recipient: {@link #forget} touches the shared map only for them. */
    private final LongHashSet readdressedHere = new LongHashSet();
    private final byte channel;
    private byte[] spare = new byte[512];
    private final SubmitFlyweight submit = new SubmitFlyweight();
    private final UnsafeBuffer bodyBuffer = new UnsafeBuffer(new byte[0]);
    /** A view of the filled request's template id, for the template lookup. */
    private final UnsafeBuffer templateId = new UnsafeBuffer(new byte[0]);
    private JournalReader reader;

    /** @param channel the lane's channel code: a message accepted for another one came as a fallback. */
    MessageLoader(final Journal journal, final TemplateRegistry templates, final byte channel)
    {
        this.journal = journal;
        this.templates = templates;
        this.readdressed = journal.fallbackAddresses();
        this.channel = channel;
    }

    /** On the lane thread, before the first {@link #load}. */
    void open()
    {
        reader = journal.newReader();
    }

    /** @return false when the journal has no ACCEPTED record with this id. */
    boolean load(final long messageId)
    {
        if (!reader.readAccepted(messageId, record))
        {
            return false;
        }
        if (record.channel != channel)
        {
            final byte[] address = readdressed.get(messageId);
            if (address != null)
            {
                readdressedHere.add(messageId);
                replaceRecipient(address);
            }
        }
        return true;
    }

    /** The message left the lane (a provider took it, it ended or moved on): its re-address is no longer needed. */
    void forget(final long messageId)
    {
        if (readdressedHere.remove(messageId))
        {
            readdressed.remove(messageId);
        }
    }

    /** Rewrites the loaded body with {@code address} (u8 length, bytes) as its recipient, the rest as it was. */
    private void replaceRecipient(final byte[] address)
    {
        final byte[] body = record.body;
        final int at = RecipientKeys.recipientAt(body);
        final int tail = at + 1 + (body[at] & 0xFF);
        final int length = at + address.length + record.bodyLength - tail;
        if (spare.length < length)
        {
            spare = new byte[Math.max(length, spare.length * 2)];
        }
        System.arraycopy(body, 0, spare, 0, at);
        System.arraycopy(address, 0, spare, at, address.length);
        System.arraycopy(body, tail, spare, at + address.length, record.bodyLength - tail);
        record.body = spare;
        record.bodyLength = length;
        spare = body;
    }

    /** @return the loaded message's SUBMIT body (valid until the next {@link #load}), for its variables. */
    SubmitFlyweight submit()
    {
        if (bodyBuffer.byteArray() != record.body)
        {
            bodyBuffer.wrap(record.body); // only when the reader or a re-address replaced the array
        }
        submit.wrap(bodyBuffer, 0, record.bodyLength);
        submit.validate();
        return submit;
    }

    long acceptedAtMs()
    {
        return record.acceptedAtMs;
    }

    /** After this instant the message expires instead of being sent. */
    long deadlineMs()
    {
        return record.acceptedAtMs + record.ttlSeconds * 1000L;
    }

    /** @return the campaign of the loaded message, 0 when it is not a campaign's. */
    long campaignId()
    {
        return record.campaignId;
    }

    /**
     * @return the loaded message's recipient key for per-recipient order: its tenant and address (the lane is
     * one channel's), hashed in place.
     */
    long recipientKey()
    {
        int tenantHash = 0;
        for (int i = 0; i < record.tenantNameLength; i++)
        {
            tenantHash = 31 * tenantHash + record.tenantName[i];
        }
        return RecipientKeys.recipientKey(tenantHash, record.body, RecipientKeys.recipientAt(record.body));
    }

    MessageKind kind()
    {
        return MessageKind.of(record.kind);
    }

    String tenant()
    {
        return tenants.of(record.tenantName, record.tenantNameLength);
    }

    /**
     * Fills {@code request} from the loaded message, for sending on {@code channel} (the lane's, after a fallback too).
     *
     * @return false when it cannot be rendered: it has no text and its template is not in this configuration (removed
     * since it was accepted); the caller ends it instead of handing a connector a message without text.
     */
    boolean fill(final DeliveryRequest request, final long messageId, final int attempt, final ChannelType channel)
    {
        request.fill(messageId, attempt, tenant(), kind(), channel, record.acceptedAtMs, deadlineMs(), record.body,
            record.bodyLength);
        request.campaignId(record.campaignId);
        if (request.templateIdLength() == 0)
        {
            return true; // exactly one of text and template id is set (checked at ingest)
        }
        request.wrapTemplateId(templateId);
        // the version in force when it was accepted; a journal without versions renders the configured one
        byte[] text = templates.versions().textAt(templateId, 0, templateId.capacity(), messageId);
        if (text == null)
        {
            final int configured = templates.find(templateId, 0, templateId.capacity());
            text = configured >= 0 ? templates.text(configured) : null;
        }
        if (text == null)
        {
            return false;
        }
        request.templateText(text);
        return true;
    }

    @Override
    public void close()
    {
        if (reader != null)
        {
            reader.close();
        }
    }
}
