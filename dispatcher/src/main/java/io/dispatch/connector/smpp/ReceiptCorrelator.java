package io.dispatch.connector.smpp;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.dispatch.connector.ReceiptSink;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;

import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Maps SMSC message ids back to our message ids and turns part receipts into one message receipt.
 * <ul>
 *   <li>Bounded and expiring: at most {@code capacity} provider ids, each forgotten {@code ttlMs} after its
 *       submit_sm_resp; a receipt after that is dropped and the lane's receipt timeout ends the message.</li>
 *   <li>A receipt may overtake the submit_sm_resp it belongs to (another thread reads it first): it waits in a small
 *       early-receipt cache for up to a minute and is applied when the id is registered.</li>
 *   <li>A multipart message is DELIVERED when every part is; the first part that ends FAILED or EXPIRED ends the
 *       message with that state, and later part receipts are ignored.</li>
 *   <li>Nothing reaches the {@link ReceiptSink} before the message was reported accepted ({@link Tracking#arm}),
 *       so the runtime never sees a receipt for a message it does not yet await.</li>
 *   <li>Some SMSCs answer submit_sm with a hex id and write the receipt id in decimal (or the reverse): a receipt
 *       that does not match as written is tried in the other base.</li>
 *   <li>What must outlive a restart goes to a {@link CorrelationLog}: the ids of each accepted message, delivered
 *       parts, and the end of each message; {@link #restore} puts the messages still waiting back at start.</li>
 * </ul>
 * Thread-safe: registered from the submitting threads, receipts from jSMPP's PDU threads.
 */
final class ReceiptCorrelator
{
    private static final long EARLY_TTL_MS = 60_000;
    private static final int EARLY_CAPACITY = 65_536;

    /** One submitted message: its id, how many parts, and what its parts' receipts have said so far. */
    static final class Tracking
    {
        final long messageId;
        private final int parts;
        private int delivered;
        private boolean armed;
        private boolean done;
        private DeliveryState finalState;
        private Reason finalReason;

        Tracking(final long messageId, final int parts)
        {
            this(messageId, parts, 0);
        }

        private Tracking(final long messageId, final int parts, final int delivered)
        {
            this.messageId = messageId;
            this.parts = parts;
            this.delivered = delivered;
        }

        synchronized void onPart(final DeliveryState state, final Reason reason, final ReceiptSink sink)
        {
            if (finalState != null)
            {
                return;
            }
            if (state == DeliveryState.DELIVERED && ++delivered < parts)
            {
                return;
            }
            finalState = state;
            finalReason = reason;
            emit(sink);
        }

        /** The message was reported accepted: receipts may flow from now on. */
        synchronized void arm(final ReceiptSink sink)
        {
            armed = true;
            emit(sink);
        }

        /** The submit failed part-way: receipts of parts already accepted must not speak for the message. */
        synchronized void cancel()
        {
            done = true;
        }

        private void emit(final ReceiptSink sink)
        {
            if (armed && !done && finalState != null)
            {
                done = true;
                sink.onReceipt(messageId, finalState, finalReason);
            }
        }
    }

    private final ReceiptSink sink;
    private final CorrelationLog log;
    private final Cache<String, Tracking> byProviderId;
    private final Cache<String, DeliveryReceipts.Receipt> early;

    ReceiptCorrelator(final ReceiptSink sink, final int capacity, final long ttlMs, final Ticker ticker,
        final CorrelationLog log)
    {
        this.log = log;
        // every message outcome passes here once: the log forgets the message before the runtime hears of it
        this.sink = (messageId, state, reason) ->
        {
            log.onEnded(messageId);
            sink.onReceipt(messageId, state, reason);
        };
        this.byProviderId = Caffeine.newBuilder()
            .maximumSize(capacity)
            .expireAfterWrite(ttlMs, TimeUnit.MILLISECONDS)
            .executor(Runnable::run) // maintenance inline: the common pool has one worker on a small box
            .ticker(ticker)
            .build();
        this.early = Caffeine.newBuilder()
            .maximumSize(EARLY_CAPACITY)
            .expireAfterWrite(Math.min(ttlMs, EARLY_TTL_MS), TimeUnit.MILLISECONDS)
            .executor(Runnable::run)
            .ticker(ticker)
            .build();
    }

    void register(final String providerId, final Tracking tracking)
    {
        byProviderId.put(providerId, tracking);
        final DeliveryReceipts.Receipt overtaken = early.asMap().remove(providerId);
        if (overtaken != null)
        {
            byProviderId.invalidate(providerId);
            apply(providerId, tracking, overtaken);
        }
    }

    /**
     * Every part of the tracked message was accepted (its ids registered): logs the ids, before the message is
     * reported accepted so the record is on its way to disk before the runtime journals the acceptance.
     */
    void logAccepted(final Tracking tracking, final String[] providerIds, final long atMs)
    {
        log.onAccepted(tracking.messageId, providerIds, atMs);
    }

    /** The message was reported accepted: its receipts may reach the runtime from now on. */
    void arm(final Tracking tracking)
    {
        tracking.arm(sink);
    }

    /**
     * Start-up, before any bind: a message accepted before a restart waits for the receipts of its parts not in
     * {@code deliveredParts}. @return false when no part is left to wait for.
     */
    boolean restore(final long messageId, final String[] providerIds, final Set<String> deliveredParts)
    {
        int delivered = 0;
        for (final String id : providerIds)
        {
            delivered += deliveredParts.contains(id) ? 1 : 0;
        }
        if (delivered == providerIds.length)
        {
            return false;
        }
        final Tracking tracking = new Tracking(messageId, providerIds.length, delivered);
        for (final String id : providerIds)
        {
            if (!deliveredParts.contains(id))
            {
                byProviderId.put(id, tracking);
            }
        }
        tracking.arm(sink);
        return true;
    }

    void onReceipt(final DeliveryReceipts.Receipt receipt)
    {
        if (receipt.state() == null)
        {
            return; // intermediate: ENROUTE, ACCEPTD
        }
        final String id = matching(receipt.providerId());
        final Tracking tracking = byProviderId.asMap().remove(id);
        if (tracking != null)
        {
            apply(id, tracking, receipt);
            return;
        }
        final String earlyId = id == null ? receipt.providerId() : id;
        early.put(earlyId, receipt);
        // the submitting thread may have registered in between: whoever removes the early entry applies it
        final Tracking late = byProviderId.getIfPresent(earlyId);
        if (late != null && early.asMap().remove(earlyId, receipt))
        {
            byProviderId.invalidate(earlyId);
            apply(earlyId, late, receipt);
        }
    }

    private void apply(final String providerId, final Tracking tracking, final DeliveryReceipts.Receipt receipt)
    {
        if (tracking.parts > 1 && receipt.state() == DeliveryState.DELIVERED)
        {
            // only delivered parts count after a restart; a part that fails ends the message (an ENDED record)
            log.onPartDelivered(providerId);
        }
        tracking.onPart(receipt.state(), receipt.reason(), sink);
    }

    void forget(final String providerId)
    {
        byProviderId.invalidate(providerId);
    }

    long tracked()
    {
        byProviderId.cleanUp();
        return byProviderId.estimatedSize();
    }

    /** @return the registered form of {@code id}: as written, else in the other base; as written when none is known. */
    private String matching(final String id)
    {
        if (byProviderId.getIfPresent(id) != null)
        {
            return id;
        }
        try
        {
            if (id.length() <= 19 && id.chars().allMatch(Character::isDigit))
            {
                final String hex = Long.toHexString(Long.parseLong(id));
                for (final String candidate : new String[] {hex, hex.toUpperCase(java.util.Locale.ROOT)})
                {
                    if (byProviderId.getIfPresent(candidate) != null)
                    {
                        return candidate;
                    }
                }
            }
            if (id.length() <= 15)
            {
                final String decimal = Long.toString(Long.parseLong(id, 16));
                if (byProviderId.getIfPresent(decimal) != null)
                {
                    return decimal;
                }
            }
        }
        catch (final NumberFormatException ignored)
        {
            // not a number in that base: only the id as written can match
        }
        return id;
    }
}
