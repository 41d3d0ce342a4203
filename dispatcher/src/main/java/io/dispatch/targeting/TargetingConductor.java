package io.dispatch.targeting;

import io.dispatch.config.TemplateRegistry;
import io.dispatch.config.TenantRegistry;
import io.dispatch.directory.Directory;
import io.dispatch.policy.RecipientDirectory;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.status.CampaignStats;
import io.dispatch.status.CancelledCampaigns;
import io.dispatch.status.DistinctErrorLog;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * The targeting thread: the single writer of the recipient directory and the runner of campaigns. It applies
 * DIRECTORY_UPDATE batches (validate, apply whole or not at all, journal, answer), answers campaign requests,
 * fans running campaigns out into the dispatch ring, and writes directory snapshots. Segment evaluation and
 * fan-out run here, never on the ring's threads, so a 10M-recipient segment cannot stall a message's ACK.
 * <p>
 * Consent a batch takes away ({@link ConsentRestrictions}), and the addresses it gives to or takes from a recipient
 * ({@link AddressLinks}, for per-person frequency caps), go to the policy stage's address map as CONSENT events
 * through the ring ({@link ConsentPublisher}). The batch is journaled and answered only once the message
 * journal holds them, and nothing else runs here meanwhile (docs/design/directory.md, "Durability").
 */
public final class TargetingConductor implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(TargetingConductor.class);
    private static final int REQUESTS_PER_CYCLE = 64;
    /** How long closing waits for a batch's restrictions to be journaled before leaving the batch unjournaled. */
    private static final long CLOSE_WAIT_MS = 3_000;

    private final ManyToOneConcurrentArrayQueue<TargetingRequest> inbox;
    private final DirectoryJournal journal;
    private final DirectoryRecords records = new DirectoryRecords();
    private final Path snapshotFile;
    private final long snapshotEveryOps;
    private final TenantRegistry tenants;
    private final EpochClock clock;
    private final DistinctErrorLog errors;
    private final DirectoryOp op = new DirectoryOp();
    private final int[] rejectedIndexes = new int[DirectoryOp.MAX_BATCH_COUNT];
    private final ErrorCode[] rejectedCodes = new ErrorCode[DirectoryOp.MAX_BATCH_COUNT];
    private final String[] problems = new String[DirectoryOp.MAX_BATCH_COUNT];
    private final TargetingMetrics metrics;
    private final long[] recipientsByTenant = new long[io.dispatch.config.TenantConfig.MAX_TENANTS];

    private final TemplateRegistry templates;
    private final CampaignFanout fanout;
    private final CampaignStats stats;
    private final long maxStartAheadMs;
    private final CancelledCampaigns cancelled;
    private final ConsentBodies restrictionBodies = new ConsentBodies();
    private final ConsentRestrictions restrictions = new ConsentRestrictions(restrictionBodies);
    /** Address links go through the ring with the restrictions, in op order. */
    private final AddressLinks links = new AddressLinks(restrictionBodies);
    private final ConsentPublisher restrictionPublisher;
    private final DirectoryCapacity capacity;
    /** A batch applied and waiting for its restrictions to be journaled; null when none. */
    private TargetingRequest pendingUpdate;
    private int pendingApplied;
    private int pendingRejected;
    private Directory directory;
    private Campaigns campaigns;
    private long opsSinceSnapshot;
    private long lastIndex = -1;
    /** Cluster mode: campaigns fan out only to the recipients of this node's partitions; null on a single node. */
    private final ClusterTargeting cluster;

    /**
     * Loads the directory (snapshot, then the queue's tail) and the campaigns; runs on the caller's thread,
     * before the targeting thread starts.
     *
     * @param cluster cluster mode's (ClusterHooks.targeting); null on a single node.
     */
    public TargetingConductor(final Path dataDir, final String rollCycle, final int inboxCapacity,
        final long snapshotEveryOps, final long maxRecipients, final TenantRegistry tenants, final TemplateRegistry templates,
        final CampaignFanout fanout, final ConsentPublisher restrictionPublisher, final CampaignStats stats,
        final CancelledCampaigns cancelled, final long maxStartAheadMs, final EpochClock clock,
        final DistinctErrorLog errors, final ClusterTargeting cluster)
    {
        this.cluster = cluster;
        this.cancelled = cancelled;
        this.restrictionPublisher = restrictionPublisher;
        this.capacity = new DirectoryCapacity(maxRecipients);
        this.inbox = new ManyToOneConcurrentArrayQueue<>(inboxCapacity);
        this.journal = new DirectoryJournal(dataDir.resolve("directory"), rollCycle);
        this.snapshotFile = dataDir.resolve("directory-snapshot").resolve("directory.snap");
        this.snapshotEveryOps = snapshotEveryOps;
        this.tenants = tenants;
        this.clock = clock;
        this.errors = errors;
        this.templates = templates;
        this.fanout = fanout;
        this.stats = stats;
        this.maxStartAheadMs = maxStartAheadMs;
        this.metrics = new TargetingMetrics(stats);
    }

    /**
     * Start-up, after {@link #load} and before the message journal's recovery (the ring is not running): links the
     * address of every live recipient to its person in the policy stage's address map, for per-person frequency
     * caps ({@link AddressLinks#linkAll}).
     *
     * @return how many addresses were linked.
     */
    public long linkAddresses(final RecipientDirectory map)
    {
        long linked = 0;
        for (final int tenantId : directory.tenantIds())
        {
            linked += links.linkAll(directory.tenant(tenantId), tenantId, map);
        }
        return linked;
    }

    /**
     * Loads the snapshot, replays the directory queue and puts the campaigns back where they were. Cancelled
     * campaigns are in {@link CancelledCampaigns} when it returns: call it before the message journal's
     * recovery hands messages to the lanes and the scheduler.
     */
    public Directory load() throws IOException
    {
        final long start = System.nanoTime();
        directory = Files.exists(snapshotFile) ? Directory.readSnapshot(snapshotFile) : new Directory();
        campaigns = new Campaigns(directory, journal, records, fanout, stats, templates, tenants, maxStartAheadMs,
            metrics, cancelled, cluster);
        final long snapshotIndex = directory.snapshotJournalIndex();
        final long[] applied = {0};
        final long records = journal.replay((index, b, length) ->
        {
            lastIndex = index;
            if (b[0] == DirectoryRecords.OPS)
            {
                if (index > snapshotIndex)
                {
                    applied[0] += replayOps(b, length);
                }
            }
            else
            {
                campaigns.replay(index, b, length);
            }
        });
        campaigns.afterReplay(clock.time());
        for (int t = 1; t < recipientsByTenant.length; t++)
        {
            countRecipients(t);
        }
        opsSinceSnapshot = applied[0];
        LOG.info("event=directory_loaded snapshot_index={} records={} ops_replayed={} took_ms={} recipients={} max_recipients={}",
            snapshotIndex, records, applied[0], (System.nanoTime() - start) / 1_000_000, metrics.recipients.get(),
            capacity.maxRecipients());
        return directory;
    }

    /** @return whether a campaign can still fan out (recovery keeps only such campaigns' keys). */
    public boolean campaignResumable(final long campaignId)
    {
        return campaigns.isResumable(campaignId);
    }

    /** @return the stats slot of a campaign for the message journal's recovery (before this thread starts). */
    public int campaignSlot(final long campaignId)
    {
        return campaigns.slotOf(campaignId);
    }

    /**
     * A push connector reported {@code recipient} ({@code apns:<token>} or {@code fcm:<token>}) gone: mark
     * the token invalid in the tenant's directory. Any thread; dropped (and counted) when the inbox is full.
     */
    public void tokenUnregistered(final int tenantId, final String recipient)
    {
        final int colon = recipient.indexOf(':');
        if (tenantId == 0 || colon < 0)
        {
            return;
        }
        final io.dispatch.protocol.DirectoryOpWriter op = new io.dispatch.protocol.DirectoryOpWriter()
            .invalidateToken(recipient.substring(0, colon), recipient.substring(colon + 1));
        // a DIRECTORY_UPDATE body of one op: the same path as a client's update, with nobody to answer
        final byte[] batch = new byte[DirectoryOp.BATCH_HEADER_LENGTH + 2 + op.length()];
        batch[0] = 1;
        batch[DirectoryOp.BATCH_HEADER_LENGTH] = (byte)op.length();
        batch[DirectoryOp.BATCH_HEADER_LENGTH + 1] = (byte)(op.length() >>> 8);
        System.arraycopy(op.buffer(), 0, batch, DirectoryOp.BATCH_HEADER_LENGTH + 2, op.length());
        if (!offer(new TargetingRequest(TargetingRequest.DIRECTORY_UPDATE, tenantId, null, 0, batch)))
        {
            metrics.opsRejected.incrementAndGet();
        }
    }

    /** @return false when the inbox is full: the caller answers BACKPRESSURE. Any thread. */
    public boolean offer(final TargetingRequest request)
    {
        return inbox.offer(request);
    }

    /** Recipients and consent read back from the directory journal, for audits; any thread. */
    public DirectoryLedger ledger()
    {
        return new DirectoryLedger(journal.queue());
    }

    public TargetingMetrics metrics()
    {
        return metrics;
    }

    private void countRecipients(final int tenantId)
    {
        final long now = directory.tenant(tenantId).size();
        metrics.recipients.addAndGet(now - recipientsByTenant[tenantId]);
        recipientsByTenant[tenantId] = now;
    }

    @Override
    public int doWork()
    {
        if (pendingUpdate != null)
        {
            // nothing else runs meanwhile: a campaign started now could name recipients the batch created, and its
            // record must not reach the directory journal before the batch's
            return publishRestrictions();
        }
        int work = 0;
        TargetingRequest r;
        while (pendingUpdate == null && work < REQUESTS_PER_CYCLE && (r = inbox.poll()) != null)
        {
            onRequest(r);
            work++;
        }
        work += campaigns.doWork(clock.time());
        if (opsSinceSnapshot >= snapshotEveryOps)
        {
            snapshot();
        }
        return work;
    }

    private void onRequest(final TargetingRequest r)
    {
        try
        {
            switch (r.type)
            {
                case TargetingRequest.DIRECTORY_UPDATE:
                    onUpdate(r);
                    break;
                case TargetingRequest.CAMPAIGN:
                    campaigns.onCampaign(r, clock.time());
                    break;
                case TargetingRequest.CAMPAIGN_CONTROL:
                    campaigns.onControl(r, clock.time());
                    break;
                case TargetingRequest.CAMPAIGN_STATS:
                    campaigns.onStats(r);
                    break;
                case TargetingRequest.CAMPAIGN_TAKE_OVER:
                    campaigns.onTakeOver(r, clock.time());
                    break;
                case TargetingRequest.CAMPAIGN_HAND_OVER:
                    campaigns.onHandOver(r);
                    break;
                default:
                    Answers.nack(r.requester, r.correlationId, ErrorCode.INTERNAL, "unknown request " + r.type);
            }
        }
        catch (final RuntimeException ex)
        {
            if (pendingUpdate == r)
            {
                pendingUpdate = null;
            }
            errors.record("targeting_request_failed", ex);
            Answers.nack(r.requester, r.correlationId, ErrorCode.INTERNAL, "request failed: " + ex);
        }
    }

    /**
     * Applies a batch: each op validated and applied whole or not at all; the applied ones journaled as one
     * record, then answered, once the consent they take away is journaled in the message journal. (A
     * connector's token invalidation is a batch of one with nobody to answer.)
     */
    private void onUpdate(final TargetingRequest r)
    {
        final byte[] b = r.body;
        final long now = clock.time();
        final int count = DirectoryRecords.u16(b, 0);
        restrictionBodies.clear();
        capacity.startBatch(metrics.recipients.get(), count);
        int p = DirectoryOp.BATCH_HEADER_LENGTH;
        records.start(DirectoryRecords.OPS).i64(now).str8(tenants.nameBytes(r.tenantId));
        final int countAt = records.length();
        records.u16(0);
        int applied = 0;
        int rejected = 0;
        for (int i = 0; i < count; i++)
        {
            final int length = DirectoryRecords.u16(b, p);
            final int at = p + 2;
            p = at + length;
            String problem = op.wrap(b, at, length).validate();
            ErrorCode code = ErrorCode.INVALID_FIELD;
            if (problem == null)
            {
                problem = capacity.refusal(directory.tenant(r.tenantId), op);
                code = ErrorCode.DIRECTORY_FULL;
            }
            if (problem == null)
            {
                restrictions.before(directory.tenant(r.tenantId), op);
                links.before(directory.tenant(r.tenantId), op);
                problem = directory.apply(r.tenantId, op, now);
                code = ErrorCode.INVALID_FIELD;
            }
            if (problem != null)
            {
                rejectedIndexes[rejected] = i;
                rejectedCodes[rejected] = code;
                problems[rejected++] = problem;
                continue;
            }
            capacity.applied();
            restrictions.after(directory.tenant(r.tenantId), op);
            links.after(directory.tenant(r.tenantId), op);
            records.u16(length).bytes(b, at, length);
            applied++;
        }
        records.putU16(countAt, applied);
        pendingUpdate = r;
        pendingApplied = applied;
        pendingRejected = rejected;
        if (restrictionBodies.isEmpty())
        {
            finishUpdate();
            return;
        }
        restrictionPublisher.start(restrictionBodies, r.tenantId);
        publishRestrictions();
    }

    /** Publishes what the ring window takes of the pending batch's restrictions; finishes the batch once journaled. */
    private int publishRestrictions()
    {
        final long now = clock.time();
        final int work = restrictionPublisher.publish(now);
        if (restrictionPublisher.journaled(now))
        {
            metrics.restrictionsPublished.addAndGet(restrictionBodies.count() - restrictionBodies.links());
            finishUpdate();
            return work + 1;
        }
        return work;
    }

    /**
     * Journals the pending batch's applied ops (after their restrictions, so a kill in between leaves the address
     * map stricter than the directory, never looser), then answers.
     */
    private void finishUpdate()
    {
        final TargetingRequest r = pendingUpdate;
        pendingUpdate = null;
        restrictionBodies.clear();
        try
        {
            if (pendingApplied > 0)
            {
                lastIndex = journal.append(records.array(), records.length());
                opsSinceSnapshot += pendingApplied;
            }
        }
        catch (final RuntimeException ex)
        {
            errors.record("targeting_request_failed", ex);
            Answers.nack(r.requester, r.correlationId, ErrorCode.INTERNAL, "request failed: " + ex);
            return;
        }
        metrics.opsApplied.addAndGet(pendingApplied);
        metrics.opsRejected.addAndGet(pendingRejected);
        countRecipients(r.tenantId);
        Answers.directoryResult(r.requester, r.correlationId, pendingApplied, rejectedIndexes, rejectedCodes, problems,
            pendingRejected);
    }

    private int replayOps(final byte[] b, final int length)
    {
        final int tenantLength = b[9] & 0xFF;
        final int tenantId = tenants.idOf(new String(b, 10, tenantLength, StandardCharsets.UTF_8));
        final long atMs = DirectoryRecords.i64(b, 1);
        int p = 10 + tenantLength;
        final int count = DirectoryRecords.u16(b, p);
        p += 2;
        for (int i = 0; i < count; i++)
        {
            final int n = DirectoryRecords.u16(b, p);
            String problem = op.wrap(b, p + 2, n).validate();
            if (problem == null)
            {
                problem = directory.apply(tenantId, op, atMs);
            }
            // a journaled op was applied once; if it no longer applies, the engine's rules changed under it
            if (problem != null)
            {
                errors.record("directory_replay_op_failed", new IllegalStateException(problem));
            }
            p += 2 + n;
        }
        return count;
    }

    /** Writes a snapshot covering everything journaled so far (blocks this thread for its duration). */
    public void snapshot()
    {
        if (lastIndex < 0)
        {
            return;
        }
        final long start = System.nanoTime();
        try
        {
            Files.createDirectories(snapshotFile.getParent());
            directory.writeSnapshot(snapshotFile, lastIndex);
            LOG.info("event=directory_snapshot index={} took_ms={}", lastIndex, (System.nanoTime() - start) / 1_000_000);
        }
        catch (final IOException | RuntimeException ex)
        {
            errors.record("directory_snapshot_failed", ex);
        }
        opsSinceSnapshot = 0;
    }

    @Override
    public void onClose()
    {
        // the ring is still running (the engine closes it after this thread): let a pending batch finish
        final long deadline = System.nanoTime() + CLOSE_WAIT_MS * 1_000_000;
        while (pendingUpdate != null && System.nanoTime() < deadline)
        {
            publishRestrictions();
            LockSupport.parkNanos(1_000_000);
        }
        if (pendingUpdate != null)
        {
            // applied in memory only: a snapshot would record it without its restrictions; the client retries
            LOG.warn("event=directory_update_not_journaled reason=restrictions_not_journaled_before_close");
        }
        else if (opsSinceSnapshot > 0)
        {
            snapshot();
        }
        journal.close();
    }

    @Override
    public String roleName()
    {
        return "targeting";
    }
}
