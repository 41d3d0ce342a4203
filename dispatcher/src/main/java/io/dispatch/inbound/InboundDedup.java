package io.dispatch.inbound;

import org.agrona.collections.Long2LongHashMap;

/**
 * The platform event ids journaled in the last {@link #WINDOW_MS}: a webhook the platform delivers again (it did not
 * see our 200 in time) is answered as journaled without a second record, so subscribers, the consent ledger and the
 * conversation window see it once. Bounded: beyond {@link #CAPACITY} ids the oldest is forgotten early. Rebuilt by
 * recovery from the journal's INBOUND records. <b>Note:</b> not thread-safe; the journal stage's.
 */
public final class InboundDedup
{
    /** Platforms redeliver within minutes to hours (TalkTalk, Messenger and NHN retry for well under a day). */
    public static final long WINDOW_MS = 24L * 60 * 60 * 1000;
    public static final int CAPACITY = 1 << 17;

    private final Long2LongHashMap seenAt = new Long2LongHashMap(-1);
    private final long[] fifoKeys = new long[CAPACITY];
    private final long[] fifoAt = new long[CAPACITY];
    private int head;
    private int size;

    /** @param key a hash of (tenant, channel, provider event id), never 0. */
    public boolean contains(final long key, final long nowMs)
    {
        expire(nowMs);
        return seenAt.get(key) != -1;
    }

    public void record(final long key, final long atMs)
    {
        if (seenAt.get(key) != -1)
        {
            return;
        }
        if (size == CAPACITY)
        {
            evictOldest();
        }
        final int tail = (head + size) & (CAPACITY - 1);
        fifoKeys[tail] = key;
        fifoAt[tail] = atMs;
        size++;
        seenAt.put(key, atMs);
    }

    public int size()
    {
        return size;
    }

    private void expire(final long nowMs)
    {
        while (size > 0 && fifoAt[head] < nowMs - WINDOW_MS)
        {
            evictOldest();
        }
    }

    private void evictOldest()
    {
        seenAt.remove(fifoKeys[head]);
        head = (head + 1) & (CAPACITY - 1);
        size--;
    }
}
