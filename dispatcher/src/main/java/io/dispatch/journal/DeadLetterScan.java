package io.dispatch.journal;

import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.SubmitDescriptor;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;

import java.nio.charset.StandardCharsets;

/**
 * One pass over the journal for a redrive: the dead letters (FAILED, EXPIRED, REJECTED states) that match the
 * state-level filters, in journal order, each with its cause (the reason of its last RETRYING state: FAILED
 * RETRIES_EXHAUSTED after PROVIDER_UNAVAILABLE retries was "the provider was down"), and the messages already redriven (an ACCEPTED record whose idempotency
 * key is {@link #KEY_PREFIX}{@code <original id>}). The tenant and campaign filters need each candidate's ACCEPTED
 * record: the caller reads those after the scan.
 */
public final class DeadLetterScan implements JournalReader.Visitor
{
    /** The idempotency key of a redriven copy is this prefix and the original's message id. */
    public static final String KEY_PREFIX = "redrive:";
    private static final byte[] PREFIX = KEY_PREFIX.getBytes(StandardCharsets.US_ASCII);

    private final long fromMs;
    private final long toMs;
    private final int reason;
    private final byte channel;
    private final int maxCandidates;
    /** Dead letters matching the filters, in journal order (at most {@code maxCandidates}). */
    public final LongArrayList candidates = new LongArrayList();
    /** Per candidate: its reason code | channel code &lt;&lt; 16 | state code &lt;&lt; 24. */
    public final IntArrayList details = new IntArrayList();
    /** Per candidate: the reason code of its last RETRYING state, -1 when it never retried. */
    public final IntArrayList causes = new IntArrayList();
    /** The last RETRYING reason of messages not yet terminal: as many as were retrying at once. */
    private final Long2LongHashMap retrying = new Long2LongHashMap(-1);
    /** Original message ids with a redriven copy in the journal. */
    public final LongHashSet redriven = new LongHashSet();
    /** More dead letters matched than {@code maxCandidates}. */
    public boolean truncated;

    /**
     * @param reason  a {@code Reason} code, or -1 for any.
     * @param channel a channel code, or 0 for any.
     */
    public DeadLetterScan(final long fromMs, final long toMs, final int reason, final byte channel, final int maxCandidates)
    {
        this.fromMs = fromMs;
        this.toMs = toMs;
        this.reason = reason;
        this.channel = channel;
        this.maxCandidates = maxCandidates;
    }

    public static boolean isDeadLetter(final DeliveryState s)
    {
        return s == DeliveryState.FAILED || s == DeliveryState.EXPIRED || s == DeliveryState.REJECTED;
    }

    @Override
    public void onAccepted(final long messageId, final AcceptedRecord r)
    {
        final int keyLength = r.body[SubmitDescriptor.FIXED_LENGTH] & 0xFF;
        final int keyAt = SubmitDescriptor.FIXED_LENGTH + 1;
        if (keyLength <= PREFIX.length || keyLength > PREFIX.length + 19)
        {
            return;
        }
        long origin = 0;
        for (int i = 0; i < keyLength; i++)
        {
            final byte b = r.body[keyAt + i];
            if (i < PREFIX.length)
            {
                if (b != PREFIX[i])
                {
                    return;
                }
            }
            else if (b >= '0' && b <= '9')
            {
                origin = origin * 10 + (b - '0');
            }
            else
            {
                return;
            }
        }
        redriven.add(origin);
    }

    @Override
    public void onState(
        final long messageId, final byte state, final byte attempts, final byte channel, final short reason, final long atMs)
    {
        final DeliveryState s = DeliveryState.of(state);
        if (s == DeliveryState.RETRYING)
        {
            retrying.put(messageId, reason & 0xFFFF);
            return;
        }
        if (s == null || !s.isTerminal())
        {
            return;
        }
        final int cause = (int)retrying.remove(messageId);
        if (!isDeadLetter(s) || atMs < fromMs || atMs >= toMs
            || (this.reason >= 0 && this.reason != (reason & 0xFFFF) && this.reason != cause)
            || (this.channel != 0 && this.channel != channel))
        {
            return;
        }
        if (candidates.size() >= maxCandidates)
        {
            truncated = true;
            return;
        }
        candidates.addLong(messageId);
        details.addInt((reason & 0xFFFF) | (channel & 0xFF) << 16 | (state & 0xFF) << 24);
        causes.addInt(cause);
    }
}
