package io.dispatch.cluster;

import io.dispatch.ingest.AcceptedPublisher;
import io.dispatch.ingest.SessionHandler;
import io.dispatch.ingest.SessionProxy;
import io.dispatch.ring.AnswerSink;
import io.dispatch.ingest.SessionRegistry;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.Frames;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every node's reader of the status topic: it keeps the {@link StatusView} (STATUS of any cluster id), delivers the
 * receipts of the node's own subscribers (tenant scope: every message of the tenant; connection scope: the messages
 * this node acked on that connection, {@link AckedIds}), and serves the STATUS and CANCEL requests its sessions
 * routed here ({@link ClusterRouter}). It is the only producer of its sessions' receipt queues in cluster mode: the
 * status stage hands every change to the {@link ClusterStateTap} instead.
 * <p>
 * It reads every partition with no consumer group, from the end at start: each node sees each change once, so a
 * subscription gets each state of each message once (receipts are live; a node restarted misses what was published
 * while it was down, docs/design/cluster.md).
 */
final class StatusFollower implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(StatusFollower.class);
    /** How long a request about an id the status topic has not named yet waits for it (the owner may be behind). */
    static final long UNKNOWN_WAIT_NS = TimeUnit.SECONDS.toNanos(2);
    private static final Duration POLL = Duration.ofMillis(50);
    /** While receipts wait for their ACK: look again soon. */
    private static final Duration HELD_POLL = Duration.ofMillis(1);
    /** How long a forwarded CANCEL waits for the owner's answer. */
    static final long CANCEL_WAIT_NS = TimeUnit.SECONDS.toNanos(10);

    /** A STATUS or CANCEL of a cluster id from a session of this node. */
    record Request(boolean cancel, SessionHandler session, long correlationId, long id, long deadlineNs)
    {
    }

    private record HeldReceipt(long id, int tenantId, byte state, byte attempts, short reason, long atMs, byte channel,
        long deadlineNs)
    {
    }

    /** {@link #resolve}: not yet. */
    private static final AckedIds.Entry WAIT = new AckedIds.Entry(0, null);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final String clusterTopic;
    private final long nodeId;
    private final StatusView view;
    private final AckedIds acked;
    private final SessionRegistry sessions;
    private final AcceptedPublisher tenants;
    private final StatusRecords.Decoded decoded = new StatusRecords.Decoded();
    private final Queue<Request> requests = new ConcurrentLinkedQueue<>();
    private final List<Request> waiting = new ArrayList<>();
    private final Map<Long, Request> forwarded = new HashMap<>();
    /** Connection-scoped receipts whose ACK the session has not written yet, in arrival order. */
    private final List<HeldReceipt> held = new ArrayList<>();
    private final org.agrona.collections.LongHashSet waited = new org.agrona.collections.LongHashSet();
    private final Set<String> problems = new HashSet<>();
    private final AtomicLong receipts = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private long nextRequest;
    private volatile boolean running = true;
    /** History requests and answers (set before the thread starts); null: this node neither asks nor answers. */
    private ClusterHistory history;

    StatusFollower(final KafkaConsumer<byte[], byte[]> consumer, final String statusTopic, final int partitions,
        final Producer<byte[], byte[]> producer, final String clusterTopic, final long nodeId, final StatusView view,
        final AckedIds acked, final SessionRegistry sessions, final AcceptedPublisher tenants)
    {
        this.consumer = consumer;
        this.producer = producer;
        this.clusterTopic = clusterTopic;
        this.nodeId = nodeId;
        this.view = view;
        this.acked = acked;
        this.sessions = sessions;
        this.tenants = tenants;
        final List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++)
        {
            all.add(new TopicPartition(statusTopic, p));
        }
        consumer.assign(all);
        consumer.seekToEnd(all);
        for (final TopicPartition tp : all)
        {
            consumer.position(tp, Duration.ofSeconds(30)); // fixes "the end" now: nothing published after start is missed
        }
    }

    /** Any thread (a session's event loop): answered later on the session's event loop. */
    void request(final Request r)
    {
        requests.add(r);
        consumer.wakeup();
    }

    /** @return receipts this node offered to its subscribers. */
    long receipts()
    {
        return receipts.get();
    }

    /** @return state changes read from the status topic. */
    long changes()
    {
        return changes.get();
    }

    /** Before {@link #run}. */
    void history(final ClusterHistory history)
    {
        this.history = history;
    }

    void stop()
    {
        running = false;
        consumer.wakeup();
    }

    @Override
    public void run()
    {
        try
        {
            while (running)
            {
                ConsumerRecords<byte[], byte[]> records = ConsumerRecords.empty();
                try
                {
                    records = consumer.poll(held.isEmpty() ? POLL : HELD_POLL);
                }
                catch (final WakeupException ex)
                {
                    // a request arrived, or stop()
                }
                if (!held.isEmpty())
                {
                    releaseHeld();
                }
                for (final ConsumerRecord<byte[], byte[]> r : records)
                {
                    apply(r);
                }
                if (!held.isEmpty())
                {
                    releaseHeld();
                }
                serve();
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.error("event=cluster_status_follower_failed error=\"{}\" effect=\"this node delivers no receipt and" +
                " answers no STATUS of a cluster id\"", ex.toString(), ex);
        }
        finally
        {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(final ConsumerRecord<byte[], byte[]> r)
    {
        final byte[] value = r.value();
        if (ReceiptCheckpoints.isCheckpoint(value))
        {
            return; // a resumed receipt stream's, read by such streams only
        }
        if (value != null && value.length > 0 && (value[0] == ClusterHistory.REQUEST ||
            value[0] == ClusterHistory.ANSWER || value[0] == ClusterHistory.COPY))
        {
            final String broken = history == null ? null : history.onRecord(value);
            if (broken != null)
            {
                problem(r, broken);
            }
            return;
        }
        final String broken = decoded.wrap(value);
        if (broken != null)
        {
            problem(r, broken);
            return;
        }
        if (decoded.type == StatusRecords.CANCEL_RESULT)
        {
            if (decoded.origin == nodeId)
            {
                cancelled(decoded.atMs, decoded.state);
            }
            return;
        }
        if (decoded.origin != 0 && decoded.origin != nodeId)
        {
            return; // another node's own message (a campaign's), under its local id
        }
        final int tenantId = tenants.tenantId(decoded.tenant);
        if (tenantId < 0)
        {
            problem(r, "tenant '" + decoded.tenant + "' is not configured on this node");
            return;
        }
        changes.incrementAndGet();
        final long id = decoded.id;
        if (decoded.origin == 0)
        {
            view.update(id, tenantId, decoded.state, decoded.attempts, decoded.reason, decoded.atMs, decoded.channel,
                decoded.kind);
        }
        if (decoded.state == DeliveryState.ACCEPTED.code())
        {
            return; // no receipt for the acceptance: the ACK was it
        }
        if (decoded.origin == 0)
        {
            toConnection(id, tenantId);
        }
        for (final AnswerSink s : sessions.tenantSubscribers())
        {
            if (s.tenantId() == tenantId)
            {
                offer(s, id, decoded.state, decoded.attempts, decoded.reason, decoded.atMs, decoded.channel);
            }
        }
    }

    /** The receipt for the connection this node acked {@code id} to, if any: now, later (held), or not at all. */
    private void toConnection(final long id, final int tenantId)
    {
        if (held.isEmpty())
        {
            final AckedIds.Entry e = resolve(id, tenantId);
            if (e == null)
            {
                return;
            }
            if (e != WAIT)
            {
                offer(e.session, id, decoded.state, decoded.attempts, decoded.reason, decoded.atMs, decoded.channel);
                return;
            }
        }
        else if (!acked.mayStillBeOurs(id) && acked.get(id) == null)
        {
            return; // another node's: nothing to keep in order with
        }
        held.add(new HeldReceipt(id, tenantId, decoded.state, decoded.attempts, decoded.reason, decoded.atMs,
            decoded.channel, System.nanoTime() + UNKNOWN_WAIT_NS));
    }

    /**
     * @return the entry of the connection-scoped session to offer {@code id}'s receipt to now, {@link #WAIT} when it
     *         may be this node's but is not known yet or its ACK is not written yet, or null when nobody here gets it.
     */
    private AckedIds.Entry resolve(final long id, final int tenantId)
    {
        if (acked.mayStillBeOurs(id))
        {
            return WAIT;
        }
        final AckedIds.Entry e = acked.get(id);
        if (e == null || e.session.subscriptionScope() != Frames.SCOPE_CONNECTION || e.session.tenantId() != tenantId ||
            !e.session.isOpen())
        {
            return null;
        }
        return e.acked ? e : WAIT;
    }

    /** Delivers held receipts that can go now, each message's in the order they came; drops the expired. */
    private void releaseHeld()
    {
        final long now = System.nanoTime();
        waited.clear();
        for (final Iterator<HeldReceipt> it = held.iterator(); it.hasNext(); )
        {
            final HeldReceipt h = it.next();
            final AckedIds.Entry e = waited.contains(h.id()) ? WAIT : resolve(h.id(), h.tenantId());
            if (e == null)
            {
                it.remove();
            }
            else if (e != WAIT)
            {
                it.remove();
                offer(e.session, h.id(), h.state(), h.attempts(), h.reason(), h.atMs(), h.channel());
            }
            else if (now - h.deadlineNs() > 0)
            {
                it.remove(); // its ACK never went out (the connection is gone) or it never was this node's
            }
            else
            {
                waited.add(h.id()); // a later state of the same message must not overtake this one
            }
        }
    }

    private void offer(final AnswerSink s, final long id, final byte state, final byte attempts, final short reason,
        final long atMs, final byte channel)
    {
        // position 0: cluster receipts are live only (docs/cluster.md)
        if (s.offerReceipt(id, state, attempts, reason, atMs, channel, 0))
        {
            receipts.incrementAndGet();
            // this thread is the receipts' only producer in cluster mode, outside the ring's batches: write now
            if (s instanceof SessionProxy p)
            {
                p.scheduleDrain();
            }
            else
            {
                s.flushTouched();
            }
        }
    }

    private void serve()
    {
        for (Request r; (r = requests.poll()) != null; )
        {
            waiting.add(r);
        }
        final long now = System.nanoTime();
        for (final Iterator<Request> it = waiting.iterator(); it.hasNext(); )
        {
            final Request r = it.next();
            final int slot = view.find(r.id());
            if (slot >= 0 && view.tenant(slot) != r.session().tenantId())
            {
                it.remove();
                refuse(r, ErrorCode.NOT_FOUND, "no such message for this tenant");
            }
            else if (slot >= 0)
            {
                it.remove();
                if (r.cancel())
                {
                    forward(r);
                }
                else
                {
                    final SessionHandler s = r.session();
                    final long id = r.id();
                    final int state = view.state(slot);
                    final int attempts = view.attempts(slot);
                    final int reason = view.reason(slot);
                    final long at = view.updatedAt(slot);
                    final int channel = view.channel(slot);
                    final int kind = view.kind(slot);
                    s.eventLoop().execute(() -> s.answerStatus(r.correlationId(), id, state, attempts, reason, at,
                        channel, kind));
                }
            }
            else if (now - r.deadlineNs() > 0)
            {
                it.remove();
                refuse(r, ErrorCode.NOT_FOUND, "no such message for this tenant in this node's status view (ids the" +
                    " owner has not taken yet, or older than the view, are not known)");
            }
        }
        for (final Iterator<Request> it = forwarded.values().iterator(); it.hasNext(); )
        {
            final Request r = it.next();
            if (now - r.deadlineNs() > 0)
            {
                it.remove();
                refuse(r, ErrorCode.BACKPRESSURE, "the node owning the message did not answer the CANCEL within 10 s;" +
                    " retry");
            }
        }
    }

    /** Produces the CANCEL to the message's own partition: its owner reads it after the message, in order. */
    private void forward(final Request r)
    {
        final long request = ++nextRequest;
        final byte[] value = CancelRecords.value(r.id(), nodeId, request, r.session().tenantName());
        try
        {
            producer.send(new ProducerRecord<>(clusterTopic, ClusterMessageIds.partition(r.id()), null, value),
                (metadata, ex) ->
                {
                    if (ex != null)
                    {
                        LOG.info("event=cluster_cancel_forward_failed id={} error=\"{}\"", r.id(), ex.toString());
                    }
                });
            forwarded.put(request, new Request(true, r.session(), r.correlationId(), r.id(),
                System.nanoTime() + CANCEL_WAIT_NS));
        }
        catch (final KafkaException ex)
        {
            refuse(r, ErrorCode.BACKPRESSURE, "cluster log unavailable: " + ex.getMessage());
        }
    }

    private void cancelled(final long request, final byte result)
    {
        final Request r = forwarded.remove(request);
        if (r == null)
        {
            return; // answered already (timed out)
        }
        if (result == StatusRecords.CANCEL_UNKNOWN)
        {
            refuse(r, ErrorCode.NOT_FOUND, "no such message for this tenant");
            return;
        }
        final SessionHandler s = r.session();
        s.eventLoop().execute(() -> s.answerCancel(r.correlationId(), r.id(), result));
    }

    private static void refuse(final Request r, final ErrorCode code, final String detail)
    {
        final SessionHandler s = r.session();
        s.eventLoop().execute(() -> s.answerRefused(r.correlationId(), code, detail));
    }

    private void problem(final ConsumerRecord<byte[], byte[]> r, final String why)
    {
        if (problems.add(why))
        {
            LOG.error("event=cluster_status_record_skipped partition={} offset={} problem=\"{}\" fix=\"give every node" +
                " the same tenants and version\" (logged once per problem)", r.partition(), r.offset(), why);
        }
    }
}
