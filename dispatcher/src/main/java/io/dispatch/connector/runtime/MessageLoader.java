package io.dispatch.connector.runtime;

import io.dispatch.config.TemplateRegistry;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReader;
import io.dispatch.policy.RecipientKeys;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.netty.buffer.ByteBuf;

/**
 * Loads the message a lane is about to send (or to expire, or to move) from the journal, by id, into
 * one reused record, and fills a {@link DeliveryRequest} from it with its template text. The journal is
 * the only copy of a message's body: lanes hold ids, not messages.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the lane thread (Chronicle tailers are per thread).
 */
final class MessageLoader implements AutoCloseable
{
    private final Journal journal;
    private final TemplateRegistry templates;
    private final AcceptedRecord record = new AcceptedRecord();
    private final TenantNames tenants = new TenantNames();
    private JournalReader reader;

    MessageLoader(final Journal journal, final TemplateRegistry templates)
    {
        this.journal = journal;
        this.templates = templates;
    }

    /** On the lane thread, before the first {@link #load}. */
    void open()
    {
        reader = journal.newReader();
    }

    /** @return false when the journal has no ACCEPTED record with this id. */
    boolean load(final long messageId)
    {
        return reader.readAccepted(messageId, record);
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
        byte[] text = null;
        if (request.submit().templateLength() != 0)
        {
            final ByteBuf b = request.submit().buffer();
            final int at = request.submit().templateOffset();
            final int length = request.submit().templateLength();
            // the version in force when it was accepted; a journal without versions renders the configured one
            text = templates.versions().textAt(b, at, length, messageId);
            final int configured = text == null ? templates.find(b, at, length) : -1;
            text = configured >= 0 ? templates.text(configured) : text;
        }
        if (text != null)
        {
            request.templateText(text);
        }
        return text != null || request.submit().textLength() > 0;
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
