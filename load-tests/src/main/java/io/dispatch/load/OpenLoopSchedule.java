package io.dispatch.load;

/**
 * The open-loop send schedule: message {@code g} (global, over all connections) is intended to leave at
 * {@code start + g / rate}. Connection {@code k} of {@code n} owns messages {@code g = seq * n + k}, so the
 * connections interleave and the aggregate stream is evenly spaced. Messages stop at the window's end.
 * <p>
 * The schedule never depends on when messages were actually sent: that is what makes the latency
 * measured from {@link #intendedNs} include sender and server stalls (no coordinated omission).
 * <p>
 * <b>Threading:</b> immutable.
 */
public final class OpenLoopSchedule
{
    private final RunWindow window;
    private final double intervalNs;
    private final int connections;
    private final long totalMessages;

    public OpenLoopSchedule(final RunWindow window, final double ratePerSecond, final int connections)
    {
        if (!(ratePerSecond > 0) || connections <= 0)
        {
            throw new IllegalArgumentException("rate > 0 and connections > 0 required");
        }
        this.window = window;
        this.intervalNs = 1e9 / ratePerSecond;
        this.connections = connections;
        this.totalMessages = countAtOrBefore(window.endNs() - 1, Long.MAX_VALUE);
    }

    public RunWindow window()
    {
        return window;
    }

    public int connections()
    {
        return connections;
    }

    /** @return the global index of a connection's {@code seq}-th message. */
    public long globalIndex(final int connection, final long seq)
    {
        return seq * connections + connection;
    }

    public long intendedNs(final int connection, final long seq)
    {
        return intendedNs(globalIndex(connection, seq));
    }

    public long intendedNs(final long globalIndex)
    {
        // Multiply rather than accumulate: no drift however long the run.
        return window.startNs() + Math.round(globalIndex * intervalNs);
    }

    /** @return true while the connection's {@code seq}-th message is inside the run (intended before end). */
    public boolean isScheduled(final int connection, final long seq)
    {
        return globalIndex(connection, seq) < totalMessages;
    }

    /** @return messages (all connections) whose intended time is at or before {@code nowNs}, within the run. */
    public long dueBy(final long nowNs)
    {
        return countAtOrBefore(nowNs, totalMessages);
    }

    private long countAtOrBefore(final long timeNs, final long cap)
    {
        if (timeNs < window.startNs())
        {
            return 0;
        }
        // Estimate, then step over the rounding of intendedNs so the count agrees with it exactly.
        long count = Math.min(cap, (long)((timeNs - window.startNs()) / intervalNs) + 1);
        while (count < cap && intendedNs(count) <= timeNs)
        {
            count++;
        }
        while (count > 0 && intendedNs(count - 1) > timeNs)
        {
            count--;
        }
        return count;
    }

    /** @return messages (all connections) intended in {@code [from, to)} of the run; for the measured offer. */
    public long countBetween(final long fromNs, final long toNs)
    {
        return dueBy(toNs - 1) - dueBy(fromNs - 1);
    }
}
