package io.dispatch.targeting;

import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;

/**
 * Publishes the CONSENT bodies derived from a DIRECTORY_UPDATE frame into the dispatch ring as
 * {@link DispatchEvent#CONSENT} events with nobody to answer: the policy stage applies them to the address map and
 * the journal stage journals them, exactly as a client's CONSENT frame, so recovery rebuilds them from the
 * message journal. Then tells when the ring has journaled all of them.
 * <p>
 * Back-pressure: slots are claimed in batches above the targeting port's reserve
 * ({@link RingBatchClaim}, the same window as a campaign's fan-out); what does not fit waits for a later duty
 * cycle, so an import never takes a client's slot and never blocks a ring thread.
 * <p>
 * A journal failure while the bodies are in the ring (counted by the journal stage; it may have been one of
 * them) publishes all of them again a second later: they are idempotent, and an unjournaled restriction must
 * not be acknowledged.
 * <p>
 * <b>Note:</b> not thread-safe; the targeting thread's.
 */
public final class ConsentPublisher
{
    private static final long RETRY_AFTER_JOURNAL_FAILURE_MS = 1000;

    /** Fills a claimed slot with the publisher's next body ({@link #next}) as a CONSENT nobody is answered for. */
    static final EventTranslatorOneArg<DispatchEvent, ConsentPublisher> CONSENT = ConsentPublisher::translate;

    private final RingBuffer<DispatchEvent> ring;
    private final RingBatchClaim claim;
    private final Counters counters;
    private final DistinctErrorLog errors;
    private ConsentBodies bodies;
    private int tenantId;
    private int next;
    private long lastSequence = -1;
    private long journalFailures;
    private long retryAtMs;

    /** @param port the targeting thread's port: publishes only above its reserve ({@code RingPorts#targeting}). */
    public ConsentPublisher(final RingBuffer<DispatchEvent> ring, final RingPort port, final Counters counters,
        final DistinctErrorLog errors)
    {
        this.ring = ring;
        this.claim = new RingBatchClaim(ring, port);
        this.counters = counters;
        this.errors = errors;
    }

    /** Starts publishing a frame's bodies (kept, not copied, until {@link #journaled} answers true). */
    void start(final ConsentBodies bodies, final int tenantId)
    {
        this.bodies = bodies;
        this.tenantId = tenantId;
        next = 0;
        lastSequence = -1;
        retryAtMs = 0;
        journalFailures = counters.get(Counter.JOURNAL_FAILURES);
    }

    /** @return how many bodies were published now; 0 when the window is full or all are published. */
    int publish(final long nowMs)
    {
        if (nowMs < retryAtMs)
        {
            return 0;
        }
        int published = 0;
        while (next < bodies.count())
        {
            final int n = claim.tryClaim(bodies.count() - next);
            if (n == 0)
            {
                break;
            }
            for (long s = claim.first(); s <= claim.last(); s++)
            {
                CONSENT.translateTo(ring.get(s), s, this);
                next++;
            }
            ring.publish(claim.first(), claim.last());
            lastSequence = claim.last();
            published += n;
        }
        return published;
    }

    /** @return whether every body is published and journaled; after a journal failure, arranges to publish again. */
    boolean journaled(final long nowMs)
    {
        if (next < bodies.count() || ring.getMinimumGatingSequence() < lastSequence)
        {
            return false;
        }
        // read after the ring passed the bodies, so a failure appending one of them is already counted
        final long failures = counters.get(Counter.JOURNAL_FAILURES);
        if (failures != journalFailures)
        {
            errors.record("directory_restriction_journal_failed",
                "a journal append failed while directory consent restrictions were in the ring: publishing them again");
            journalFailures = failures;
            next = 0;
            retryAtMs = nowMs + RETRY_AFTER_JOURNAL_FAILURE_MS;
            return false;
        }
        return true;
    }

    private static void translate(final DispatchEvent e, final long sequence, final ConsentPublisher p)
    {
        e.reset(DispatchEvent.CONSENT);
        e.tenantId = p.tenantId;
        final ConsentBodies bodies = p.bodies;
        final int length = bodies.length(p.next);
        System.arraycopy(bodies.data(), bodies.offset(p.next), e.ensureBodyCapacity(length), 0, length);
        e.bodyLength = length;
    }
}
