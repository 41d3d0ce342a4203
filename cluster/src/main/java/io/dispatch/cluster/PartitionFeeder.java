package io.dispatch.cluster;

import io.dispatch.OwnerState;
import io.dispatch.ingest.AcceptedPublisher;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The consumer thread of a cluster node: owns the partitions the group assigns it and feeds their records, in
 * offset order, into the local ring as SUBMITs ({@link AcceptedPublisher}), where the single-node pipeline takes
 * over. It commits a partition only up to its first record not yet done ({@link PartitionProgress}: the provider
 * accepted it, or it ended), and keeps the state a new owner needs in the changelog ({@link StateChangelog}).
 * <ul>
 *   <li>Assigned: restores the partition's changelog before it consumes, then skips what an earlier owner finished,
 *       and counts what it sends that an earlier owner had in hands and may have sent.</li>
 *   <li>Revoked (a graceful hand-over): stops the partitions' sends ({@link OwnershipFence}), waits (bounded) for the
 *       sends already at a provider, writes the marks, commits, lets go. What this node held unsent is sent by the
 *       next owner: nothing twice.</li>
 *   <li>Lost (the group fenced this node): stops the partitions' sends at once, commits nothing.</li>
 * </ul>
 */
final class PartitionFeeder implements Runnable, ConsumerRebalanceListener
{
    private static final Logger LOG = LoggerFactory.getLogger(PartitionFeeder.class);
    /** How long a revoke waits for sends at a provider, and an assignment for the ring to pass what was fed. */
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(3);
    /** With nothing new to commit, the offsets are committed again this often: the group's answer renews the lease. */
    private static final long RECOMMIT_NS = TimeUnit.MILLISECONDS.toNanos(250);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AcceptedPublisher publisher;
    private final String topic;
    private final StateChangelog changelog;
    private final OwnershipFence fence;
    private final ProgressSignals signals;
    private final PartitionProgress[] byPartition;
    private final Map<TopicPartition, PartitionProgress> owned = new HashMap<>();
    private Runnable campaignHandOver = () ->
    {
    };
    private final ClusterRecords.Decoded decoded = new ClusterRecords.Decoded();
    private final Set<String> unknownTenants = new HashSet<>();
    private final ProgressSignals.Handler onSignal = this::onSignal;
    private final StateObserver observer;
    private final OwnerState owner;
    private final AcceptedEntries entries;
    private final MessageHandler onEntry = this::onEntry;
    /**
     * The {@code 'A'} and {@code 'S'} entries written or restored while owning their partition: {partition, offset,
     * expires at, the channel of an {@code 'S'} entry or -1}.
     */
    private final PriorityQueue<long[]> acceptedExpiry =
        new PriorityQueue<>(Comparator.comparingLong((long[] e) -> e[2]));
    private final AtomicLong restoredKeys = new AtomicLong();
    private final AtomicLong restoredSends = new AtomicLong();
    private final AtomicLong restoredContentKeys = new AtomicLong();
    /**
     * The cap-counted entries this process wrote or loaded ({@link #entryId}): their sends are in this node's caps
     * already, so a partition it gets back does not count them again. Forgotten when the entry expires. Feeder thread.
     */
    private final org.agrona.collections.LongHashSet countedHere = new org.agrona.collections.LongHashSet();
    /** An {@code 'A'} entry was written since the last flush: the next commit waits for it to be acknowledged. */
    private boolean acceptedUnflushed;
    private final Map<Integer, Long> batchEnds = new HashMap<>();
    private final AtomicLong fed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong owners = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private final AtomicLong skippedDone = new AtomicLong();
    private final AtomicLong restoreMillis = new AtomicLong();
    private int nextEpoch;
    /** The ring sequence of the last record fed, whatever its partition's fate since. */
    private long lastFedSequence = -1;
    private long lastCommitNs;
    private volatile boolean running = true;
    private volatile boolean feeding = true;
    private volatile int ownedCount;
    /** CANCELs other nodes forwarded into the partitions (docs/design/cluster.md); set before the thread starts. */
    private ClusterCancels cancels;

    PartitionFeeder(final KafkaConsumer<byte[], byte[]> consumer, final AcceptedPublisher publisher, final String topic,
        final StateChangelog changelog, final OwnershipFence fence, final ProgressSignals signals,
        final StateObserver observer, final AcceptedEntries entries, final OwnerState owner)
    {
        this.owner = owner;
        this.observer = observer;
        this.entries = entries;
        this.consumer = consumer;
        this.publisher = publisher;
        this.topic = topic;
        this.changelog = changelog;
        this.fence = fence;
        this.signals = signals;
        this.byPartition = new PartitionProgress[fence.partitions()];
    }

    @Override
    public void run()
    {
        try
        {
            consumer.subscribe(List.of(topic), this);
            while (running)
            {
                if (!feeding)
                {
                    // a graceful stop is waiting for the lanes: keep the partitions (and heartbeating), feed nothing
                    consumer.pause(consumer.assignment());
                }
                final ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(20));
                drainJournal();
                if (feeding && !records.isEmpty())
                {
                    markFed(records);
                }
                for (final ConsumerRecord<byte[], byte[]> r : records)
                {
                    final PartitionProgress p = owned.get(new TopicPartition(r.topic(), r.partition()));
                    if (p == null)
                    {
                        continue; // revoked or lost meanwhile: its next owner reads it from the last commit
                    }
                    if (!feeding || !feed(r, p))
                    {
                        // stopping: every partition is handed over next, committed only as far as it is done
                        break;
                    }
                }
                progress();
            }
            // a graceful stop: hand every partition over
            handOver(new HashSet<>(owned.keySet()));
        }
        catch (final WakeupException ex)
        {
            // close() while waiting in poll
        }
        catch (final RuntimeException ex)
        {
            LOG.error("event=cluster_feeder_failed error=\"{}\" effect=\"this node consumes no partition; the group" +
                " moves them to the other nodes\"", ex.toString(), ex);
            for (final PartitionProgress p : owned.values())
            {
                fence.release(p.partition);
            }
        }
        finally
        {
            try
            {
                consumer.close(Duration.ofSeconds(5));
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("event=cluster_consumer_close_failed error=\"{}\"", ex.toString());
            }
        }
    }

    void cancels(final ClusterCancels cancels)
    {
        this.cancels = cancels;
    }

    /** The first step of a graceful stop: feed nothing more, keep the partitions until {@link #stop()}. */
    void pauseFeeding()
    {
        feeding = false;
    }

    /** Asks the thread to hand its partitions over and stop; {@code join} the thread to wait for it. */
    void stop()
    {
        running = false;
    }

    long fed()
    {
        return fed.get();
    }

    long skipped()
    {
        return skipped.get();
    }

    /**
     * @return records fed after an assignment that an earlier owner had fed and not finished, nor marked unsent: it
     *         may have sent them, so each is a possible repeat (and only these are).
     */
    long redelivered()
    {
        return redelivered.get();
    }

    /** @return records an earlier owner finished (changelog) and this node therefore skipped. */
    long skippedDone()
    {
        return skippedDone.get();
    }

    /** @return the time spent restoring changelog partitions at assignments, in total. */
    long restoreMillis()
    {
        return restoreMillis.get();
    }

    int ownedPartitions()
    {
        return ownedCount;
    }

    /** @return how many assignments this node received since it started (a rebalance adds one). */
    long assignments()
    {
        return owners.get();
    }

    /**
     * Before feeding a batch: the changelog says how far the partitions were fed, acknowledged by the brokers, so a
     * new owner knows which records were never in this node's hands.
     */
    private void markFed(final ConsumerRecords<byte[], byte[]> records)
    {
        batchEnds.clear();
        for (final TopicPartition tp : records.partitions())
        {
            final List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
            batchEnds.put(tp.partition(), list.get(list.size() - 1).offset());
        }
        boolean wrote = false;
        for (final Map.Entry<Integer, Long> e : batchEnds.entrySet())
        {
            final PartitionProgress p = byPartition[e.getKey()];
            if (p != null && e.getValue() > p.fedThrough)
            {
                p.fedThrough = e.getValue();
                changelog.fedThrough(p.partition, p.fedThrough);
                wrote = true;
            }
        }
        if (wrote)
        {
            changelog.flush();
        }
    }

    /** @return false when stopping before the record could be published (it is not committed). */
    private boolean feed(final ConsumerRecord<byte[], byte[]> r, final PartitionProgress p)
    {
        final long offset = r.offset();
        if (p.restoredDone(offset))
        {
            skippedDone.incrementAndGet();
            p.append(offset, PartitionProgress.DONE, -1);
            return true;
        }
        if (cancels != null && CancelRecords.isCancel(r.value()))
        {
            // nothing to send: done once the owner's ring has it (the answer goes out on the status topic)
            final long sequence = cancels.apply(r.value(), p.lastFedSequence(), () -> running);
            if (sequence < 0)
            {
                return false;
            }
            p.append(offset, PartitionProgress.DONE, -1);
            return true;
        }
        final String broken = decoded.wrap(r.value());
        final int tenantId = broken == null ? publisher.tenantId(decoded.tenant) : -1;
        if (broken != null || tenantId < 0 || !publisher.hasLane(decoded.channel))
        {
            skip(r, broken != null ? broken : tenantId < 0 ? "tenant '" + decoded.tenant + "' is not configured on this" +
                " node" : "channel " + decoded.channel + " has no lane on this node");
            p.append(offset, PartitionProgress.DONE, -1);
            return true;
        }
        final long clusterId = ClusterMessageIds.of(r.partition(), offset);
        while (true)
        {
            final long sequence = publisher.tryPublish(tenantId, decoded.kind, decoded.channel, decoded.sendAtMs,
                decoded.bytes, decoded.bodyOffset, decoded.bodyLength, clusterId);
            if (sequence >= 0)
            {
                p.append(offset, PartitionProgress.ACTIVE, sequence);
                lastFedSequence = sequence;
                fed.incrementAndGet();
                if (p.mayRepeat(offset))
                {
                    redelivered.incrementAndGet();
                }
                return true;
            }
            if (!running)
            {
                return false;
            }
            // a full lane or ring: the records wait in Kafka, not in memory; marks and commits keep up meanwhile
            drainJournal();
            progress();
            LockSupport.parkNanos(200_000);
        }
    }

    /** Every node must have the same tenants and lanes; a record no node could send is skipped, not retried forever. */
    private void skip(final ConsumerRecord<byte[], byte[]> r, final String why)
    {
        skipped.incrementAndGet();
        if (unknownTenants.add(why))
        {
            LOG.error("event=cluster_record_skipped partition={} offset={} problem=\"{}\" fix=\"give every node the same" +
                " tenants and lanes\" (logged once per problem)", r.partition(), r.offset(), why);
        }
    }

    /**
     * What the journal thread reported: the signals first, then the accepted entries (each offered before its
     * record's signals, so every record marked done here has its entry written by the end of this).
     */
    private void drainJournal()
    {
        signals.drain(onSignal);
        entries.drain(onEntry);
    }

    private void onEntry(final int type, final MutableDirectBuffer b, final int index, final int length)
    {
        final long clusterId = b.getLong(index);
        final long atMs = b.getLong(index + 8);
        final byte[] tenant = publisher.tenantName(b.getInt(index + 16));
        final int flags = b.getByte(index + 22);
        final byte channel = b.getByte(index + 21);
        final int keyLength = b.getByte(index + AcceptedEntries.FIXED) & 0xFF;
        final int recipientLength = b.getByte(index + AcceptedEntries.FIXED + 1 + keyLength) & 0xFF;
        // the content (u16 length + bytes) follows the address as it does in the entry
        final int tail = length - AcceptedEntries.FIXED;
        final byte[] value = new byte[8 + 3 + 1 + tenant.length + tail];
        final ByteBuffer v = ByteBuffer.wrap(value);
        v.putLong(atMs).put((byte)flags).put(b.getByte(index + 20)).put(channel);
        v.put((byte)tenant.length).put(tenant);
        b.getBytes(index + AcceptedEntries.FIXED, value, v.position(), tail);
        final int partition = ClusterMessageIds.partition(clusterId);
        final long offset = ClusterMessageIds.offset(clusterId);
        final boolean later = (flags & AcceptedEntries.LATER_SEND) != 0;
        if (later)
        {
            changelog.laterSend(partition, offset, channel, value);
        }
        else
        {
            changelog.accepted(partition, offset, value);
        }
        acceptedUnflushed = true;
        if (byPartition[partition] != null)
        {
            acceptedExpiry.add(new long[] {partition, offset, atMs + retentionMs(flags), later ? channel : -1});
            if ((flags & AcceptedEntries.COUNTS_FOR_CAPS) != 0)
            {
                countedHere.add(entryId(partition, offset, later ? channel : 0));
            }
        }
    }

    /** One cap-counted entry: its record and, for an {@code 'S'} entry, its channel (channel codes start at 1). */
    private static long entryId(final int partition, final long offset, final int laterChannel)
    {
        return (long)partition << 52 | offset << 8 | (laterChannel & 0xFF);
    }

    private long retentionMs(final int flags)
    {
        return Math.max(Math.max((flags & AcceptedEntries.KEYED) != 0 ? owner.dedupHorizonMs() : 0,
            (flags & AcceptedEntries.COUNTS_FOR_CAPS) != 0 ? owner.capRetentionMs() : 0),
            (flags & AcceptedEntries.CONTENT) != 0 ? owner.contentWindowMs() : 0);
    }

    private void onSignal(final int kind, final int epoch, final long clusterId)
    {
        final PartitionProgress p = byPartition[ClusterMessageIds.partition(clusterId)];
        if (p == null || p.epoch != epoch)
        {
            return; // an earlier ownership's message
        }
        final byte state = switch (kind)
        {
            case ProgressSignals.DONE -> PartitionProgress.DONE;
            case ProgressSignals.PARKED -> PartitionProgress.PARKED;
            case ProgressSignals.DROPPED -> PartitionProgress.DROPPED;
            default -> PartitionProgress.ACTIVE;
        };
        p.mark(ClusterMessageIds.offset(clusterId), state);
    }

    /**
     * Writes the changed marks, then commits what is done (asynchronously); tombstones follow a commit. With nothing
     * new, the offsets are committed again every {@link #RECOMMIT_NS}: the group accepting a commit is what renews the
     * send lease ({@link OwnershipFence#held}).
     */
    private void progress()
    {
        final long now = System.nanoTime();
        final boolean recommit = now - lastCommitNs > RECOMMIT_NS;
        Map<TopicPartition, OffsetAndMetadata> commits = null;
        for (final Map.Entry<TopicPartition, PartitionProgress> e : owned.entrySet())
        {
            final PartitionProgress p = e.getValue();
            p.writeDirty(changelog::bucket);
            long offset = p.commitOffset() >= 0 ? p.commitOffset() : p.committed();
            if (offset < 0 && recommit)
            {
                offset = position(e.getKey()); // nothing fed or committed yet: commit where it starts, for the lease
            }
            if (offset > p.committed() || (recommit && offset >= 0))
            {
                if (commits == null)
                {
                    commits = new HashMap<>();
                }
                commits.put(e.getKey(), new OffsetAndMetadata(offset));
            }
        }
        expireAccepted();
        if (commits != null)
        {
            if (acceptedUnflushed)
            {
                // a commit passes records whose keys and cap sends only the changelog keeps from now on
                acceptedUnflushed = false;
                changelog.flush();
            }
            lastCommitNs = now;
            final Map<TopicPartition, OffsetAndMetadata> sent = commits;
            consumer.commitAsync(commits, (offsets, ex) ->
            {
                if (ex != null)
                {
                    // during a rebalance: the next owner starts from the previous commit and skips what is marked done
                    // (the new consumer passes no offsets with a failure: name what was sent)
                    LOG.info("event=cluster_commit_failed partitions={} error=\"{}\"", sent.keySet(), ex.toString());
                    return;
                }
                fence.renew(now);
                for (final Map.Entry<TopicPartition, OffsetAndMetadata> c : sent.entrySet())
                {
                    final PartitionProgress p = owned.get(c.getKey());
                    if (p != null)
                    {
                        p.committed(c.getValue().offset());
                        p.tombstoneCommitted(changelog::tombstone);
                    }
                }
            });
        }
    }

    /** Tombstones the {@code 'A'} entries of owned partitions older than the dedup horizon and every cap window. */
    private void expireAccepted()
    {
        final long nowMs = System.currentTimeMillis();
        long[] head;
        while ((head = acceptedExpiry.peek()) != null && head[2] <= nowMs)
        {
            acceptedExpiry.poll();
            countedHere.remove(entryId((int)head[0], head[1], head[3] < 0 ? 0 : (int)head[3]));
            if (byPartition[(int)head[0]] != null)
            {
                if (head[3] < 0)
                {
                    changelog.acceptedTombstone((int)head[0], head[1]);
                }
                else
                {
                    changelog.laterSendTombstone((int)head[0], head[1], (byte)head[3]);
                }
            }
        }
    }

    /**
     * An {@code 'A'} or {@code 'S'} entry to load, with the cluster id of its record, and whether its send is counted
     * (not when this process counted it already: decided here, or loaded at an earlier assignment).
     */
    private record Restore(long clusterId, boolean countSend, byte[] value)
    {
    }

    /**
     * The {@code 'A'} entries of a partition just assigned: each is tracked for its tombstone; one whose record will
     * not be fed again (below the commit, or marked done) is loaded into the engine, the rest are decided again as
     * they are fed. @return the entries to load.
     */
    private List<Restore> restoreAccepted(final PartitionProgress p, final StateChangelog.Restored restored,
        final long committed)
    {
        final List<Restore> load = new ArrayList<>();
        restored.accepted.forEach((offset, value) -> restoreEntry(p, committed, offset, -1, value, load));
        restored.laterSends.forEach((id, value) -> restoreEntry(p, committed, id >>> 8, (int)(id & 0xFF), value, load));
        return load;
    }

    /** @param laterChannel the channel of an {@code 'S'} entry, -1 for an {@code 'A'} entry. */
    private void restoreEntry(final PartitionProgress p, final long committed, final long offset,
        final int laterChannel, final byte[] value, final List<Restore> load)
    {
        final long atMs = ByteBuffer.wrap(value).getLong();
        final long expiresAt = atMs + retentionMs(value[8]);
        if (expiresAt <= System.currentTimeMillis())
        {
            if (laterChannel < 0)
            {
                changelog.acceptedTombstone(p.partition, offset);
            }
            else
            {
                changelog.laterSendTombstone(p.partition, offset, (byte)laterChannel);
            }
            return;
        }
        acceptedExpiry.add(new long[] {p.partition, offset, expiresAt, laterChannel});
        if (offset < committed || p.restoredDone(offset))
        {
            // the set is the feeder's: decided here, not on the journal thread that runs the load
            final boolean countSend = (value[8] & AcceptedEntries.COUNTS_FOR_CAPS) != 0 &&
                countedHere.add(entryId(p.partition, offset, Math.max(laterChannel, 0)));
            load.add(new Restore(ClusterMessageIds.of(p.partition, offset), countSend, value));
        }
    }

    /**
     * Journal thread (a load): forgets the keys of copies left from an earlier ownership, then records the restored
     * keys and cap sends, oldest first. Keys and recipients are hashed again with this node's tenant ids.
     */
    private void loadInto(final List<Restore> values)
    {
        observer.forgetStaleKeys();
        values.sort(Comparator.comparingLong(r -> ByteBuffer.wrap(r.value).getLong()));
        final long nowMs = System.currentTimeMillis();
        for (final Restore r : values)
        {
            final byte[] v = r.value;
            final long atMs = ByteBuffer.wrap(v).getLong();
            final int flags = v[8];
            final int nameAt = 11;
            final int nameLength = v[nameAt] & 0xFF;
            final int tenantId = publisher.tenantId(new String(v, nameAt + 1, nameLength,
                StandardCharsets.UTF_8));
            if (tenantId < 0)
            {
                continue; // logged when its records are fed
            }
            final int keyAt = nameAt + 1 + nameLength;
            final int keyLength = v[keyAt] & 0xFF;
            final int recipientAt = keyAt + 1 + keyLength;
            if ((flags & AcceptedEntries.KEYED) != 0 && atMs + owner.dedupHorizonMs() > nowMs)
            {
                // the original's cluster id: a duplicate of it is answered with that id
                owner.restoreKey(tenantId, v, keyAt + 1, keyLength, r.clusterId, atMs);
                restoredKeys.incrementAndGet();
            }
            // a send this process counted already (the partition lost and got back) is in its caps
            if (r.countSend && atMs + owner.capRetentionMs() > nowMs)
            {
                owner.restoreSend(tenantId, v[9], v[10], v, recipientAt, atMs);
                restoredSends.incrementAndGet();
            }
            if ((flags & AcceptedEntries.CONTENT) != 0 && atMs + owner.contentWindowMs() > nowMs)
            {
                // the address and the rest of the body, contiguous as the content key hashes them
                final int restAt = recipientAt + 1 + (v[recipientAt] & 0xFF);
                final int restLength = ByteBuffer.wrap(v, restAt, 2).getShort() & 0xFFFF;
                final byte[] content = new byte[restAt - recipientAt + restLength];
                System.arraycopy(v, recipientAt, content, 0, restAt - recipientAt);
                System.arraycopy(v, restAt + 2, content, restAt - recipientAt, restLength);
                owner.restoreContent(tenantId, v[10], content, 0, content.length, r.clusterId, atMs);
                restoredContentKeys.incrementAndGet();
            }
        }
    }

    /** Runs {@link #loadInto} on the journal thread and waits for it (bounded), before anything more is fed. */
    private void loadOnJournalThread(final List<Restore> values)
    {
        final long target = observer.load(() -> loadInto(values));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean nudged = false;
        while (observer.loads() < target)
        {
            if (System.nanoTime() > deadline)
            {
                LOG.warn("event=cluster_state_load_slow entries={} effect=\"fed before the restored keys and caps" +
                    " were loaded: a duplicate or a capped send may go out\"", values.size());
                return;
            }
            nudged = nudged || publisher.nudge();
            drainJournal();
            LockSupport.parkNanos(200_000);
        }
    }

    long restoredKeys()
    {
        return restoredKeys.get();
    }

    long restoredSends()
    {
        return restoredSends.get();
    }

    long restoredContentKeys()
    {
        return restoredContentKeys.get();
    }

    /** Before the thread starts: run when partitions are handed over (ClusterTargetingNode.handOver). */
    void campaignHandOver(final Runnable campaignHandOver)
    {
        this.campaignHandOver = campaignHandOver;
    }

    @Override
    public void onPartitionsAssigned(final Collection<TopicPartition> partitions)
    {
        if (partitions.isEmpty())
        {
            return;
        }
        // what this node fed from an earlier ownership of these partitions is seen by the journal thread first, under
        // that ownership's epoch: its signals are then told apart from the new ones
        awaitRing(lastFedSequence);
        final Set<TopicPartition> set = new HashSet<>(partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
        try
        {
            committed = consumer.committed(set, Duration.ofSeconds(10));
        }
        catch (final KafkaException ex)
        {
            LOG.warn("event=cluster_committed_unknown partitions={} error=\"{}\"", partitions, ex.toString());
        }
        final List<Restore> toLoad = new ArrayList<>();
        for (final TopicPartition tp : partitions)
        {
            StateChangelog.Restored restored;
            try
            {
                restored = changelog.restore(tp.partition());
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("event=cluster_state_restore_failed partition={} error=\"{}\" effect=\"records after the last" +
                    " commit are all sent again (none counted)\"", tp, ex.toString());
                restored = StateChangelog.Restored.none();
            }
            restoreMillis.addAndGet(restored.millis);
            final PartitionProgress p = new PartitionProgress(tp.partition(), ++nextEpoch, restored);
            final OffsetAndMetadata c = committed == null ? null : committed.get(tp);
            if (c != null)
            {
                p.committed(c.offset());
            }
            owned.put(tp, p);
            byPartition[tp.partition()] = p;
            toLoad.addAll(restoreAccepted(p, restored, c == null ? -1 : c.offset()));
            fence.own(tp.partition(), p.epoch);
            fence.renew(System.nanoTime()); // the group just gave them: a fresh confirmation
            LOG.info("event=cluster_state_restored partition={} records={} done_buckets={} fed_through={} committed={}" +
                " ms={}", tp, restored.records, restored.done.size(), restored.fedThrough, c == null ? -1 : c.offset(),
                restored.millis);
        }
        loadOnJournalThread(toLoad);
        ownedCount = owned.size();
        fence.owning(ownedCount);
        owners.incrementAndGet();
        LOG.info("event=cluster_partitions_assigned added={} owned={}", partitions, owned.size());
    }

    @Override
    public void onPartitionsRevoked(final Collection<TopicPartition> partitions)
    {
        handOver(partitions);
    }

    @Override
    public void onPartitionsLost(final Collection<TopicPartition> partitions)
    {
        for (final TopicPartition tp : partitions)
        {
            final PartitionProgress p = owned.remove(tp);
            if (p != null)
            {
                fence.release(tp.partition()); // at once: another node owns it now
                byPartition[tp.partition()] = null;
            }
        }
        ownedCount = owned.size();
        fence.owning(ownedCount);
        LOG.warn("event=cluster_partitions_lost partitions={} effect=\"this node sends nothing more for them; the new" +
            " owner sends what was not done here\"", partitions);
    }

    /**
     * Stops the partitions' sends, waits (bounded) until the ring has seen what was fed and no send is at a provider,
     * writes their marks, commits synchronously and lets go. What this node held unsent is the next owner's.
     */
    private void handOver(final Collection<TopicPartition> partitions)
    {
        final List<PartitionProgress> leaving = new ArrayList<>();
        long last = -1;
        for (final TopicPartition tp : partitions)
        {
            final PartitionProgress p = owned.get(tp);
            if (p != null)
            {
                leaving.add(p);
                last = Math.max(last, p.lastFedSequence());
            }
        }
        if (leaving.isEmpty())
        {
            return;
        }
        awaitRing(last);
        for (final PartitionProgress p : leaving)
        {
            fence.stopSending(p.partition);
        }
        // no campaign fans out over them from here on: what was fanned out is marked handled before they go
        campaignHandOver.run();
        final long deadline = System.nanoTime() + WAIT_NS;
        while (inFlight(leaving) > 0 && System.nanoTime() < deadline)
        {
            drainJournal();
            LockSupport.parkNanos(1_000_000); // the outcome comes on a lane thread: no event to await from here
        }
        // the outcomes journaled so far are all signalled once the ring passed them
        awaitRing(publisherCursor());
        drainJournal();
        final Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (final PartitionProgress p : leaving)
        {
            p.writeDirty(changelog::bucket);
            if (p.commitOffset() > p.committed())
            {
                commits.put(new TopicPartition(topic, p.partition), new OffsetAndMetadata(p.commitOffset()));
            }
        }
        changelog.flush();
        final int stillSending = inFlight(leaving);
        if (!commits.isEmpty())
        {
            try
            {
                consumer.commitSync(commits, Duration.ofSeconds(5));
            }
            catch (final KafkaException ex)
            {
                LOG.info("event=cluster_commit_failed partitions={} error=\"{}\" effect=\"the next owner skips what" +
                    " the changelog marks done and sends the rest\"", commits.keySet(), ex.toString());
            }
        }
        for (final PartitionProgress p : leaving)
        {
            fence.release(p.partition);
            owned.remove(new TopicPartition(topic, p.partition));
            byPartition[p.partition] = null;
        }
        ownedCount = owned.size();
        fence.owning(ownedCount);
        LOG.info("event=cluster_partitions_revoked partitions={} committed={} owned={} still_at_provider={}",
            partitions, commits.size(), owned.size(), stillSending);
    }

    private int inFlight(final List<PartitionProgress> partitions)
    {
        int n = 0;
        for (final PartitionProgress p : partitions)
        {
            n += fence.inFlight(p.partition);
        }
        return n;
    }

    /** @return the consumer's position in the partition, -1 while it does not know it yet. */
    private long position(final TopicPartition tp)
    {
        try
        {
            return consumer.position(tp, Duration.ZERO);
        }
        catch (final KafkaException ex)
        {
            return -1;
        }
    }

    private long publisherCursor()
    {
        return publisher.cursor();
    }

    /** Waits, bounded, until every ring stage passed {@code sequence}; drains signals meanwhile. */
    private void awaitRing(final long sequence)
    {
        final long deadline = System.nanoTime() + WAIT_NS;
        while (sequence >= 0 && publisher.handledThrough() < sequence && System.nanoTime() < deadline)
        {
            drainJournal();
            LockSupport.parkNanos(200_000);
        }
    }
}
