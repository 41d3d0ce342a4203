package io.dispatch.load;

import io.dispatch.client.DispatchException;
import io.dispatch.protocol.ErrorCode;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of one connection for one phase (warm-up or measured), by the message's intended send time.
 * <p>
 * <b>Threading:</b> any thread may increment (atomic: a client could answer a NACK on the caller's
 * thread); any thread may read. Uncontended in practice, one writer per counter.
 */
public final class PhaseCounters
{
    /** ERROR code numbers are below 100 (see {@link ErrorCode}). */
    public static final int MAX_ERROR_CODE = 100;

    final AtomicLong sent = new AtomicLong();
    final AtomicLong sendFailed = new AtomicLong();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLongArray rejectedByCode = new AtomicLongArray(MAX_ERROR_CODE);
    final AtomicLong e2eCompleted = new AtomicLong();
    final AtomicLong clientFailed = new AtomicLong();
    final AtomicLongArray clientFailedByKind = new AtomicLongArray(DispatchException.Kind.values().length);

    void onNack(final ErrorCode code)
    {
        rejected.incrementAndGet();
        final int c = code == null ? ErrorCode.INTERNAL.code() : code.code();
        rejectedByCode.incrementAndGet(c >= 0 && c < MAX_ERROR_CODE ? c : ErrorCode.INTERNAL.code());
    }

    void onClientFailure(final DispatchException.Kind kind)
    {
        clientFailed.incrementAndGet();
        clientFailedByKind.incrementAndGet(kind.ordinal());
    }

    public long sent() { return sent.get(); }
    public long sendFailed() { return sendFailed.get(); }
    public long acked() { return acked.get(); }
    public long duplicates() { return duplicates.get(); }
    public long rejected() { return rejected.get(); }
    public long e2eCompleted() { return e2eCompleted.get(); }
    /** @return requests the client gave up on (timeout, connection lost, local queue full, closed). */
    public long clientFailed() { return clientFailed.get(); }

    public long clientFailed(final DispatchException.Kind kind)
    {
        return clientFailedByKind.get(kind.ordinal());
    }

    public long rejected(final ErrorCode code)
    {
        return rejectedByCode.get(code.code());
    }
}
