package io.dispatch.targeting;

import io.dispatch.config.TemplateRegistry;
import io.dispatch.config.TenantRegistry;
import io.dispatch.directory.Directory;
import io.dispatch.directory.Segment;
import io.dispatch.directory.SegmentException;
import io.dispatch.directory.TenantDirectory;
import io.dispatch.protocol.CampaignControlFlyweight;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.CampaignStatsFlyweight;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.status.CampaignStats;
import io.dispatch.status.CancelledCampaigns;
import org.agrona.collections.IntArrayQueue;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.dispatch.protocol.CampaignDescriptor.STATE_CANCELLED;
import static io.dispatch.protocol.CampaignDescriptor.STATE_EXPLAINED;
import static io.dispatch.protocol.CampaignDescriptor.STATE_FANNED_OUT;
import static io.dispatch.protocol.CampaignDescriptor.STATE_PAUSED;
import static io.dispatch.protocol.CampaignDescriptor.STATE_RUNNING;
import static io.dispatch.protocol.CampaignDescriptor.STATE_SCHEDULED;

/**
 * Every campaign of every tenant: CAMPAIGN, CAMPAIGN_CONTROL and CAMPAIGN_STATS requests, the fan-out of the
 * running ones, and their durable records in the directory queue (docs/campaigns.md). A campaign's audience is
 * resolved once, when it starts, and journaled, so a restart continues with exactly the same people from the
 * last position known to be in the message journal.
 * <p>
 * <b>Note:</b> owned by the targeting thread.
 */
final class Campaigns
{
    private static final Logger LOG = LoggerFactory.getLogger(Campaigns.class);
    /** Recipients published per campaign per duty cycle: keeps the thread responsive to other requests. */
    private static final int FAN_OUT_PER_CYCLE = 8192;
    /**
     * A progress record every this many recipients or this often, whichever comes first: what a restart
     * publishes again (and dedup answers DUPLICATE for) is at most that much.
     */
    private static final int PROGRESS_EVERY = 50_000;
    private static final long PROGRESS_EVERY_MS = 1_000;
    /** The ring's cursor before anything was published (replay runs before the ring starts). */
    private static final java.util.function.LongSupplier NOTHING_CLAIMED = () -> -1L;

    private final Directory directory;
    private final DirectoryJournal journal;
    private final DirectoryRecords records;
    private final CampaignFanout fanout;
    private final CampaignStats stats;
    private final TemplateRegistry templates;
    private final TenantRegistry tenants;
    private final long maxStartAheadMs;
    private final TargetingMetrics metrics;
    private final CancelledCampaigns cancelled;
    /** Cluster mode: which recipients are this node's to fan out to; null on one node. */
    private final ClusterTargeting cluster;
    private final byte[] recipientId = new byte[io.dispatch.protocol.DirectoryOp.MAX_ID_LENGTH];

    private final Long2ObjectHashMap<Campaign> byId = new Long2ObjectHashMap<>();
    private final Map<String, Campaign> byName = new HashMap<>();
    private final List<Campaign> active = new ArrayList<>();
    private final IntArrayQueue freeSlots = new IntArrayQueue();
    private final UnsafeBuffer requestView = new UnsafeBuffer(new byte[0]);
    private final CampaignControlFlyweight control = new CampaignControlFlyweight();
    private final CampaignStatsFlyweight statsRequest = new CampaignStatsFlyweight();
    private int nextSlot = 1;
    private boolean publishMetricsAfter;

    Campaigns(final Directory directory, final DirectoryJournal journal, final DirectoryRecords records,
        final CampaignFanout fanout, final CampaignStats stats, final TemplateRegistry templates,
        final TenantRegistry tenants, final long maxStartAheadMs, final TargetingMetrics metrics,
        final CancelledCampaigns cancelled, final ClusterTargeting cluster)
    {
        this.cluster = cluster;
        this.metrics = metrics;
        this.cancelled = cancelled;
        this.directory = directory;
        this.journal = journal;
        this.records = records;
        this.fanout = fanout;
        this.stats = stats;
        this.templates = templates;
        this.tenants = tenants;
        this.maxStartAheadMs = maxStartAheadMs;
    }

    // ---- requests ----

    void onCampaign(final TargetingRequest r, final long nowMs)
    {
        final CampaignSpec spec;
        final Segment segment;
        try
        {
            spec = CampaignSpec.parse(r.body, 0, r.body.length, templates);
            segment = directory.tenant(r.tenantId).compile(spec.segment);
        }
        catch (final CampaignSpec.Invalid ex)
        {
            Answers.nack(r.requester, r.correlationId, ErrorCode.INVALID_FIELD, ex.getMessage());
            return;
        }
        catch (final SegmentException ex)
        {
            Answers.nack(r.requester, r.correlationId, ErrorCode.INVALID_FIELD, "segment: " + ex.getMessage());
            return;
        }
        if (spec.startAtMs > nowMs + maxStartAheadMs)
        {
            Answers.nack(r.requester, r.correlationId, ErrorCode.INVALID_FIELD,
                "startAtEpochMs: more than " + maxStartAheadMs / 86_400_000L + " days ahead (schedule.maxAheadDays)");
            return;
        }
        if (spec.dryRun)
        {
            explain(r, spec, segment, nowMs);
            return;
        }
        final Campaign existing = byName.get(nameKey(r.tenantId, spec.name));
        if (existing != null)
        {
            Answers.campaignResult(r.requester, r.correlationId, existing.id, existing.state, stats, existing.slot);
            return;
        }
        records.start(DirectoryRecords.CAMPAIGN).i64(nowMs).str8(tenants.nameBytes(r.tenantId))
            .bytes(r.body, 0, r.body.length);
        final long id = journal.append(records.array(), records.length());
        final Campaign c = add(id, r.tenantId, spec);
        LOG.info("event=campaign_created id={} tenant={} name={} channels={} pacing={} start_at={}", id,
            tenants.name(r.tenantId), spec.name, channelNames(spec), spec.pacingPerSecond, spec.startAtMs);
        if (spec.startAtMs <= nowMs)
        {
            start(c, segment, nowMs);
        }
        Answers.campaignResult(r.requester, r.correlationId, c.id, c.state, stats, c.slot);
    }

    void onControl(final TargetingRequest r, final long nowMs)
    {
        final ErrorCode invalid = control.wrap(requestView(r), 0, r.body.length).validate();
        if (invalid != null)
        {
            Answers.nack(r.requester, r.correlationId, invalid, control.problem());
            return;
        }
        final Campaign c = find(r, control.campaignId());
        if (c == null)
        {
            return;
        }
        final int action = control.action();
        final byte to;
        switch (action)
        {
            case CampaignDescriptor.ACTION_PAUSE:
                to = c.state == STATE_RUNNING || c.state == STATE_SCHEDULED ? STATE_PAUSED : 0;
                break;
            case CampaignDescriptor.ACTION_RESUME:
                to = c.state == STATE_PAUSED ? (c.audience == null ? STATE_SCHEDULED : STATE_RUNNING) : 0;
                break;
            case CampaignDescriptor.ACTION_CANCEL:
                // a fanned-out campaign still has messages in the lanes and the scheduler: those are what to stop
                to = c.state == STATE_CANCELLED ? 0 : STATE_CANCELLED;
                break;
            default:
                Answers.nack(r.requester, r.correlationId, ErrorCode.INVALID_FIELD, "action " + action
                    + " (1 pause, 2 resume, 3 cancel)");
                return;
        }
        if (to == 0)
        {
            Answers.nack(r.requester, r.correlationId, ErrorCode.INVALID_FIELD,
                "action " + action + " does not apply to a " + Answers.stateName(c.state) + " campaign");
            return;
        }
        moveTo(c, to, nowMs);
        if (to == STATE_CANCELLED)
        {
            stopAcceptedMessages(c);
        }
        Answers.campaignResult(r.requester, r.correlationId, c.id, c.state, stats, c.slot);
    }

    /**
     * After the cancellation is journaled: publishes it to the lanes, the scheduler and the policy stage, which
     * end the campaign's accepted messages CANCELLED, and waits until every lane has taken it in, so that no
     * message of the campaign reaches a provider after the answer.
     */
    private void stopAcceptedMessages(final Campaign c)
    {
        cancelled.cancel(c.id, fanout::claimedSequence);
        if (!cancelled.awaitWatches())
        {
            LOG.warn("event=campaign_cancel_unacknowledged id={} (a lane or the scheduler is stuck; its sends are "
                + "still checked one by one)", c.id);
        }
    }

    void onStats(final TargetingRequest r)
    {
        final ErrorCode invalid = statsRequest.wrap(requestView(r), 0, r.body.length).validate();
        if (invalid != null)
        {
            Answers.nack(r.requester, r.correlationId, invalid, statsRequest.problem());
            return;
        }
        final long id = statsRequest.campaignId();
        Campaign c;
        if (id != 0)
        {
            c = find(r, id);
        }
        else
        {
            c = statsRequest.hasName() ? byName.get(nameKey(r.tenantId, statsRequest.name())) : null;
            if (c == null)
            {
                Answers.nack(r.requester, r.correlationId, ErrorCode.NOT_FOUND, "no campaign of that name");
            }
        }
        if (c != null)
        {
            Answers.campaignResult(r.requester, r.correlationId, c.id, c.state, stats, c.slot);
        }
    }

    /** The request's body as an Agrona buffer for the request flyweights: one view, re-wrapped per request. */
    private UnsafeBuffer requestView(final TargetingRequest r)
    {
        requestView.wrap(r.body);
        return requestView;
    }

    private Campaign find(final TargetingRequest r, final long id)
    {
        final Campaign c = byId.get(id);
        if (c == null || c.tenantId != r.tenantId)
        {
            Answers.nack(r.requester, r.correlationId, ErrorCode.NOT_FOUND, "no campaign " + id + " for this tenant");
            return null;
        }
        return c;
    }

    // ---- fan-out ----

    /** @return work done (recipients handled, campaigns started or finished). */
    int doWork(final long nowMs)
    {
        int work = 0;
        if (publishMetricsAfter)
        {
            publishMetricsAfter = false;
            publishMetrics();
        }
        for (int i = 0; i < active.size(); i++)
        {
            final Campaign c = active.get(i);
            if (c.state == STATE_SCHEDULED && c.spec.startAtMs <= nowMs)
            {
                start(c, compileQuietly(c), nowMs);
                work++;
            }
            if (c.state == STATE_RUNNING)
            {
                work += fanOut(c, nowMs);
            }
            work += recordProgress(c, nowMs);
            if (!c.isActive() && c.pendingSequence < 0 && c.explainRequester == null)
            {
                active.remove(i--);
            }
        }
        return work;
    }

    private int fanOut(final Campaign c, final long nowMs)
    {
        final TenantDirectory dir = directory.tenant(c.tenantId);
        int budget = FAN_OUT_PER_CYCLE;
        if (c.spec.pacingPerSecond > 0)
        {
            final long allowed = c.pacedFrom + (nowMs - c.pacedSinceMs) * c.spec.pacingPerSecond / 1000 - c.position;
            budget = (int)Math.max(0, Math.min(budget, allowed));
        }
        int done = 0;
        int skipped = 0;
        final byte[] tenantName = cluster == null ? null : tenants.nameBytes(c.tenantId);
        while (c.cursor.hasNext() && done + skipped < FAN_OUT_PER_CYCLE)
        {
            final int ordinal = c.cursor.peekNext();
            if (cluster != null && !fansOut(dir, tenantName, ordinal))
            {
                // its partition moved: the partition's next owner takes this recipient over, and counts it; a skip
                // sends nothing, so it takes nothing of the pacing
                stats.add(c.slot, CampaignDescriptor.COUNTER_TARGETED, -1);
                c.moved++;
                c.cursor.next();
                c.position++;
                c.pacedFrom++;
                skipped++;
                continue;
            }
            if (done >= budget)
            {
                break;
            }
            final int result = fanout.publish(c, dir, ordinal, budget - done);
            if (result == CampaignFanout.BLOCKED)
            {
                break;
            }
            if (result == CampaignFanout.UNREACHABLE)
            {
                stats.increment(c.slot, CampaignDescriptor.COUNTER_UNREACHABLE);
            }
            else if (result == CampaignFanout.SENDER_OPTED_OUT)
            {
                stats.increment(c.slot, CampaignDescriptor.COUNTER_SENDER_OPT_OUT);
            }
            else
            {
                // the status stage counts it (fanned out, decision) once journaled: exact across restarts
                c.published++;
                c.pendingSequence = fanout.lastSequence();
            }
            if (cluster != null && !c.spec.dryRun)
            {
                c.toReport.addInt(ordinal);
            }
            c.cursor.next();
            c.position++;
            done++;
        }
        fanout.flush();
        if (!c.cursor.hasNext())
        {
            c.state = c.spec.dryRun ? STATE_EXPLAINED : STATE_FANNED_OUT;
            publishMetricsAfter = true;
        }
        return done + skipped;
    }

    /**
     * Writes the position once the ring has processed (journaled) everything published before it, and ends
     * a finished campaign the same way: a restart then resumes from a position whose messages are all in the
     * message journal, and dedup answers the few after it.
     */
    private int recordProgress(final Campaign c, final long nowMs)
    {
        final boolean drained = c.pendingSequence < 0 || fanout.processedSequence() >= c.pendingSequence;
        if (c.spec.dryRun)
        {
            return c.state == STATE_EXPLAINED && drained ? finishExplain(c) : 0;
        }
        if (!drained)
        {
            return 0;
        }
        c.pendingSequence = -1;
        reportHandled(c);
        final boolean finished = c.state == STATE_FANNED_OUT && c.durablePosition < c.audience.getCardinality();
        final boolean moved = c.position > c.durablePosition;
        if (c.position - c.durablePosition >= PROGRESS_EVERY || finished
            || (moved && (c.state != STATE_RUNNING || nowMs - c.progressAtMs >= PROGRESS_EVERY_MS)))
        {
            c.progressAtMs = nowMs;
            if (c.moved != c.movedJournaled)
            {
                records.start(DirectoryRecords.CAMPAIGN_MOVED).i64(c.id).i32(c.moved);
                journal.append(records.array(), records.length());
                c.movedJournaled = c.moved;
            }
            records.start(DirectoryRecords.CAMPAIGN_PROGRESS).i64(c.id).i32(c.position)
                .i32((int)stats.get(c.slot, CampaignDescriptor.COUNTER_UNREACHABLE))
                .i32((int)stats.get(c.slot, CampaignDescriptor.COUNTER_SENDER_OPT_OUT));
            journal.append(records.array(), records.length());
            c.durablePosition = c.position;
            if (finished)
            {
                appendControl(c, STATE_FANNED_OUT, nowMs);
                LOG.info("event=campaign_fanned_out id={} targeted={} fanned_out={} unreachable={} sender_opted_out={}",
                    c.id, c.audience.getCardinality(), stats.get(c.slot, CampaignDescriptor.COUNTER_FANNED_OUT),
                    stats.get(c.slot, CampaignDescriptor.COUNTER_UNREACHABLE),
                    stats.get(c.slot, CampaignDescriptor.COUNTER_SENDER_OPT_OUT));
            }
            return 1;
        }
        return 0;
    }

    /** Cluster mode: tells the cluster which recipients' messages are journaled here, once the ring passed them. */
    private void reportHandled(final Campaign c)
    {
        if (cluster == null || c.toReport.isEmpty())
        {
            return;
        }
        final TenantDirectory dir = directory.tenant(c.tenantId);
        final byte[] tenantName = tenants.nameBytes(c.tenantId);
        for (int i = 0, n = c.toReport.size(); i < n; i++)
        {
            final int length = dir.recipientId(c.toReport.getInt(i), recipientId, 0);
            if (length > 0)
            {
                cluster.handled(c.nameBytes, tenantName, recipientId, length);
            }
        }
        c.toReport.clear();
        cluster.handledFlush();
    }

    private boolean fansOut(final TenantDirectory dir, final byte[] tenantName, final int ordinal)
    {
        final int length = dir.recipientId(ordinal, recipientId, 0);
        return length > 0 && cluster.fansOut(tenantName, recipientId, length);
    }

    /**
     * Cluster mode: a partition is being handed over and {@code ClusterTargeting.fansOut} already says no for it, so
     * nothing more of it is published; waits (bounded) until the ring has journaled what was, and reports it handled,
     * so the partition's next owner does not fan out to those recipients again.
     */
    void onHandOver(final TargetingRequest r)
    {
        int reported = 0;
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        for (final Campaign c : active)
        {
            while (c.pendingSequence >= 0 && fanout.processedSequence() < c.pendingSequence
                && System.nanoTime() < deadline)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000); // the journal stage has no event for us
            }
            if (c.pendingSequence < 0 || fanout.processedSequence() >= c.pendingSequence)
            {
                c.pendingSequence = -1;
                reported += c.toReport.size();
                reportHandled(c);
            }
            else
            {
                LOG.warn("event=campaign_hand_over_unjournaled id={} recipients={} (the ring did not pass them in " +
                    "5 s; the next owner of their partition may send them again)", c.id, c.toReport.size());
            }
        }
        Answers.directoryResult(r.requester, r.correlationId, Math.min(reported, 0xFFFF), null, null, null, 0);
    }

    /**
     * Cluster mode: this node took a partition over. Finds the campaign by name (or creates it here with an empty
     * audience: it started before this node had any of its partitions), evaluates its segment now and adds the
     * matched recipients the cluster hands over ({@code ClusterTargeting.takesOver}) to what is left of its audience,
     * and drops from it those the partition's owner meanwhile handled ({@code handledThere}). The targeted count
     * follows the recipients (added here, taken out where their partition was skipped), so the sum over the nodes is
     * the audience once every node has caught up.
     */
    void onTakeOver(final TargetingRequest r, final long nowMs)
    {
        final CampaignSpec spec;
        final Segment segment;
        try
        {
            spec = CampaignSpec.parse(r.body, 1, r.body.length - 1, templates);
            segment = directory.tenant(r.tenantId).compile(spec.segment);
        }
        catch (final CampaignSpec.Invalid | SegmentException ex)
        {
            Answers.nack(r.requester, r.correlationId, ErrorCode.INVALID_FIELD, ex.getMessage());
            return;
        }
        Campaign c = byName.get(nameKey(r.tenantId, spec.name));
        if (c == null)
        {
            if (spec.dryRun)
            {
                Answers.nack(r.requester, r.correlationId, ErrorCode.INVALID_FIELD, "a dry run is not taken over");
                return;
            }
            records.start(DirectoryRecords.CAMPAIGN).i64(nowMs).str8(tenants.nameBytes(r.tenantId))
                .bytes(r.body, 1, r.body.length - 1);
            c = add(journal.append(records.array(), records.length()), r.tenantId, spec);
            LOG.info("event=campaign_joined id={} tenant={} name={} (started before this node owned any of its " +
                "partitions)", c.id, tenants.name(r.tenantId), spec.name);
            if (spec.startAtMs <= nowMs)
            {
                // started elsewhere: this node's part is only what it takes over
                start(c, null, nowMs);
            }
            if ((r.body[0] & TargetingRequest.TAKE_OVER_PAUSED) != 0)
            {
                moveTo(c, STATE_PAUSED, nowMs); // paused across the cluster: it waits for the resume like the rest
            }
        }
        if (c.audience != null && c.state != STATE_CANCELLED)
        {
            extend(c, segment, (r.body[0] & TargetingRequest.TAKE_OVER_PAUSED) != 0, nowMs);
        }
        Answers.campaignResult(r.requester, r.correlationId, c.id, c.state, stats, c.slot);
    }

    private void extend(final Campaign c, final Segment segment, final boolean paused, final long nowMs)
    {
        final TenantDirectory dir = directory.tenant(c.tenantId);
        final byte[] tenantName = tenants.nameBytes(c.tenantId);
        // what is left of the audience: members at or after the cursor (those before it were handled or skipped)
        final RoaringBitmap rest = c.audience.clone();
        if (c.position >= c.audience.getCardinality())
        {
            rest.clear();
        }
        else if (c.position > 0)
        {
            rest.remove(0L, (long)c.audience.select(c.position - 1) + 1);
        }
        // left here, but handled by the node that had the partition meanwhile
        int dropped = 0;
        final org.roaringbitmap.IntIterator left = rest.clone().getIntIterator();
        while (left.hasNext())
        {
            final int ordinal = left.next();
            final int length = dir.recipientId(ordinal, recipientId, 0);
            if (length > 0 && cluster.handledThere(tenantName, recipientId, length))
            {
                rest.remove(ordinal);
                dropped++;
            }
        }
        int added = 0;
        final org.roaringbitmap.IntIterator it = dir.evaluate(segment, nowMs).getIntIterator();
        while (it.hasNext())
        {
            final int ordinal = it.next();
            final int length = dir.recipientId(ordinal, recipientId, 0);
            if (length > 0 && !rest.contains(ordinal) && cluster.takesOver(tenantName, recipientId, length))
            {
                rest.add(ordinal);
                added++;
            }
        }
        if (added == 0 && dropped == 0)
        {
            return;
        }
        // the targeted count follows the recipients: the node that sends them counts them
        stats.add(c.slot, CampaignDescriptor.COUNTER_TARGETED, added - dropped);
        rest.runOptimize();
        final byte[] serialized = new byte[rest.serializedSizeInBytes()];
        rest.serialize(ByteBuffer.wrap(serialized));
        records.start(DirectoryRecords.CAMPAIGN_AUDIENCE).i64(c.id).i64(nowMs)
            .i32((int)stats.get(c.slot, CampaignDescriptor.COUNTER_UNREACHABLE))
            .i32((int)stats.get(c.slot, CampaignDescriptor.COUNTER_SENDER_OPT_OUT)).i32(added - dropped)
            .bytes(serialized, 0, serialized.length);
        journal.append(records.array(), records.length());
        c.audience = rest;
        // attributes first seen in rows applied after the campaign's start (the partition's, read just now)
        fanout.resolveAttributes(c, dir);
        c.seek(0);
        c.pacedSinceMs = nowMs;
        c.resumed = true; // a recipient this node handed over earlier and takes back may meet its own journaled copy
        LOG.info("event=campaign_taken_over id={} added={} handled_elsewhere={} to_fan_out={}", c.id, added, dropped,
            rest.getCardinality());
        if (c.state == STATE_FANNED_OUT)
        {
            moveTo(c, paused ? STATE_PAUSED : STATE_RUNNING, nowMs);
        }
        else if (c.isActive() && !active.contains(c))
        {
            active.add(c);
        }
    }

    private int finishExplain(final Campaign c)
    {
        final long counted = stats.get(c.slot, CampaignDescriptor.COUNTER_DECIDED_SEND)
            + stats.get(c.slot, CampaignDescriptor.COUNTER_DECIDED_DEFER)
            + stats.get(c.slot, CampaignDescriptor.COUNTER_DECIDED_SUPPRESS)
            + stats.get(c.slot, CampaignDescriptor.COUNTER_DUPLICATE);
        if (counted < c.published)
        {
            return 0;
        }
        Answers.campaignResult(c.explainRequester, c.explainCorrelationId, 0, STATE_EXPLAINED, stats, c.slot);
        c.explainRequester = null;
        c.pendingSequence = -1;
        freeSlots.addInt(c.slot);
        return 1;
    }

    private void explain(final TargetingRequest r, final CampaignSpec spec, final Segment segment, final long nowMs)
    {
        final int slot = takeSlot();
        final Campaign c = new Campaign(0, r.tenantId, spec, slot);
        c.explainRequester = r.requester;
        c.explainCorrelationId = r.correlationId;
        begin(c, directory.tenant(r.tenantId).evaluate(segment, nowMs), nowMs);
        active.add(c);
    }

    private void start(final Campaign c, final Segment segment, final long nowMs)
    {
        final RoaringBitmap audience = segment == null ? new RoaringBitmap()
            : owned(c.tenantId, directory.tenant(c.tenantId).evaluate(segment, nowMs));
        audience.runOptimize();
        final byte[] serialized = new byte[audience.serializedSizeInBytes()];
        audience.serialize(ByteBuffer.wrap(serialized));
        records.start(DirectoryRecords.CAMPAIGN_STARTED).i64(c.id).i64(nowMs).i32(audience.getCardinality())
            .bytes(serialized, 0, serialized.length);
        journal.append(records.array(), records.length());
        begin(c, audience, nowMs);
        LOG.info("event=campaign_started id={} targeted={}", c.id, audience.getCardinality());
    }

    /**
     * Cluster mode: only the recipients of the partitions this node owns now. A node keeps the rows of partitions it
     * owned before (they are not deleted: a delete would withdraw consent), so the owner filter is applied here.
     */
    private RoaringBitmap owned(final int tenantId, final RoaringBitmap matched)
    {
        if (cluster == null)
        {
            return matched;
        }
        final TenantDirectory dir = directory.tenant(tenantId);
        final byte[] tenantName = tenants.nameBytes(tenantId);
        final RoaringBitmap owned = new RoaringBitmap();
        final org.roaringbitmap.IntIterator it = matched.getIntIterator();
        while (it.hasNext())
        {
            final int ordinal = it.next();
            final int length = dir.recipientId(ordinal, recipientId, 0);
            if (length > 0 && cluster.owns(tenantName, recipientId, length))
            {
                owned.add(ordinal);
            }
        }
        return owned;
    }

    private void begin(final Campaign c, final RoaringBitmap audience, final long nowMs)
    {
        c.audience = audience;
        c.state = STATE_RUNNING;
        publishMetricsAfter = true;
        stats.add(c.slot, CampaignDescriptor.COUNTER_TARGETED, audience.getCardinality());
        fanout.resolveAttributes(c, directory.tenant(c.tenantId));
        c.seek(0);
        c.pacedSinceMs = nowMs;
    }

    private void moveTo(final Campaign c, final byte to, final long nowMs)
    {
        appendControl(c, to, nowMs);
        c.state = to;
        if (to == STATE_RUNNING)
        {
            c.pacedFrom = c.position;
            c.pacedSinceMs = nowMs;
        }
        if (c.isActive() && !active.contains(c))
        {
            active.add(c);
        }
        LOG.info("event=campaign_state id={} state={} position={}", c.id, Answers.stateName(to), c.position);
    }

    /** Shows the campaigns' current states to the admin endpoint (on every change; campaigns are few). */
    private void publishMetrics()
    {
        final List<TargetingMetrics.CampaignInfo> infos = new ArrayList<>(byId.size());
        for (final Campaign c : byId.values())
        {
            infos.add(new TargetingMetrics.CampaignInfo(c.id, tenants.name(c.tenantId), c.spec.name, c.slot, c.state));
        }
        infos.sort(java.util.Comparator.comparingLong(TargetingMetrics.CampaignInfo::id));
        metrics.publish(infos);
    }

    private void appendControl(final Campaign c, final byte state, final long nowMs)
    {
        publishMetricsAfter = true;
        records.start(DirectoryRecords.CAMPAIGN_CONTROL).i64(c.id).i64(nowMs).u8(state);
        journal.append(records.array(), records.length());
    }

    private Campaign add(final long id, final int tenantId, final CampaignSpec spec)
    {
        final Campaign c = new Campaign(id, tenantId, spec, takeSlot());
        byId.put(id, c);
        byName.put(nameKey(tenantId, spec.name), c);
        active.add(c);
        publishMetricsAfter = true;
        return c;
    }

    private int takeSlot()
    {
        final int slot;
        if (!freeSlots.isEmpty())
        {
            slot = freeSlots.pollInt();
        }
        else if (nextSlot < CampaignStats.MAX_SLOTS)
        {
            slot = nextSlot++;
        }
        else
        {
            // every slot used: the stats of the oldest campaigns are the ones to go
            slot = 1 + (int)(byId.size() % (CampaignStats.MAX_SLOTS - 1));
        }
        stats.clear(slot);
        return slot;
    }

    private Segment compileQuietly(final Campaign c)
    {
        try
        {
            return directory.tenant(c.tenantId).compile(c.spec.segment);
        }
        catch (final SegmentException ex)
        {
            LOG.error("event=campaign_segment_invalid id={} error={}", c.id, ex.getMessage());
            return null;
        }
    }

    private static String nameKey(final int tenantId, final String name)
    {
        return tenantId + "/" + name;
    }

    private static String channelNames(final CampaignSpec spec)
    {
        final StringBuilder sb = new StringBuilder();
        for (final byte ch : spec.channels)
        {
            sb.append(sb.length() == 0 ? "" : ">").append(io.dispatch.protocol.ChannelType.of(ch).name().toLowerCase());
        }
        return sb.toString();
    }

    // ---- replay (before the targeting thread starts) ----

    void replay(final long index, final byte[] b, final int length)
    {
        switch (b[0])
        {
            case DirectoryRecords.CAMPAIGN:
            {
                final int tenantLength = b[9] & 0xFF;
                final int tenantId = tenants.idOf(new String(b, 10, tenantLength, StandardCharsets.UTF_8));
                final int at = 10 + tenantLength;
                try
                {
                    add(index, tenantId, CampaignSpec.parse(b, at, length - at, templates));
                }
                catch (final CampaignSpec.Invalid ex)
                {
                    LOG.error("event=campaign_replay_skipped id={} error={} (a template was removed?)", index,
                        ex.getMessage());
                }
                break;
            }
            case DirectoryRecords.CAMPAIGN_STARTED:
            {
                final Campaign c = byId.get(DirectoryRecords.i64(b, 1));
                if (c != null)
                {
                    final RoaringBitmap audience = new RoaringBitmap();
                    try
                    {
                        audience.deserialize(ByteBuffer.wrap(b, 21, length - 21));
                    }
                    catch (final IOException ex)
                    {
                        throw new UncheckedIOException(ex);
                    }
                    begin(c, audience, DirectoryRecords.i64(b, 9));
                }
                break;
            }
            case DirectoryRecords.CAMPAIGN_CONTROL:
            {
                final long id = DirectoryRecords.i64(b, 1);
                final Campaign c = byId.get(id);
                if (c != null)
                {
                    c.state = b[17];
                }
                if (b[17] == STATE_CANCELLED)
                {
                    // before the message journal's recovery and the lanes start: nothing of it is sent again
                    cancelled.cancel(id, NOTHING_CLAIMED);
                }
                break;
            }
            case DirectoryRecords.CAMPAIGN_AUDIENCE:
            {
                final Campaign c = byId.get(DirectoryRecords.i64(b, 1));
                if (c != null && c.audience != null)
                {
                    final RoaringBitmap audience = new RoaringBitmap();
                    try
                    {
                        audience.deserialize(ByteBuffer.wrap(b, 29, length - 29));
                    }
                    catch (final IOException ex)
                    {
                        throw new UncheckedIOException(ex);
                    }
                    // positions after it count in the new audience, the fan-out's counts as of the record
                    c.audience = audience;
                    c.durablePosition = 0;
                    c.unreachableAtProgress = DirectoryRecords.i32(b, 17);
                    c.optedOutAtProgress = DirectoryRecords.i32(b, 21);
                    stats.add(c.slot, CampaignDescriptor.COUNTER_TARGETED, DirectoryRecords.i32(b, 25));
                }
                break;
            }
            case DirectoryRecords.CAMPAIGN_MOVED:
            {
                final Campaign c = byId.get(DirectoryRecords.i64(b, 1));
                if (c != null)
                {
                    c.moved = DirectoryRecords.i32(b, 9);
                    c.movedJournaled = c.moved;
                }
                break;
            }
            case DirectoryRecords.CAMPAIGN_PROGRESS:
            {
                final Campaign c = byId.get(DirectoryRecords.i64(b, 1));
                if (c != null && c.audience != null)
                {
                    c.durablePosition = DirectoryRecords.i32(b, 9);
                    // counts as of that position: the resumed fan-out counts the rest again, exactly once
                    c.unreachableAtProgress = DirectoryRecords.i32(b, 13);
                    c.optedOutAtProgress = DirectoryRecords.i32(b, 17);
                }
                break;
            }
            default:
                break;
        }
    }

    boolean isResumable(final long campaignId)
    {
        final Campaign c = byId.get(campaignId);
        return c != null && c.audience != null && (c.isActive() || c.state == STATE_PAUSED);
    }

    /** @return the stats slot of a campaign, 0 when unknown (recovery of the message journal asks). */
    int slotOf(final long campaignId)
    {
        final Campaign c = byId.get(campaignId);
        return c == null ? 0 : c.slot;
    }

    /** After the replay: running campaigns continue from their last durable position. */
    void afterReplay(final long nowMs)
    {
        for (final Campaign c : byId.values())
        {
            if (c.audience != null)
            {
                c.seek(c.durablePosition);
                c.resumed = true;
                c.pacedSinceMs = nowMs;
                stats.add(c.slot, CampaignDescriptor.COUNTER_UNREACHABLE, c.unreachableAtProgress);
                stats.add(c.slot, CampaignDescriptor.COUNTER_TARGETED, -c.moved);
                stats.add(c.slot, CampaignDescriptor.COUNTER_SENDER_OPT_OUT, c.optedOutAtProgress);
                // attributes the snapshot brought may postdate the campaign's start record
                fanout.resolveAttributes(c, directory.tenant(c.tenantId));
                if (c.state != STATE_FANNED_OUT && c.state != STATE_CANCELLED)
                {
                    LOG.info("event=campaign_resumed id={} state={} position={} of={}", c.id,
                        Answers.stateName(c.state), c.durablePosition, c.audience.getCardinality());
                }
            }
        }
        active.removeIf(c -> !c.isActive());
        publishMetrics();
    }
}
