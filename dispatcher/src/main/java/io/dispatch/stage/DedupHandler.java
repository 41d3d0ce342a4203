package io.dispatch.stage;

import com.lmax.disruptor.EventHandler;
import io.dispatch.policy.DedupIndex;
import io.dispatch.policy.RecipientKeys;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.ring.DispatchEvent;
import org.agrona.concurrent.EpochClock;

/**
 * Stamps each SUBMIT with the ring's time and its recipient key, and marks one whose idempotency key (or,
 * when content dedup is on, whose recipient, channel and content) was seen within the horizon as a duplicate
 * of the original message id. Runs on the journal thread just before the policy and journal stages; the
 * journal stage records new keys, so a key repeated inside one batch is caught too.
 */
public final class DedupHandler implements EventHandler<DispatchEvent>
{
    private final DedupIndex index;
    private final DedupIndex contentIndex;
    private final EpochClock clock;

    /** @param contentIndex null when content dedup is off. */
    public DedupHandler(final DedupIndex index, final DedupIndex contentIndex, final EpochClock clock)
    {
        this.index = index;
        this.contentIndex = contentIndex;
        this.clock = clock;
    }

    @Override
    public void onEvent(final DispatchEvent e, final long sequence, final boolean endOfBatch)
    {
        if (e.type != DispatchEvent.SUBMIT)
        {
            return;
        }
        final long now = clock.time();
        e.acceptedAtMs = now;
        final byte[] body = e.body;
        final int keyLength = body[SubmitDescriptor.FIXED_LENGTH] & 0xFF;
        final int recipientAt = SubmitDescriptor.FIXED_LENGTH + 1 + keyLength;
        e.recipientKey = RecipientKeys.recipientKey(e.tenantId, body, recipientAt);
        e.keyHash = 0;
        e.contentHash = 0;
        if (keyLength > 0)
        {
            e.keyHash = DedupIndex.hash(e.tenantId, body, SubmitDescriptor.FIXED_LENGTH + 1, keyLength);
            final boolean unique = e.campaignSlot != 0 && !e.campaignResumed;
            if (!unique && markDuplicate(e, index.find(e.keyHash, now)))
            {
                return;
            }
        }
        if (contentIndex != null)
        {
            e.contentHash = RecipientKeys.contentKey(e.tenantId, e.channel, body, recipientAt, e.bodyLength);
            markDuplicate(e, contentIndex.find(e.contentHash, now));
        }
    }

    private static boolean markDuplicate(final DispatchEvent e, final long original)
    {
        if (original >= 0)
        {
            e.outcome = e.dryRun ? DispatchEvent.OUTCOME_DRY_RUN : DispatchEvent.OUTCOME_DUPLICATE;
            e.decision = Decision.DUPLICATE.code();
            e.messageId = original;
            return true;
        }
        return false;
    }
}
