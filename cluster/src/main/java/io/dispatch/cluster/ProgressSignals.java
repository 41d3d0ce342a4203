package io.dispatch.cluster;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the journal thread learns about fed messages, for the feeder thread: single producer, single consumer, pairs
 * of longs (kind and epoch, cluster id) in a preallocated ring. A full queue makes the producer spin until the feeder
 * drains it; the feeder drains in each of its loops and waits, so that ends.
 */
final class ProgressSignals
{
    /** Finished here: the provider accepted it, or it ended (suppressed, duplicate, failed, expired…). */
    static final int DONE = 1;
    /** Deferred (send-at, night window): not sent yet. */
    static final int PARKED = 2;
    /** Released from a deferral, or moved to another lane: may be sent again. */
    static final int ACTIVE = 3;
    /** Dropped unsent by the fence: its partition's next owner sends it. */
    static final int DROPPED = 4;

    private final long[] ring;
    private final int mask;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();

    ProgressSignals(final int capacityPairs)
    {
        final int pairs = Integer.highestOneBit(capacityPairs - 1) << 1;
        ring = new long[pairs * 2];
        mask = pairs - 1;
    }

    /** Producer (journal thread). */
    void offer(final int kind, final int epoch, final long clusterId)
    {
        final long t = tail.get();
        while (t - head.get() > mask)
        {
            Thread.onSpinWait();
        }
        final int at = (int)(t & mask) << 1;
        ring[at] = (long)epoch << 8 | kind;
        ring[at + 1] = clusterId;
        tail.lazySet(t + 1);
    }

    interface Handler
    {
        void onSignal(int kind, int epoch, long clusterId);
    }

    /** Consumer (feeder thread). @return signals handled. */
    int drain(final Handler handler)
    {
        final long h = head.get();
        final long t = tail.get();
        for (long i = h; i < t; i++)
        {
            final int at = (int)(i & mask) << 1;
            final long kindAndEpoch = ring[at];
            handler.onSignal((int)(kindAndEpoch & 0xFF), (int)(kindAndEpoch >>> 8), ring[at + 1]);
        }
        head.lazySet(t);
        return (int)(t - h);
    }
}
