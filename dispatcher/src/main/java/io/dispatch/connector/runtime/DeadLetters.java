package io.dispatch.connector.runtime;

import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The most recent messages a lane ended without success (rejected, failed after its retries, expired),
 * for operators ({@code GET /deadletters}). A bounded ring: the lane thread writes without locks or
 * allocation; readers copy entries and drop any the writer overwrote while they read. The journal stays
 * the durable, complete record (STATUS and history by message id); recovery refills this recent view at start
 * from the terminal failure states it reads there, so it survives a restart.
 */
public final class DeadLetters
{
    /** One dead letter as read by an operator. */
    public record Entry(long messageId, long atMs, String lane, String tenant, DeliveryState state, Reason reason,
        int attempts, MessageKind kind)
    {
        public String toJson()
        {
            return "{\"message_id\":" + messageId + ",\"at_ms\":" + atMs + ",\"lane\":\"" + lane + "\",\"tenant\":\""
                + tenant.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"state\":\"" + state + "\",\"reason\":\""
                + reason + "\",\"attempts\":" + attempts + ",\"kind\":\"" + kind + "\"}";
        }
    }

    private final String lane;
    private final int mask;
    private final long[] ids;
    private final long[] times;
    private final long[] packed;
    private final String[] tenants;
    private final AtomicLong written = new AtomicLong();

    public DeadLetters(final String lane, final int capacity)
    {
        this.lane = lane;
        final int n = Integer.highestOneBit(Math.max(2, capacity) - 1) << 1;
        this.mask = n - 1;
        this.ids = new long[n];
        this.times = new long[n];
        this.packed = new long[n];
        this.tenants = new String[n];
    }

    /** Lane thread only. */
    void add(
        final long messageId, final long atMs, final String tenant, final DeliveryState state, final Reason reason,
        final int attempts, final MessageKind kind)
    {
        final long seq = written.get();
        final int i = (int)(seq & mask);
        ids[i] = messageId;
        times[i] = atMs;
        packed[i] = state.code() | (long)reason.code() << 8 | (long)(attempts & 0xFFFF) << 16
            | (long)(kind == null ? 0 : kind.code()) << 32;
        tenants[i] = tenant;
        written.lazySet(seq + 1);
    }

    /**
     * A dead letter read back from the journal at start, oldest first: the ring keeps the newest, as if the lane had
     * just ended them. Only before the lane starts (its thread start publishes what this wrote).
     */
    public void recover(
        final long messageId, final long atMs, final String tenant, final DeliveryState state, final Reason reason,
        final int attempts, final MessageKind kind)
    {
        add(messageId, atMs, tenant, state, reason, attempts, kind);
    }

    /** @return up to {@code limit} entries, newest first. Any thread. */
    public List<Entry> newest(final int limit)
    {
        final long end = written.get();
        final long start = Math.max(0, Math.max(end - limit, end - mask - 1));
        final List<Entry> out = new ArrayList<>((int)(end - start));
        for (long seq = end - 1; seq >= start; seq--)
        {
            final int i = (int)(seq & mask);
            final long p = packed[i];
            final Entry e = new Entry(ids[i], times[i], lane, tenants[i], DeliveryState.of((int)(p & 0xFF)),
                Reason.of((int)(p >> 8 & 0xFF)), (int)(p >> 16 & 0xFFFF), MessageKind.of((int)(p >> 32 & 0xFF)));
            out.add(e);
        }
        // entries the writer lapped while we copied them are torn: keep only those still in the ring
        VarHandle.acquireFence();
        final long oldestIntact = written.get() - mask - 1;
        final List<Entry> intact = new ArrayList<>(out.size());
        long seq = end - 1;
        for (final Entry e : out)
        {
            if (seq >= oldestIntact)
            {
                intact.add(e);
            }
            seq--;
        }
        return intact;
    }

    public long total()
    {
        return written.get();
    }
}
