package io.dispatch.load;

import io.dispatch.load.scenario.RateProfile;

/**
 * The open-loop send schedule of one stream: message {@code g} (global, over all connections) is intended
 * to leave when the stream's {@link RateProfile} has offered {@code g} messages since the run's start; at a
 * constant rate that is {@code start + g / rate}. Connection {@code k} of {@code n} owns messages
 * {@code g = seq * n + k}, so the connections interleave and the aggregate stream follows the profile.
 * Messages stop at the window's end.
 * <p>
 * The schedule never depends on when messages were actually sent: that is what makes the latency
 * measured from {@link #intendedNs} include sender and server stalls (no coordinated omission), at any
 * rate and through every change of rate.
 * <p>
 * <b>Threading:</b> immutable; {@link #intendedNs} is allocation-free.
 */
public final class OpenLoopSchedule
{
    private final RunWindow window;
    private final RateProfile profile;
    private final int connections;
    private final long totalMessages;

    /** A constant rate over the whole window (warm-up included). */
    public OpenLoopSchedule(final RunWindow window, final double ratePerSecond, final int connections)
    {
        this(window, constant(window, ratePerSecond), connections);
    }

    /** @param profile rates on the run's timeline: time 0 is the window's start. */
    public OpenLoopSchedule(final RunWindow window, final RateProfile profile, final int connections)
    {
        if (connections <= 0)
        {
            throw new IllegalArgumentException("connections > 0 required");
        }
        this.window = window;
        this.profile = profile;
        this.connections = connections;
        this.totalMessages = countAtOrBefore(window.endNs() - 1, Long.MAX_VALUE);
    }

    private static RateProfile constant(final RunWindow window, final double ratePerSecond)
    {
        if (!(ratePerSecond > 0))
        {
            throw new IllegalArgumentException("rate > 0 required");
        }
        return RateProfile.constant(ratePerSecond, window.endNs() - window.startNs());
    }

    public RunWindow window()
    {
        return window;
    }

    public int connections()
    {
        return connections;
    }

    public RateProfile profile()
    {
        return profile;
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

    /** @return the intended send time, or {@link Long#MAX_VALUE} past the profile's last message. */
    public long intendedNs(final long globalIndex)
    {
        final long offsetNs = profile.timeOfIndexNs(globalIndex);
        return offsetNs == Long.MAX_VALUE ? Long.MAX_VALUE : window.startNs() + offsetNs;
    }

    /** @return true while the connection's {@code seq}-th message is inside the run (intended before end). */
    public boolean isScheduled(final int connection, final long seq)
    {
        return globalIndex(connection, seq) < totalMessages;
    }

    /**
     * @return the intended time of the connection's first message intended after {@code timeNs}, or
     * {@link Long#MAX_VALUE} when it has none left in the run. A pure function of the schedule, so a pacer can
     * tell when a connection is next due without reading the sender's state.
     */
    public long nextIntendedAfter(final int connection, final long timeNs)
    {
        final long due = dueBy(timeNs);
        final long seq = due <= connection ? 0 : (due - connection + connections - 1) / connections;
        return isScheduled(connection, seq) ? intendedNs(connection, seq) : Long.MAX_VALUE;
    }

    /** @return messages (all connections) of the run, warm-up included. */
    public long totalMessages()
    {
        return totalMessages;
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
        // Estimate from the profile's integral, then step over the rounding of intendedNs so the count
        // agrees with it exactly.
        long count = Math.min(cap, (long)profile.countAt(timeNs - window.startNs()) + 1);
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
