package io.dispatch.connector.smpp;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.dispatch.connector.ReceiptSink;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *   <li>Ids meet through their canonical keys ({@link ProviderIds}): a hex id in the submit_sm_resp matches the
 *       same number written in decimal in the receipt, or the reverse, in whichever order the two arrive.</li>
 *   <li>A part accepted without an id (empty or missing message_id) is not tracked: its receipt cannot be matched,
 *       so its message ends by a failed part's receipt or the lane's receipt timeout.</li>
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
        final int parts;
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

    /** One accepted part: its message, its id as the SMSC wrote it, and the keys it is found under. */
    private static final class Part
    {
        final Tracking tracking;
        final String rawId;
        final String[] keys;
        private final AtomicBoolean claimed = new AtomicBoolean();

        Part(final Tracking tracking, final String rawId, final String[] keys)
        {
            this.tracking = tracking;
            this.rawId = rawId;
            this.keys = keys;
        }

        /** @return true for the one receipt that speaks for this part (a part may be found under two keys). */
        boolean claim()
        {
            return claimed.compareAndSet(false, true);
        }
    }

    /** A final receipt that came before its submit_sm_resp, under each of its keys. */
    private static final class Early
    {
        final DeliveryReceipts.Receipt receipt;
        final String[] keys;
        private final AtomicBoolean claimed = new AtomicBoolean();

        Early(final DeliveryReceipts.Receipt receipt, final String[] keys)
        {
            this.receipt = receipt;
            this.keys = keys;
        }

        boolean claim()
        {
            return claimed.compareAndSet(false, true);
        }
    }

    private final ReceiptSink sink;
    private final CorrelationLog log;
    private final ProviderIds ids;
    private final Cache<String, Part> byKey;
    private final Cache<String, Early> early;
    /** Messages restored at start, by id: the parts still waiting, as the SMSC wrote their ids (for query_sm). */
    private final Map<Long, String[]> restored = new ConcurrentHashMap<>();

    ReceiptCorrelator(final ReceiptSink sink, final int capacity, final long ttlMs, final Ticker ticker,
        final CorrelationLog log)
    {
        this(sink, capacity, ttlMs, ticker, log, ProviderIds.AUTO);
    }

    ReceiptCorrelator(final ReceiptSink sink, final int capacity, final long ttlMs, final Ticker ticker,
        final CorrelationLog log, final ProviderIds ids)
    {
        this.log = log;
        this.ids = ids;
        // every message outcome passes here once: the log forgets the message before the runtime hears of it
        this.sink = (messageId, state, reason) ->
        {
            log.onEnded(messageId);
            sink.onReceipt(messageId, state, reason);
        };
        this.byKey = Caffeine.newBuilder()
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

    /**
     * One part of {@code tracking} was accepted under {@code providerId} as the SMSC wrote it. An empty or missing
     * id is not registered: nothing can match that part's receipt.
     */
    void register(final String providerId, final Tracking tracking)
    {
        final String[] keys = ids.submitKeys(providerId);
        if (keys.length == 0)
        {
            return;
        }
        final Part part = new Part(tracking, providerId.trim(), keys);
        byKey.put(keys[0], part);
        for (int i = 1; i < keys.length; i++)
        {
            // a second reading (auto) never displaces another part's id as written
            byKey.asMap().putIfAbsent(keys[i], part);
        }
        // a receipt that overtook this response waits under one of our keys: whoever claims it applies it
        for (final String key : keys)
        {
            final Early overtaken = early.getIfPresent(key);
            if (overtaken != null && overtaken.claim())
            {
                early.invalidateAll(Arrays.asList(overtaken.keys));
                settle(part, overtaken.receipt);
                return;
            }
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
     * {@code deliveredParts} (ids as the SMSC wrote them). @return false when no part is left to wait for.
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
        final String[] waiting = new String[providerIds.length - delivered];
        int w = 0;
        for (final String id : providerIds)
        {
            if (!deliveredParts.contains(id))
            {
                register(id, tracking);
                waiting[w++] = id;
            }
        }
        restored.put(messageId, waiting);
        tracking.arm(sink);
        return true;
    }

    /**
     * @return the ids (as the SMSC wrote them) of the parts of a message restored at start whose receipts were
     *         still awaited then, or null; each message's once.
     */
    String[] takeRestored(final long messageId)
    {
        return restored.remove(messageId);
    }

    /** Start-up is over for the restored messages nobody asked about: their ids need not be kept. */
    void forgetRestored()
    {
        restored.clear();
    }

    void onReceipt(final DeliveryReceipts.Receipt receipt)
    {
        if (receipt.state() == null)
        {
            return; // intermediate: ENROUTE, ACCEPTD
        }
        final String[] keys = ids.receiptKeys(receipt.providerId());
        for (final String key : keys)
        {
            final Part part = byKey.getIfPresent(key);
            if (part != null)
            {
                settle(part, receipt);
                return;
            }
        }
        final Early waiting = new Early(receipt, keys);
        for (final String key : keys)
        {
            early.put(key, waiting);
        }
        // the submitting thread may have registered in between: whoever claims the early entry applies it
        for (final String key : keys)
        {
            final Part late = byKey.getIfPresent(key);
            if (late != null && waiting.claim())
            {
                early.invalidateAll(Arrays.asList(keys));
                settle(late, receipt);
                return;
            }
        }
    }

    /** The first receipt found for a part ends its tracking under every key; any later one is a duplicate. */
    private void settle(final Part part, final DeliveryReceipts.Receipt receipt)
    {
        if (!part.claim())
        {
            return;
        }
        for (final String key : part.keys)
        {
            byKey.asMap().remove(key, part);
        }
        if (part.tracking.parts > 1 && receipt.state() == DeliveryState.DELIVERED)
        {
            // only delivered parts count after a restart; a part that fails ends the message (an ENDED record)
            log.onPartDelivered(part.rawId);
        }
        part.tracking.onPart(receipt.state(), receipt.reason(), sink);
    }

    /** A part's submit counts no more (its message was refused part-way): its receipt is dropped. */
    void forget(final String providerId)
    {
        for (final String key : ids.submitKeys(providerId))
        {
            byKey.invalidate(key);
        }
    }

    /** @return how many keys are tracked (a part has one or two). */
    long tracked()
    {
        byKey.cleanUp();
        return byKey.estimatedSize();
    }
}
