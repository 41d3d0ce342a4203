package io.dispatch.load;

import io.dispatch.client.DispatchException;
import io.dispatch.protocol.ErrorCode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A point-in-time sum of {@link PhaseCounters} over connections and phases.
 * <p>
 * <b>Threading:</b> built on the reporter thread; immutable afterwards. The counters it reads keep
 * moving, so a snapshot taken mid-run is only approximately consistent across fields.
 */
public final class CounterTotals
{
    /** Which phase(s) to sum. */
    public enum Phase
    {
        WARMUP, MEASURED, ALL
    }

    public final long sent;
    public final long sendFailed;
    public final long acked;
    public final long duplicates;
    public final long rejected;
    public final long e2eCompleted;
    public final long clientFailed;
    private final long[] rejectedByCode = new long[PhaseCounters.MAX_ERROR_CODE];
    private final long[] clientFailedByKind = new long[DispatchException.Kind.values().length];

    private CounterTotals(final List<PhaseCounters> counters)
    {
        long sent = 0;
        long sendFailed = 0;
        long acked = 0;
        long duplicates = 0;
        long rejected = 0;
        long e2eCompleted = 0;
        long clientFailed = 0;
        for (final PhaseCounters c : counters)
        {
            // Answers before requests, so a snapshot never shows more answers than submits.
            acked += c.acked();
            duplicates += c.duplicates();
            rejected += c.rejected();
            e2eCompleted += c.e2eCompleted();
            clientFailed += c.clientFailed();
            for (final DispatchException.Kind kind : DispatchException.Kind.values())
            {
                clientFailedByKind[kind.ordinal()] += c.clientFailed(kind);
            }
            for (int code = 0; code < rejectedByCode.length; code++)
            {
                rejectedByCode[code] += c.rejectedByCode.get(code);
            }
            sent += c.sent();
            sendFailed += c.sendFailed();
        }
        this.sent = sent;
        this.sendFailed = sendFailed;
        this.acked = acked;
        this.duplicates = duplicates;
        this.rejected = rejected;
        this.e2eCompleted = e2eCompleted;
        this.clientFailed = clientFailed;
    }

    public static CounterTotals sum(final List<ConnectionTracker> trackers, final Phase phase)
    {
        final List<PhaseCounters> selected = new ArrayList<>(trackers.size() * 2);
        for (final ConnectionTracker t : trackers)
        {
            if (phase != Phase.MEASURED)
            {
                selected.add(t.warmup());
            }
            if (phase != Phase.WARMUP)
            {
                selected.add(t.measured());
            }
        }
        return new CounterTotals(selected);
    }

    public static CounterTotals of(final List<PhaseCounters> counters)
    {
        return new CounterTotals(counters);
    }

    /** @return NACK counts by error-code name, only codes seen, in code order. */
    public Map<String, Long> rejectedByName()
    {
        final Map<String, Long> byName = new LinkedHashMap<>();
        for (int code = 0; code < rejectedByCode.length; code++)
        {
            if (rejectedByCode[code] != 0)
            {
                byName.put(ErrorCode.of(code).name(), rejectedByCode[code]);
            }
        }
        return byName;
    }

    /** @return client-side failures by {@link DispatchException.Kind} name, only kinds seen. */
    public Map<String, Long> clientFailedByName()
    {
        final Map<String, Long> byName = new LinkedHashMap<>();
        for (final DispatchException.Kind kind : DispatchException.Kind.values())
        {
            if (clientFailedByKind[kind.ordinal()] != 0)
            {
                byName.put(kind.name(), clientFailedByKind[kind.ordinal()]);
            }
        }
        return byName;
    }

    /** @return sent messages without an outcome (ACK, NACK, client failure) in this snapshot. */
    public long unanswered()
    {
        return Math.max(0, sent - acked - rejected - clientFailed);
    }
}
