package io.dispatch.connector.smpp;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.HashSet;
import java.util.Set;

/**
 * Folds the correlation log, oldest record first, into the messages still waiting for a receipt: an ACCEPTED
 * record (re)defines a message's provider ids, ENDED forgets the message, PART marks one id delivered (in any
 * order relative to its ACCEPTED: a part's receipt may overtake the last part's submit_sm_resp). Messages accepted
 * before {@code oldestMs} are dropped: the correlator would have forgotten them by now. Start-up only; not
 * thread-safe.
 */
final class CorrelationReplay
{
    /** One accepted message: when, and under which provider ids. */
    private record Accepted(long atMs, String[] providerIds)
    {
    }

    private final long oldestMs;
    private final Long2ObjectHashMap<Accepted> byMessageId = new Long2ObjectHashMap<>();
    private final Set<String> deliveredParts = new HashSet<>();

    CorrelationReplay(final long oldestMs)
    {
        this.oldestMs = oldestMs;
    }

    void onRecord(final int type, final DirectBuffer b, final int offset)
    {
        switch (type)
        {
            case CorrelationRecords.ACCEPTED:
                final long atMs = b.getLong(offset + CorrelationRecords.AT_MS_OFFSET, CorrelationRecords.ORDER);
                final long messageId = b.getLong(offset + CorrelationRecords.MESSAGE_ID_OFFSET, CorrelationRecords.ORDER);
                if (atMs < oldestMs)
                {
                    byMessageId.remove(messageId);
                    return;
                }
                final String[] ids = new String[b.getByte(offset + CorrelationRecords.PARTS_OFFSET) & 0xFF];
                int at = offset + CorrelationRecords.IDS_OFFSET;
                for (int i = 0; i < ids.length; i++)
                {
                    ids[i] = CorrelationRecords.getId(b, at);
                    at += 1 + ids[i].length();
                }
                byMessageId.put(messageId, new Accepted(atMs, ids));
                break;
            case CorrelationRecords.PART:
                deliveredParts.add(CorrelationRecords.getId(b, offset));
                break;
            case CorrelationRecords.ENDED:
                byMessageId.remove(b.getLong(offset + CorrelationRecords.MESSAGE_ID_OFFSET, CorrelationRecords.ORDER));
                break;
            default:
                // a record type of a later version: nothing this version can restore from it
        }
    }

    /** Registers every message still waiting with the correlator. @return how many messages. */
    int restoreInto(final ReceiptCorrelator correlator)
    {
        int restored = 0;
        for (final Long2ObjectHashMap<Accepted>.KeyIterator it = byMessageId.keySet().iterator(); it.hasNext(); )
        {
            final long messageId = it.nextLong();
            if (correlator.restore(messageId, byMessageId.get(messageId).providerIds(), deliveredParts))
            {
                restored++;
            }
        }
        return restored;
    }
}
