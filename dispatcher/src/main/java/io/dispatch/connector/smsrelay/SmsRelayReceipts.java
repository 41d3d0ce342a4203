package io.dispatch.connector.smsrelay;

import io.dispatch.connector.ReceiptSink;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.dispatch.util.DeadlineFifo;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns relay results into receipts keyed by our message id, and ends messages whose result never comes after
 * their type's receipt timeout (SMS 25 h, LMS/MMS 80 h at NHN, plus an hour), which one lane-wide timeout cannot.
 * <p>
 * A result is matched by its {@code recipientGroupingKey}: our message id, or {@code id:part/parts} for a split
 * message, whose last part's result decides DELIVERED and any part's failure FAILED. A result that overtakes the
 * send answer is held until the answer arrives, so the runtime always sees PROVIDER_ACCEPTED first.
 * <p>
 * <b>Threading:</b> confined to the connector's event loop (answers, webhook requests and the timeout tick all run
 * there); only the counters are read from other threads. The per-type timeouts live in memory: after a restart the
 * lane's own {@code receiptTimeoutMs} (set it to the LMS value) ends what was in flight.
 */
final class SmsRelayReceipts
{
    private record Early(DeliveryState state, Reason reason)
    {
    }

    private final ReceiptSink sink;
    private final LongHashSet awaitingAnswer = new LongHashSet();
    private final Long2ObjectHashMap<Early> early = new Long2ObjectHashMap<>();
    private final LongHashSet awaitingResult = new LongHashSet();
    // a result ends the wait: its deadline is dropped when the FIFO fills, not kept for the type's whole timeout
    private final DeadlineFifo smsDeadlines = new DeadlineFifo(1024, awaitingResult::contains);
    private final DeadlineFifo lmsDeadlines = new DeadlineFifo(1024, awaitingResult::contains);
    private final long smsTimeoutMs;
    private final long lmsTimeoutMs;

    final AtomicLong results = new AtomicLong();
    final AtomicLong unmatched = new AtomicLong();
    final AtomicLong pending = new AtomicLong();
    final AtomicLong timedOut = new AtomicLong();

    SmsRelayReceipts(final ReceiptSink sink, final long smsTimeoutMs, final long lmsTimeoutMs)
    {
        this.sink = sink;
        this.smsTimeoutMs = smsTimeoutMs;
        this.lmsTimeoutMs = lmsTimeoutMs;
    }

    void onSending(final long messageId)
    {
        awaitingAnswer.add(messageId);
    }

    /** After the send's callback: starts the type's receipt clock, and releases a result that came first. */
    void onAnswered(final long messageId, final boolean accepted, final SmsType type, final long nowMs)
    {
        awaitingAnswer.remove(messageId);
        final Early held = early.remove(messageId);
        if (!accepted)
        {
            return;
        }
        if (held != null)
        {
            sink.onReceipt(messageId, held.state, held.reason);
            return;
        }
        awaitingResult.add(messageId);
        if (type == SmsType.SMS)
        {
            smsDeadlines.add(messageId, null, nowMs + smsTimeoutMs);
        }
        else
        {
            lmsDeadlines.add(messageId, null, nowMs + lmsTimeoutMs);
        }
    }

    /**
     * One result of a webhook.
     *
     * @param groupingKey the hook's {@code recipientGroupingKey}.
     */
    void onResult(final String groupingKey, final SmsRelayResultCodes.Result result)
    {
        results.incrementAndGet();
        final long id = messageId(groupingKey);
        if (id < 0)
        {
            unmatched.incrementAndGet();
            return;
        }
        if (result.state() == null || result.state() == DeliveryState.DELIVERED && !lastPart(groupingKey))
        {
            // not final, a blocked duplicate, or an earlier part of a split message delivered: the last part decides
            pending.incrementAndGet();
            return;
        }
        if (awaitingAnswer.contains(id))
        {
            if (!early.containsKey(id))
            {
                early.put(id, new Early(result.state(), result.reason()));
            }
            return;
        }
        awaitingResult.remove(id);
        sink.onReceipt(id, result.state(), result.reason());
    }

    /** Ends messages whose type's receipt timeout passed without a result. */
    void expire(final long nowMs)
    {
        expire(smsDeadlines, nowMs);
        expire(lmsDeadlines, nowMs);
    }

    private void expire(final DeadlineFifo deadlines, final long nowMs)
    {
        while (deadlines.headExpired(nowMs))
        {
            final long id = deadlines.headValue();
            deadlines.removeHead();
            if (awaitingResult.remove(id))
            {
                timedOut.incrementAndGet();
                sink.onReceipt(id, DeliveryState.EXPIRED, Reason.RECEIPT_TIMEOUT);
            }
        }
    }

    /** @return the message id of a grouping key ({@code 42} or {@code 42:2/3}), or -1. */
    static long messageId(final String key)
    {
        if (key == null || key.isEmpty())
        {
            return -1;
        }
        final int colon = key.indexOf(':');
        try
        {
            return Long.parseLong(colon < 0 ? key : key.substring(0, colon));
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    static boolean lastPart(final String key)
    {
        final int colon = key.indexOf(':');
        if (colon < 0)
        {
            return true;
        }
        final int slash = key.indexOf('/', colon);
        return slash > 0 && key.substring(colon + 1, slash).equals(key.substring(slash + 1));
    }
}
