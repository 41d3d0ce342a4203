package io.dispatch.bench.policy;

/**
 * The simulated epoch-ms clock of the policy benchmarks: one millisecond passes every
 * {@value PolicyWorkload#MESSAGES_PER_MS} messages, the offered rate of {@link PolicyWorkload}, whatever
 * the machine's speed, so buckets refill and windows slide as they would at that rate. Not thread-safe.
 */
final class MessageClock
{
    private long nowMs;
    private int left = PolicyWorkload.MESSAGES_PER_MS;

    MessageClock(final long startMs)
    {
        nowMs = startMs;
    }

    /** @return the time of the next message. */
    long next()
    {
        if (--left == 0)
        {
            left = PolicyWorkload.MESSAGES_PER_MS;
            nowMs++;
        }
        return nowMs;
    }
}
