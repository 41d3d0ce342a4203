package io.dispatch.cluster;

import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.targeting.Requester;
import io.dispatch.targeting.TargetingRequest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Campaigns across the cluster (docs/design/cluster.md, "Directory and campaigns"). A client's start, pause, resume
 * or cancel, on any node, is written to the campaigns topic (one partition, so every node sees one order); every
 * node reads it from its start with no group and runs each request on its own targeting thread, where a campaign
 * fans out to the directory rows of the partitions the node owns. The node the client reached answers it once its
 * own targeting thread did. A campaign's cluster id is the offset of its first start record, plus 1.
 * <p>
 * Each node publishes its own counters of each campaign on the same topic (keyed by campaign and node, so
 * compaction keeps the latest); a client's CAMPAIGN_STATS, and every answer, is this node's counters plus the latest
 * of every other node.
 * <p>
 * Records: key {@code S}+tenant+0+name, value {@code S}, token, origin, tenant, CAMPAIGN body; key {@code C}+id,
 * value {@code C}, token, origin, id, action; key {@code N}+id+node, value {@code N}, 0, node, id, counters.
 * <p>
 * When the node gains a partition ({@link #partitionGained}, once its directory rows and handled marks are read),
 * every campaign not cancelled is taken over on it here: the node's targeting thread adds the recipients of that
 * partition no owner handled yet to the campaign's remaining audience (and creates the campaign here first if this
 * node never ran it).
 */
final class ClusterCampaigns implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterCampaigns.class);
    private static final byte START = 'S';
    private static final byte CONTROL = 'C';
    private static final byte COUNTERS = 'N';
    private static final long STATS_EVERY_MS = 500;
    /** A client whose request this node wrote and has not read back by then gets BACKPRESSURE. */
    private static final long PENDING_TIMEOUT_MS = 15_000;

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final String node;
    private final LocalTargeting local;
    private final ClusterTargetingRoute route;
    /** Partitions gained, with their handled marks, for this reader's thread to take over once caught up. */
    private final java.util.Queue<Gained> gained = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** The last control action of each campaign (pause, resume, cancel), history included. */
    private final Map<Long, Byte> lastAction = new ConcurrentHashMap<>();
    private final Map<String, Entry> byName = new ConcurrentHashMap<>();
    private final Map<Long, Entry> byId = new ConcurrentHashMap<>();
    /** Campaign id → node → that node's latest published counters (this node's own included). */
    private final Map<Long, Map<String, CampaignCounters>> published = new ConcurrentHashMap<>();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong(System.nanoTime());
    /** Before the end as of the start: the last control of each campaign, applied once caught up. */
    private final Map<Long, Byte> historyControls = new LinkedHashMap<>();
    private long endAtStart = -1;
    private boolean caughtUp;
    private long statsAtMs;
    private volatile boolean running = true;

    /**
     * A campaign the cluster knows; {@code localId} is 0 when it does not run on this node; {@code tenant} and {@code
     * body} are its start record's, for a takeover.
     */
    private record Entry(long id, int tenantId, String name, long localId, String tenant, byte[] body)
    {
    }

    private record Gained(int partition, Map<String, java.util.Set<String>> handled)
    {
    }

    private record Pending(Requester to, long correlationId, long atNanos)
    {
    }

    ClusterCampaigns(final KafkaProducer<byte[], byte[]> producer, final KafkaConsumer<byte[], byte[]> consumer,
        final String topic, final String node, final LocalTargeting local, final ClusterTargetingRoute route)
    {
        this.route = route;
        this.producer = producer;
        this.consumer = consumer;
        this.partition = new TopicPartition(topic, 0);
        this.node = node;
        this.local = local;
    }

    // ---- a client's request, on its session's event loop ----

    boolean start(final TargetingRequest r, final byte[] tenantName)
    {
        final byte[] body = r.body();
        if ((body[CampaignDescriptor.FLAGS_OFFSET] & CampaignDescriptor.FLAG_DRY_RUN) != 0)
        {
            return local.offer(r, 0); // explained here, over this node's directory
        }
        final String name = new String(body, CampaignDescriptor.NAME_OFFSET + 1, body[CampaignDescriptor.NAME_OFFSET] & 0xFF,
            StandardCharsets.UTF_8);
        final Entry known = byName.get(nameKey(r.tenantId(), name));
        if (known != null)
        {
            answer(known, r.requester(), r.correlationId()); // names are idempotent: the campaign that has it
            return true;
        }
        final byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        final byte[] key = ByteBuffer.allocate(2 + tenantName.length + nameBytes.length).put(START).put(tenantName)
            .put((byte)0).put(nameBytes).array();
        final ByteBuffer v = header(START, tenantName.length + 1 + body.length);
        v.put((byte)tenantName.length).put(tenantName).put(body);
        return write(key, v, r);
    }

    boolean control(final TargetingRequest r)
    {
        final byte[] body = r.body();
        if (body.length != 9)
        {
            CampaignCounters.nack(r.requester(), r.correlationId(), ErrorCode.MALFORMED_FRAME,
                "CAMPAIGN_CONTROL body must be 9 bytes");
            return true;
        }
        final long id = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        final Entry e = byId.get(id);
        if (e == null || e.tenantId != r.tenantId())
        {
            CampaignCounters.nack(r.requester(), r.correlationId(), ErrorCode.NOT_FOUND,
                "no campaign " + id + " for this tenant");
            return true;
        }
        final ByteBuffer v = header(CONTROL, 9);
        v.putLong(id).put(body[8]);
        return write(ByteBuffer.allocate(9).put(CONTROL).putLong(id).array(), v, r);
    }

    boolean stats(final TargetingRequest r)
    {
        final byte[] body = r.body();
        if (body.length < 9)
        {
            CampaignCounters.nack(r.requester(), r.correlationId(), ErrorCode.MALFORMED_FRAME,
                "CAMPAIGN_STATS body shorter than 9 bytes");
            return true;
        }
        final long id = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        final Entry e = id != 0 ? byId.get(id) : body.length == 9 + (body[8] & 0xFF)
            ? byName.get(nameKey(r.tenantId(), new String(body, 9, body[8] & 0xFF, StandardCharsets.UTF_8))) : null;
        if (e == null || e.tenantId != r.tenantId())
        {
            CampaignCounters.nack(r.requester(), r.correlationId(), ErrorCode.NOT_FOUND,
                id != 0 ? "no campaign " + id + " for this tenant" : "no campaign of that name");
            return true;
        }
        answer(e, r.requester(), r.correlationId());
        return true;
    }

    /** @return the campaign's counters on this node as last published (tests and the admin page), null if none. */
    CampaignCounters localCounters(final long campaignId)
    {
        final Map<String, CampaignCounters> nodes = published.get(campaignId);
        return nodes == null ? null : nodes.get(node);
    }

    /** Asks this node's targeting thread for its counters and answers with the sum over the nodes (no wait here). */
    private void answer(final Entry e, final Requester to, final long correlationId)
    {
        if (e.localId == 0)
        {
            final CampaignCounters others = othersSum(e.id, null);
            if (others == null)
            {
                CampaignCounters.nack(to, correlationId, ErrorCode.NOT_FOUND, "campaign " + e.id + " has no counters yet");
                return;
            }
            others.answer(to, correlationId);
            return;
        }
        final LocalTargeting.Capture capture = new LocalTargeting.Capture();
        capture.answer.thenAccept(frame -> answerWith(e, frame, to, correlationId));
        if (!local.offer(new TargetingRequest(TargetingRequest.CAMPAIGN_STATS, e.tenantId, capture, 0, statsBody(e)), 0))
        {
            CampaignCounters.nack(to, correlationId, ErrorCode.BACKPRESSURE, "directory busy: retry");
        }
    }

    private void answerWith(final Entry e, final byte[] localFrame, final Requester to, final long correlationId)
    {
        final CampaignCounters mine = CampaignCounters.ofFrame(localFrame);
        if (mine == null)
        {
            CampaignCounters.forward(localFrame, to, correlationId);
            return;
        }
        othersSum(e.id, mine).answer(to, correlationId);
    }

    /** @return {@code mine} (or the first other node's state) plus the latest counters of every other node. */
    private CampaignCounters othersSum(final long id, final CampaignCounters mine)
    {
        CampaignCounters sum = mine == null ? null : new CampaignCounters(id, mine.state(), mine.counters());
        final Map<String, CampaignCounters> nodes = published.get(id);
        if (nodes != null)
        {
            for (final Map.Entry<String, CampaignCounters> n : nodes.entrySet())
            {
                if (!n.getKey().equals(node))
                {
                    sum = sum == null ? new CampaignCounters(id, n.getValue().state(), n.getValue().counters())
                        : sum.plus(n.getValue(), id);
                }
            }
        }
        return sum;
    }

    private ByteBuffer header(final byte kind, final int rest)
    {
        final byte[] origin = node.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(10 + origin.length + rest).order(ByteOrder.LITTLE_ENDIAN).put(kind)
            .putLong(0).put((byte)origin.length).put(origin);
    }

    /** Writes a client's request with a token naming it here; the client is answered when it is read back. */
    private boolean write(final byte[] key, final ByteBuffer value, final TargetingRequest r)
    {
        final long token = tokens.incrementAndGet();
        value.putLong(1, token);
        pending.put(token, new Pending(r.requester(), r.correlationId(), System.nanoTime()));
        try
        {
            producer.send(new ProducerRecord<>(partition.topic(), 0, key, value.array()), (metadata, ex) ->
            {
                if (ex != null)
                {
                    failed(token);
                }
            });
        }
        catch (final KafkaException ex)
        {
            failed(token);
        }
        return true;
    }

    private void failed(final long token)
    {
        final Pending p = pending.remove(token);
        if (p != null)
        {
            CampaignCounters.nack(p.to, p.correlationId, ErrorCode.BACKPRESSURE, "campaign request not written to Kafka: retry");
        }
    }

    // ---- the campaigns topic, on this reader's thread ----

    @Override
    public void run()
    {
        try
        {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            endAtStart = consumer.endOffsets(List.of(partition)).get(partition);
            while (running)
            {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100)))
                {
                    try
                    {
                        handle(r);
                    }
                    catch (final java.nio.BufferUnderflowException | IndexOutOfBoundsException ex)
                    {
                        // written by something else than a node of this version: one line each, never the reader
                        LOG.warn("event=cluster_record_skipped reason=broken_campaign_record offset={}", r.offset());
                    }
                }
                if (!caughtUp && consumer.position(partition) >= endAtStart)
                {
                    caughtUp = true;
                    historyControls.forEach((id, action) -> apply(id, action, null));
                    historyControls.clear();
                }
                Gained g;
                while (caughtUp && running && (g = gained.poll()) != null)
                {
                    takeOver(g);
                }
                final long now = System.currentTimeMillis();
                if (caughtUp && now - statsAtMs >= STATS_EVERY_MS)
                {
                    statsAtMs = now;
                    publishCounters();
                    expirePending();
                }
            }
        }
        catch (final WakeupException ex)
        {
            // stopping: this node's last counters (a graceful stop moved recipients to other nodes) for the sums
            if (caughtUp)
            {
                try
                {
                    publishCounters();
                }
                catch (final RuntimeException failed)
                {
                    LOG.warn("event=cluster_campaign_counters_unpublished error=\"{}\"", failed.toString());
                }
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.error("event=cluster_campaigns_reader_failed error={} (campaign requests stop reaching this node; " +
                "restart it)", ex.toString());
        }
        finally
        {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    void stop()
    {
        running = false;
        consumer.wakeup();
    }

    private void handle(final ConsumerRecord<byte[], byte[]> r)
    {
        if (r.value() == null)
        {
            return;
        }
        final ByteBuffer v = ByteBuffer.wrap(r.value()).order(ByteOrder.LITTLE_ENDIAN);
        final byte kind = v.get();
        final long token = v.getLong();
        final byte[] origin = new byte[v.get() & 0xFF];
        v.get(origin);
        final boolean mine = node.equals(new String(origin, StandardCharsets.UTF_8));
        final boolean history = r.offset() < endAtStart;
        switch (kind)
        {
            case START:
            {
                final byte[] tenant = new byte[v.get() & 0xFF];
                v.get(tenant);
                final byte[] body = new byte[v.remaining()];
                v.get(body);
                onStart(r.offset(), new String(tenant, StandardCharsets.UTF_8), body, history,
                    mine && !history ? pending.remove(token) : null);
                break;
            }
            case CONTROL:
            {
                final long id = v.getLong();
                final byte action = v.get();
                lastAction.put(id, action);
                if (history)
                {
                    historyControls.remove(id);
                    historyControls.put(id, action);
                }
                else
                {
                    apply(id, action, mine ? pending.remove(token) : null);
                }
                break;
            }
            case COUNTERS:
            {
                // this node's own are kept when published: one read back may already be older than that
                if (!mine)
                {
                    final long id = v.getLong();
                    published.computeIfAbsent(id, k -> new ConcurrentHashMap<>())
                        .put(new String(origin, StandardCharsets.UTF_8), CampaignCounters.read(id, v));
                }
                break;
            }
            default:
                break;
        }
    }

    /**
     * Starts the campaign here (a record read live), or looks up whether it ran here (a record from before this
     * node's start: a node that was not running then does not start it now, the other nodes' audiences cover
     * every recipient of that time).
     */
    private void onStart(final long offset, final String tenant, final byte[] body, final boolean history,
        final Pending client)
    {
        final int tenantId = local.tenantId(tenant);
        final String name = new String(body, CampaignDescriptor.NAME_OFFSET + 1,
            body[CampaignDescriptor.NAME_OFFSET] & 0xFF, StandardCharsets.UTF_8);
        if (tenantId == 0)
        {
            LOG.warn("event=cluster_record_skipped reason=unknown_tenant tenant={} what=campaign name={} " +
                "fix=\"give every node the same tenants and lanes\"", tenant, name);
            return;
        }
        final byte[] frame = history
            ? local.call(TargetingRequest.CAMPAIGN_STATS, tenantId, statsBody(0, name))
            : local.call(TargetingRequest.CAMPAIGN, tenantId, body);
        final CampaignCounters here = CampaignCounters.ofFrame(frame);
        Entry e = byName.get(nameKey(tenantId, name));
        if (e == null && (here != null || history))
        {
            // the first start record of a name is the campaign; a later one (two nodes at once) joins it
            // offset + 1: an id of 0 means "by name" in CAMPAIGN_STATS
            e = new Entry(offset + 1, tenantId, name, here == null ? 0 : here.campaignId(), tenant, body);
            byName.put(nameKey(tenantId, name), e);
            byId.put(e.id, e);
        }
        else if (e != null && e.localId == 0 && here != null)
        {
            e = new Entry(e.id, tenantId, name, here.campaignId(), tenant, body);
            byName.put(nameKey(tenantId, name), e);
            byId.put(e.id, e);
        }
        if (client != null)
        {
            reply(e, frame, here, client);
        }
    }

    /**
     * Directory follower's thread: the node owns the partition and has read its rows and handled marks; the campaigns
     * are taken over on it by this reader's thread, in its loop.
     */
    void partitionGained(final int partition, final Map<String, java.util.Set<String>> handled)
    {
        gained.add(new Gained(partition, handled));
    }

    /** Every campaign not cancelled: the recipients of the partition no owner handled yet are fanned out here. */
    private void takeOver(final Gained g)
    {
        for (final Entry e : new java.util.ArrayList<>(byId.values()))
        {
            final Byte action = lastAction.get(e.id);
            if (e.body == null || (action != null && action == CampaignDescriptor.ACTION_CANCEL))
            {
                continue;
            }
            route.takeOver(new ClusterTargetingRoute.TakeOver(g.partition,
                g.handled.getOrDefault(HandledMarks.campaignKey(e.tenant, e.name), java.util.Set.of())));
            final byte[] frame;
            try
            {
                final byte[] body = new byte[1 + e.body.length];
                body[0] = (byte)(action != null && action == CampaignDescriptor.ACTION_PAUSE
                    ? TargetingRequest.TAKE_OVER_PAUSED : 0);
                System.arraycopy(e.body, 0, body, 1, e.body.length);
                frame = local.call(TargetingRequest.CAMPAIGN_TAKE_OVER, e.tenantId, body);
            }
            finally
            {
                route.takeOver(null);
            }
            final CampaignCounters here = CampaignCounters.ofFrame(frame);
            if (here == null)
            {
                LOG.warn("event=cluster_campaign_take_over_failed id={} partition={} (the targeting thread did not " +
                    "take it: the partition's remaining recipients wait for its next owner)", e.id, g.partition);
                continue;
            }
            if (e.localId == 0)
            {
                // created here by the takeover: it follows the cluster's controls from now on, the last one at once
                final Entry joined = new Entry(e.id, e.tenantId, e.name, here.campaignId(), e.tenant, e.body);
                byName.put(nameKey(e.tenantId, e.name), joined);
                byId.put(e.id, joined);
            }
        }
        statsAtMs = 0;
    }

    /** Runs a pause, resume or cancel here; answers the client when this node wrote it. */
    private void apply(final long id, final byte action, final Pending client)
    {
        final Entry e = byId.get(id);
        if (e == null || e.localId == 0)
        {
            if (client != null)
            {
                if (e == null)
                {
                    CampaignCounters.nack(client.to, client.correlationId, ErrorCode.NOT_FOUND, "no campaign " + id);
                }
                else
                {
                    answer(e, client.to, client.correlationId);
                }
            }
            return;
        }
        final ByteBuffer body = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN).putLong(e.localId).put(action);
        final byte[] frame = local.call(TargetingRequest.CAMPAIGN_CONTROL, e.tenantId, body.array());
        if (client != null)
        {
            reply(e, frame, CampaignCounters.ofFrame(frame), client);
        }
        // the other nodes see the new state at once, not at the next round
        statsAtMs = 0;
    }

    private void reply(final Entry e, final byte[] frame, final CampaignCounters here, final Pending client)
    {
        if (frame == null)
        {
            CampaignCounters.nack(client.to, client.correlationId, ErrorCode.BACKPRESSURE,
                "this node's targeting thread did not answer in time: retry");
        }
        else if (here == null || e == null)
        {
            CampaignCounters.forward(frame, client.to, client.correlationId);
        }
        else
        {
            othersSum(e.id, here).answer(client.to, client.correlationId);
        }
    }

    /** Publishes this node's counters of each campaign running here that changed since last time. */
    private void publishCounters()
    {
        for (final Entry e : byId.values())
        {
            if (e.localId == 0)
            {
                continue;
            }
            final CampaignCounters now = CampaignCounters.ofFrame(
                local.call(TargetingRequest.CAMPAIGN_STATS, e.tenantId, statsBody(e)));
            if (now == null)
            {
                continue;
            }
            final CampaignCounters mine = new CampaignCounters(e.id, now.state(), now.counters());
            final Map<String, CampaignCounters> nodes = published.computeIfAbsent(e.id, k -> new ConcurrentHashMap<>());
            if (mine.equals(nodes.get(node)))
            {
                continue;
            }
            nodes.put(node, mine);
            final ByteBuffer v = header(COUNTERS, 8 + mine.length());
            v.putLong(e.id);
            mine.write(v);
            final byte[] origin = node.getBytes(StandardCharsets.UTF_8);
            final byte[] key = ByteBuffer.allocate(9 + origin.length).put(COUNTERS).putLong(e.id).put(origin).array();
            try
            {
                producer.send(new ProducerRecord<>(partition.topic(), 0, key, v.array()));
            }
            catch (final KafkaException ex)
            {
                nodes.remove(node); // written again next round
            }
        }
    }

    private void expirePending()
    {
        final long now = System.nanoTime();
        pending.entrySet().removeIf(p ->
        {
            if (now - p.getValue().atNanos < TimeUnit.MILLISECONDS.toNanos(PENDING_TIMEOUT_MS))
            {
                return false;
            }
            CampaignCounters.nack(p.getValue().to, p.getValue().correlationId, ErrorCode.BACKPRESSURE,
                "the campaign request was not read back from Kafka in time: retry");
            return true;
        });
    }

    private static byte[] statsBody(final Entry e)
    {
        return statsBody(e.localId, "");
    }

    private static byte[] statsBody(final long localId, final String name)
    {
        final byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(9 + n.length).order(ByteOrder.LITTLE_ENDIAN).putLong(localId).put((byte)n.length)
            .put(n).array();
    }

    private static String nameKey(final int tenantId, final String name)
    {
        return tenantId + "/" + name;
    }
}
