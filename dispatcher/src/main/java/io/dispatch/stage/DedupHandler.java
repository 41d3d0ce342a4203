package io.dispatch.stage;

import com.lmax.disruptor.EventHandler;
import io.dispatch.policy.DedupIndex;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.ring.DispatchEvent;
import org.agrona.concurrent.EpochClock;

/**
 * Marks a SUBMIT whose idempotency key was seen within the horizon as a duplicate of the original
 * message id. Runs on the journal thread just before {@link JournalHandler}, which records new keys, so a
 * key repeated inside one batch is caught too.
 */
public final class DedupHandler implements EventHandler<DispatchEvent>
{
    private final DedupIndex index;
    private final EpochClock clock;

    public DedupHandler(final DedupIndex index, final EpochClock clock)
    {
        this.index = index;
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
        if (keyLength == 0)
        {
            e.keyHash = 0;
            return;
        }
        e.keyHash = DedupIndex.hash(e.tenantId, body, SubmitDescriptor.FIXED_LENGTH + 1, keyLength);
        final long original = index.find(e.keyHash, now);
        if (original >= 0)
        {
            e.outcome = DispatchEvent.OUTCOME_DUPLICATE;
            e.messageId = original;
        }
    }
}
