package io.dispatch.schedule;

import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.MarketingShare;
import io.dispatch.ring.RingPort;
import io.dispatch.status.CancelledCampaigns;
import io.dispatch.status.LaneAdmission;
import org.agrona.BitUtil;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

/**
 * Holds deferred messages (send-at, night window, rate limit) in a {@link DueQueue}, a min-heap by (due time,
 * message id) whose memory is proportional to the messages held however many share a due time, and publishes
 * each into the dispatch ring as a RELEASE event when it is due, where the policy stage decides again (consent
 * may have been withdrawn meanwhile; opt-out always wins).
 * <p>
 * Single writer: the scheduler thread owns the queue and the entries. The hand-off stage adds entries through
 * a one-to-one ring buffer ({@link #defer}), never touching the queue. Cancellation is the policy stage's:
 * a cancelled message's RELEASE is ignored there. The messages of a cancelled campaign are made due at once
 * and published as CANCEL events instead of releases, which the policy stage ends CANCELLED. When the ring is
 * above its high-water mark or the target lane is full, the due messages not yet published wait in the due
 * buffer and are retried on the next duty cycle (backpressure, not loss).
 * <p>
 * The queue gives due messages up in (due time, id) order; the due ones taken in one duty cycle are published in
 * message id order (= acceptance order), and those held back by backpressure stay in that sorted buffer, so a
 * message that comes due meanwhile with a lower id goes before them. Lanes keep per-recipient order by the order
 * messages reach them (docs/design/per-recipient-order.md).
 * <p>
 * A due time is honoured on the first duty cycle at or after it (no ticks).
 */
public final class Scheduler implements Agent
{
    private static final int RECORD_LENGTH = 48;
    private static final int MSG_DEFER = 1;
    private static final long NO_SLOT = -1;
    private static final int EXPIRIES_PER_CYCLE = 4096;

    /** Fills a slot with the due message being published: a RELEASE, or a CANCEL for a cancelled campaign's. */
    static final EventTranslatorOneArg<DispatchEvent, Scheduler> DUE = Scheduler::translate;

    private RingBuffer<DispatchEvent> ring;
    private LongSupplier handedOff;
    private final RingPort port;
    private final LaneAdmission[] admissionByChannel;
    /** The ring's marketing share, which due marketing takes like a client's or a campaign's; null for none. */
    private final MarketingShare marketing;
    private final EpochClock clock;
    private final OneToOneRingBuffer inbox;
    private final UnsafeBuffer record = new UnsafeBuffer(ByteBuffer.allocateDirect(RECORD_LENGTH));
    private final DueQueue queue = new DueQueue();
    private final DeferredMessages entries = new DeferredMessages();
    private final CancelledCampaigns.Watch cancelled;
    private final IntPredicate inCancelledCampaign;
    /** Taken off the queue, not yet published: message ids, sorted before publishing, and their entry slots. */
    private final long[] dueIds = new long[EXPIRIES_PER_CYCLE];
    private final Long2LongHashMap slotByDueId = new Long2LongHashMap(EXPIRIES_PER_CYCLE * 2, 0.65f, NO_SLOT);
    private int dueCount;
    /** The due message {@link #DUE} reads: its id, entry slot and whether its campaign was cancelled. */
    private long publishingId;
    private int publishingSlot;
    private boolean publishingCancel;
    private boolean publishingMarketingSlot;
    private volatile long pending;

    /** @param port the scheduler's ring port: publishes only while it has room ({@code RingPorts#scheduler}). */
    public Scheduler(
        final RingPort port, final LaneAdmission[] admissionByChannel, final EpochClock clock,
        final int inboxCapacityBytes,
        final CancelledCampaigns cancellations)
    {
        this(port, admissionByChannel, clock, inboxCapacityBytes, cancellations, null);
    }

    /**
     * @param marketing the ring's marketing share ({@code RingPorts#marketing}): a due marketing message holds a slot
     *                  of it, as clients' and campaigns' do, so a night's deferred campaign released at once in the
     *                  morning queues no more ahead of an OTP than they may; null for no share (tests).
     */
    public Scheduler(
        final RingPort port, final LaneAdmission[] admissionByChannel, final EpochClock clock,
        final int inboxCapacityBytes,
        final CancelledCampaigns cancellations, final MarketingShare marketing)
    {
        this.marketing = marketing;
        this.cancelled = cancellations.newWatch();
        this.inCancelledCampaign = (slot) -> cancelled.isCancelled(entries.campaignId(slot));
        this.port = port;
        this.admissionByChannel = admissionByChannel;
        this.clock = clock;
        final int capacity = BitUtil.findNextPositivePowerOfTwo(inboxCapacityBytes) + RingBufferDescriptor.TRAILER_LENGTH;
        this.inbox = new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(capacity)));
    }

    /** The ring the releases go to; set once before the scheduler thread starts (the ring needs the stages first). */
    public void ring(final RingBuffer<DispatchEvent> ring)
    {
        this.ring = ring;
        this.handedOff = ring::getMinimumGatingSequence;
    }

    /**
     * Called by the one producer (the hand-off stage, or recovery before the scheduler starts).
     *
     * @return false when the inbox is full; the caller retries.
     */
    public boolean defer(final long messageId, final long dueAtMs, final long recipientKey, final long deadlineMs,
        final int tenantId, final int kind, final int channel, final boolean prepaid, final int consentOverride,
        final long campaignId)
    {
        final UnsafeBuffer b = record;
        b.putLong(0, messageId, ByteOrder.LITTLE_ENDIAN);
        b.putLong(8, dueAtMs, ByteOrder.LITTLE_ENDIAN);
        b.putLong(16, recipientKey, ByteOrder.LITTLE_ENDIAN);
        b.putLong(24, deadlineMs, ByteOrder.LITTLE_ENDIAN);
        b.putInt(32, tenantId << 16 | (kind & 0xF) << 12 | (channel & 0xF) << 8 | (prepaid ? 1 : 0), ByteOrder.LITTLE_ENDIAN);
        b.putInt(36, consentOverride, ByteOrder.LITTLE_ENDIAN);
        b.putLong(40, campaignId, ByteOrder.LITTLE_ENDIAN);
        return inbox.write(MSG_DEFER, b, 0, RECORD_LENGTH);
    }

    /** Recovery, before the scheduler thread starts: straight into the queue, however many there are. */
    public void recover(final long messageId, final long dueAtMs, final long recipientKey, final long deadlineMs,
        final int tenantId, final int kind, final int channel, final boolean prepaid, final int consentOverride,
        final long campaignId)
    {
        final int slot = entries.add(recipientKey, deadlineMs, tenantId, kind, channel, prepaid,
            consentOverride, campaignId);
        queue.add(dueAtMs, messageId, slot);
        pending = entries.size();
    }

    @Override
    public int doWork()
    {
        cancelled.refresh();
        // read before the inbox: once the ring has handed off a cancellation's messages, they are in the inbox
        final boolean sweep = cancelled.sweepDue(handedOff);
        final int added = inbox.read(this::onDefer, 4096);
        final long now = clock.time();
        final int cancelledNow = sweep ? makeCancelledDue(now) : 0;
        // taking due messages off the queue stops when the due buffer is full (backpressure held it)
        final int taken = takeDue(now);
        final int released = publishDue();
        if (added > 0 || released > 0)
        {
            pending = entries.size();
        }
        return added + released + taken + cancelledNow;
    }

    /** Makes cancelled campaigns' messages due now: they leave as CANCELs on this duty cycle. */
    private int makeCancelledDue(final long now)
    {
        return queue.makeDue(inCancelledCampaign, now);
    }

    private int takeDue(final long now)
    {
        int taken = 0;
        while (dueCount < EXPIRIES_PER_CYCLE && queue.hasDue(now))
        {
            final long messageId = queue.peekMessageId();
            final int slot = queue.poll();
            dueIds[dueCount++] = messageId;
            slotByDueId.put(messageId, slot);
            taken++;
        }
        return taken;
    }

    private void onDefer(final int msgTypeId, final org.agrona.MutableDirectBuffer b, final int index, final int length)
    {
        final long messageId = b.getLong(index, ByteOrder.LITTLE_ENDIAN);
        final long dueAt = b.getLong(index + 8, ByteOrder.LITTLE_ENDIAN);
        final int packed = b.getInt(index + 32, ByteOrder.LITTLE_ENDIAN);
        final int slot = entries.add(b.getLong(index + 16, ByteOrder.LITTLE_ENDIAN),
            b.getLong(index + 24, ByteOrder.LITTLE_ENDIAN), packed >>> 16, (packed >>> 12) & 0xF, (packed >>> 8) & 0xF,
            (packed & 1) != 0, b.getInt(index + 36, ByteOrder.LITTLE_ENDIAN), b.getLong(index + 40, ByteOrder.LITTLE_ENDIAN));
        queue.add(dueAt, messageId, slot);
    }

    /**
     * Publishes the due messages in id order until backpressure stops it; the rest wait, in id order. Marketing held
     * back (its lane share or the ring's marketing share is full) holds back only the marketing after it: an
     * informational or auth message never waits behind marketing (docs/design/class-isolation.md), and marketing
     * keeps its own order. @return how many were published.
     */
    private int publishDue()
    {
        if (dueCount == 0)
        {
            return 0;
        }
        java.util.Arrays.sort(dueIds, 0, dueCount);
        int published = 0;
        int kept = 0;
        boolean marketingWaits = false;
        for (int i = 0; i < dueCount; i++)
        {
            final long messageId = dueIds[i];
            final int slot = (int)slotByDueId.get(messageId);
            final boolean isMarketing = entries.kind(slot) == MessageKind.MARKETING.code();
            if (!(isMarketing && marketingWaits) && publish(messageId, slot))
            {
                published++;
                continue;
            }
            if (!isMarketing)
            {
                // the ring or this message's lane is full: everything after it waits as well
                System.arraycopy(dueIds, i, dueIds, kept, dueCount - i);
                kept += dueCount - i;
                break;
            }
            marketingWaits = true;
            dueIds[kept++] = messageId;
        }
        dueCount = kept;
        return published;
    }

    private boolean publish(final long messageId, final int slot)
    {
        final int channel = entries.channel(slot);
        // a cancelled campaign's message is not going to a lane: it needs no admission
        final boolean cancel = cancelled.isCancelled(entries.campaignId(slot));
        if (!port.hasRoom(ring))
        {
            return false;
        }
        final LaneAdmission admission = admissionByChannel[channel];
        final boolean isPriority = entries.kind(slot) != MessageKind.MARKETING.code();
        if (!cancel && !admission.tryAcquire(isPriority))
        {
            return false;
        }
        final boolean marketingSlot = !cancel && !isPriority && marketing != null;
        if (marketingSlot && !marketing.tryTake())
        {
            admission.release(false);
            return false;
        }
        publishingId = messageId;
        publishingSlot = slot;
        publishingCancel = cancel;
        publishingMarketingSlot = marketingSlot;
        if (port.tryPublish(ring, DUE, this) == RingPort.NO_ROOM)
        {
            if (marketingSlot)
            {
                marketing.untake();
            }
            if (!cancel)
            {
                admission.release(isPriority);
            }
            return false;
        }
        slotByDueId.remove(messageId);
        entries.free(slot);
        return true;
    }

    private static void translate(final DispatchEvent e, final long sequence, final Scheduler s)
    {
        final DeferredMessages entries = s.entries;
        final int slot = s.publishingSlot;
        // correlation id 0: no forwarded request (cluster mode's StateTap#cancelled)
        e.reset(s.publishingCancel ? DispatchEvent.CANCEL : DispatchEvent.RELEASE);
        e.marketingSlot = s.publishingMarketingSlot; // the ack stage gives it back
        e.messageId = s.publishingId;
        e.recipientKey = entries.recipientKey(slot);
        e.deadlineMs = entries.deadlineMs(slot);
        e.tenantId = entries.tenantId(slot);
        e.kind = (byte)entries.kind(slot);
        e.channel = (byte)entries.channel(slot);
        e.prepaid = entries.prepaid(slot);
        e.consentOverride = entries.consentOverride(slot);
        e.campaignId = entries.campaignId(slot);
    }

    @Override
    public void onClose()
    {
        cancelled.close();
    }

    /** @return deferred messages held (read by metrics from any thread). */
    public long pending()
    {
        return pending;
    }

    /** @return the queue's capacity in messages (tests: the footprint follows the messages held). */
    int queueCapacity()
    {
        return queue.capacity();
    }

    @Override
    public String roleName()
    {
        return "dispatch-scheduler";
    }
}
