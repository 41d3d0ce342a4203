package io.dispatch.stage;

import io.dispatch.config.TenantConfig;
import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReader;
import io.dispatch.policy.RecipientKeys;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What the policy stage needs to decide a fallback again on its new channel, read from the message's ACCEPTED
 * record: tenant, class, recipient, deadline and campaign. A fallback carries only the message id through the
 * ring, as the journal holds the only copy of a message.
 * <p>
 * <b>Note:</b> not thread-safe; used on the policy stage's thread (Chronicle tailers are per thread), which opens
 * the reader at the first fallback.
 */
public final class FallbackMessages implements AutoCloseable
{
    private final Journal journal;
    private final byte[][] tenantNames;
    private final int[] tenantIds;
    private final AcceptedRecord record = new AcceptedRecord();
    private JournalReader reader;
    private int tenantId;

    public FallbackMessages(final Journal journal, final List<TenantConfig> tenants)
    {
        this.journal = journal;
        this.tenantNames = new byte[tenants.size()][];
        this.tenantIds = new int[tenants.size()];
        for (int i = 0; i < tenants.size(); i++)
        {
            tenantNames[i] = tenants.get(i).name().getBytes(StandardCharsets.UTF_8);
            tenantIds[i] = tenants.get(i).id();
        }
    }

    /** @return false when the journal has no ACCEPTED record with this id, or its tenant is no longer configured. */
    boolean load(final long messageId)
    {
        if (reader == null)
        {
            reader = journal.newReader();
        }
        if (!reader.readAccepted(messageId, record))
        {
            return false;
        }
        tenantId = 0;
        for (int i = 0; i < tenantNames.length; i++)
        {
            if (Arrays.equals(tenantNames[i], 0, tenantNames[i].length, record.tenantName, 0, record.tenantNameLength))
            {
                tenantId = tenantIds[i];
                break;
            }
        }
        return tenantId != 0;
    }

    int tenantId()
    {
        return tenantId;
    }

    byte kind()
    {
        return record.kind;
    }

    /** The channel the message was accepted for (its consent and ad marking were checked for that one). */
    byte acceptedChannel()
    {
        return record.channel;
    }

    long recipientKey()
    {
        return RecipientKeys.recipientKey(tenantId, record.body, RecipientKeys.recipientAt(record.body));
    }

    long deadlineMs()
    {
        return record.acceptedAtMs + record.ttlSeconds * 1000L;
    }

    long campaignId()
    {
        return record.campaignId;
    }

    @Override
    public void close()
    {
        if (reader != null)
        {
            reader.close();
            reader = null;
        }
    }
}
