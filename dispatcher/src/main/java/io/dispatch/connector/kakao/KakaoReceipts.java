package io.dispatch.connector.kakao;

import io.dispatch.connector.ReceiptSink;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns relay results into receipts keyed by our message id.
 * <p>
 * A result is matched by its {@code recipientGroupingKey} (we put the message id there, so this works across
 * engine restarts), else by the relay's {@code requestId} and {@code recipientSeq} from the send answer (kept
 * for the last {@code capacity} sends). A result that overtakes the send answer, which a fast relay can do,
 * is held until the answer arrives: the runtime must see PROVIDER_ACCEPTED before the receipt.
 * <p>
 * <b>Threading:</b> confined to the connector's event loop (send answers and webhook requests both run
 * there); only the counters are read from other threads.
 */
final class KakaoReceipts
{
    private record Early(DeliveryState state, Reason reason)
    {
    }

    private final ReceiptSink sink;
    private final LongHashSet awaitingAnswer = new LongHashSet();
    private final Long2ObjectHashMap<Early> early = new Long2ObjectHashMap<>();
    private final Map<String, Long> byRequest;

    final AtomicLong results = new AtomicLong();
    final AtomicLong unmatched = new AtomicLong();
    final AtomicLong unconfirmed = new AtomicLong();

    KakaoReceipts(final ReceiptSink sink, final int capacity)
    {
        this.sink = sink;
        this.byRequest = new LinkedHashMap<>(1024, 0.75f, false)
        {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, Long> eldest)
            {
                return size() > capacity;
            }
        };
    }

    void onSending(final long messageId)
    {
        awaitingAnswer.add(messageId);
    }

    /** After the send answer's callback: releases a result that came first, or drops it when the send failed. */
    void onAnswered(final long messageId, final boolean accepted, final String requestId, final long recipientSeq)
    {
        awaitingAnswer.remove(messageId);
        if (accepted && requestId != null && recipientSeq > 0)
        {
            byRequest.put(requestId + '#' + recipientSeq, messageId);
        }
        final Early held = early.remove(messageId);
        if (accepted && held != null)
        {
            sink.onReceipt(messageId, held.state, held.reason);
        }
    }

    /** The message will get no send answer from this run (its batch is settled or past retention): stop holding for it. */
    void forget(final long messageId)
    {
        awaitingAnswer.remove(messageId);
        early.remove(messageId);
    }

    /**
     * One hook of a MESSAGE_RESULT_UPDATE webhook.
     *
     * @param messageId the id from the grouping key, or -1 when the hook has none.
     */
    void onResult(final long messageId, final String requestId, final long recipientSeq, final int resultCode)
    {
        results.incrementAndGet();
        long id = messageId;
        if (id < 0 && requestId != null)
        {
            final Long mapped = byRequest.get(requestId + '#' + recipientSeq);
            id = mapped == null ? -1 : mapped;
        }
        if (id < 0)
        {
            unmatched.incrementAndGet();
            return;
        }
        final KakaoResultCodes.Mapping m = KakaoResultCodes.classify(resultCode);
        if (m.verdict() == KakaoResultCodes.Verdict.UNCONFIRMED || m.verdict() == KakaoResultCodes.Verdict.ACCEPTED)
        {
            // 3005 (receipt not confirmed) or an in-progress code: no terminal state yet, and no fallback trigger
            unconfirmed.incrementAndGet();
            return;
        }
        final boolean delivered = m.verdict() == KakaoResultCodes.Verdict.DELIVERED;
        final DeliveryState state = delivered ? DeliveryState.DELIVERED : DeliveryState.FAILED;
        final Reason reason = delivered ? Reason.NONE : KakaoResultCodes.receiptReason(resultCode);
        if (awaitingAnswer.contains(id))
        {
            early.put(id, new Early(state, reason));
            return;
        }
        sink.onReceipt(id, state, reason);
    }
}
