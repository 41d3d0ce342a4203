package io.dispatch.cluster;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.testing.AdminHttp;
import io.dispatch.testing.RawConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Same protocol from any node": three cluster nodes over one local broker. A message is written to one node, sent by
 * the node owning its partition, and its STATUS, CANCEL and receipts are served by whichever node the client reached
 * (the status topic every node reads, the CANCEL forwarded to the message's own partition). The tenant's rate is
 * split across the nodes by the partitions each owns.
 */
class ClusterRoutingIT
{
    private static final int PARTITIONS = 6;
    private static final int NODES = 3;
    private static final long RATE = 600;
    private static final Pattern IN_FORCE = Pattern.compile("\"demo\":\\{[^}]*\"inForcePerSecond\":(\\d+)");

    @TempDir
    static Path dir;

    private static ClusterFixture cluster;
    private static TextCountingPeer peer;
    private static List<ClusterNode> nodes;
    private static final List<Path> dirs = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception
    {
        cluster = ClusterFixture.start(dir, "routing", PARTITIONS);
        peer = cluster.peer;
        nodes = cluster.nodes;
        for (int i = 0; i < NODES; i++)
        {
            nodes.add(startNode("node-" + i));
        }
        ClusterFixture.awaitOwnership(nodes, PARTITIONS);
    }

    private static ClusterNode startNode(final String name) throws Exception
    {
        dirs.add(dir.resolve(name));
        return cluster.startNode(name, s -> s.set("tenant.demo.rate.perSecond", Long.toString(RATE)));
    }

    @AfterAll
    static void stopCluster() throws Exception
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    /**
     * A tenant subscriber on node 0 and a connection subscriber on node 1 that submits: messages written to node 1 are
     * sent by all three owners, and each subscription gets each state of each message once.
     */
    @Test
    void receiptsReachSubscribersOnAnyNodeOncePerState() throws Exception
    {
        final int count = 60;
        final long[] fedBefore = nodes.stream().mapToLong(ClusterNode::fed).toArray();
        try (RawConnection tenantWide = RawConnection.open(nodes.get(0).dispatcher().port(), "demo", "demo-key");
            RawConnection sender = RawConnection.open(nodes.get(1).dispatcher().port(), "demo", "demo-key");
            RawConnection bystander = RawConnection.open(nodes.get(2).dispatcher().port(), "demo", "demo-key"))
        {
            subscribe(tenantWide, Frames.SCOPE_TENANT);
            subscribe(sender, Frames.SCOPE_CONNECTION);
            subscribe(bystander, Frames.SCOPE_CONNECTION);

            final Set<Long> ids = new HashSet<>();
            final Map<Long, Map<Integer, Integer>> atSender = new HashMap<>();
            for (int i = 0; i < count; i++)
            {
                sender.submit(i, MessageKind.INFORMATIONAL, ChannelType.SMS, "r-" + i, "+8213" + (10_000_000 + i),
                    "routed-" + i);
            }
            int acked = 0;
            while (acked < count)
            {
                final RawConnection.Frame f = sender.read();
                if (f.type == MessageType.RECEIPT)
                {
                    count(atSender, f);
                    continue;
                }
                assertThat(f.type).as("answer: %s", f).isEqualTo(MessageType.ACK);
                assertThat(ClusterMessageIds.isClusterId(f.messageId())).isTrue();
                ids.add(f.messageId());
                acked++;
            }

            final Map<Long, Map<Integer, Integer>> atTenant = new HashMap<>();
            awaitSent(tenantWide, atTenant, ids, false);
            awaitSent(sender, atSender, ids, false);
            for (int i = 0; i < NODES; i++)
            {
                assertThat(nodes.get(i).fed() - fedBefore[i]).as("node %d sent some of them", i).isPositive();
            }
            for (final long id : ids)
            {
                assertThat(atTenant.get(id)).as("states of %d at the tenant subscriber", id)
                    .allSatisfy((state, n) -> assertThat(n).as("state %d", state).isEqualTo(1));
                assertThat(atSender.get(id)).as("states of %d at the sending connection", id)
                    .isEqualTo(atTenant.get(id));
            }
            // a connection-scoped subscriber gets its own connection's messages only
            bystander.send(b -> ByteBufFrames.status(b, 99, ids.iterator().next()));
            final RawConnection.Frame status = bystander.read();
            assertThat(status.type).as("bystander's first frame is its STATUS answer: %s", status)
                .isEqualTo(MessageType.STATUS_RESULT);
        }
    }

    /**
     * A deferred message written to node 0: its STATUS from every node, a CANCEL through node 2 (forwarded to the
     * owner in the message's partition), then CANCELLED everywhere; node-local-only features refuse with one line.
     */
    @Test
    void statusAndCancelWorkThroughEveryNode() throws Exception
    {
        final List<RawConnection> c = new ArrayList<>();
        try
        {
            for (final ClusterNode n : nodes)
            {
                c.add(RawConnection.open(n.dispatcher().port(), "demo", "demo-key"));
            }
            final long sendAt = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
            c.get(0).send(b ->
            {
                RawConnection.submitFrame(b, 1, MessageKind.INFORMATIONAL, ChannelType.SMS, "later-1", "+821055550001",
                    null, "later-1", null);
                b.setLongLE(FrameDescriptor.HEADER_LENGTH + SubmitDescriptor.SEND_AT_OFFSET, sendAt);
            });
            final RawConnection.Frame ack = c.get(0).read();
            assertThat(ack.type).as("%s", ack).isEqualTo(MessageType.ACK);
            final long id = ack.messageId();

            for (int i = 0; i < NODES; i++)
            {
                assertThat(awaitState(c.get(i), id, DeliveryState.DEFERRED)).as("STATUS through node %d", i)
                    .isEqualTo(DeliveryState.DEFERRED.code());
            }

            c.get(2).send(b -> ByteBufFrames.cancel(b, 7, id));
            final RawConnection.Frame cancelled = c.get(2).read();
            assertThat(cancelled.type).as("%s", cancelled).isEqualTo(MessageType.CANCEL_RESULT);
            assertThat(cancelled.messageId()).isEqualTo(id);
            assertThat(cancelled.ackOutcome()).isEqualTo(0); // CANCEL_DONE
            for (int i = 0; i < NODES; i++)
            {
                assertThat(awaitState(c.get(i), id, DeliveryState.CANCELLED)).as("STATUS through node %d", i)
                    .isEqualTo(DeliveryState.CANCELLED.code());
            }
            c.get(1).send(b -> ByteBufFrames.cancel(b, 8, id));
            final RawConnection.Frame again = c.get(1).read();
            assertThat(again.type).as("%s", again).isEqualTo(MessageType.CANCEL_RESULT);
            assertThat(again.ackOutcome()).as("no longer deferred").isEqualTo(1);

            // an id no owner ever took: NOT_FOUND after the bounded wait for the status topic
            c.get(1).send(b -> ByteBufFrames.status(b, 9, ClusterMessageIds.of(0, 999_999_999L)));
            final RawConnection.Frame unknown = c.get(1).read();
            assertThat(unknown.type).as("%s", unknown).isEqualTo(MessageType.NACK);
            assertThat(unknown.errorCode()).isEqualTo(ErrorCode.NOT_FOUND.code());

            c.get(1).send(b -> ByteBufFrames.cancelByKey(b, 10, "later-1"));
            final RawConnection.Frame byKey = c.get(1).read();
            assertThat(byKey.type).as("%s", byKey).isEqualTo(MessageType.NACK);
            assertThat(byKey.detail()).contains("cluster mode").contains("message id");

        }
        finally
        {
            for (final RawConnection r : c)
            {
                r.close();
            }
        }
        assertThat(peer.count("later-1")).as("the cancelled message was never sent").isZero();
    }

    /**
     * A resumed subscription on node 0 from the start of the status topic gets some receipts of a first batch; the
     * connection closes; a second batch goes out; a subscription on node 2 resumes after the last position node 0
     * sent and gets the rest. Together they hold each state of each message once, as a third subscription from the
     * start (node 1) does, and positions only grow across the two nodes. Positions that cannot be honoured are
     * refused with the reason, and the connection may subscribe again.
     */
    @Test
    void receiptsResumedOnAnotherNodeAfterTheLastPositionComeOnceEach() throws Exception
    {
        final Set<Long> ids = new HashSet<>();
        final List<long[]> seen = new ArrayList<>();
        long last;
        try (RawConnection onA = RawConnection.open(nodes.get(0).dispatcher().port(), "demo", "demo-key"))
        {
            resume(onA, 0);
            submit(1, "resume-a-", "+8214", 30, ids);
            last = readResumed(onA, ids, seen, 30, 0);
        }
        final int fromA = seen.size();
        submit(1, "resume-b-", "+8215", 20, ids);
        try (RawConnection onB = RawConnection.open(nodes.get(2).dispatcher().port(), "demo", "demo-key"))
        {
            resume(onB, last);
            readResumed(onB, ids, seen, Integer.MAX_VALUE, last);
        }
        final List<long[]> reference = new ArrayList<>();
        try (RawConnection onC = RawConnection.open(nodes.get(1).dispatcher().port(), "demo", "demo-key"))
        {
            resume(onC, 0);
            readResumed(onC, ids, reference, Integer.MAX_VALUE, 0);
        }
        assertThat(fromA).as("node 0 sent part of the receipts, node 2 the rest").isBetween(1, seen.size() - 1);
        final String metrics = AdminHttp.get(nodes.get(2).dispatcher().adminPort(), dirs.get(2), "/metrics").body();
        assertThat(AdminHttp.metric(metrics, "dispatch_cluster_resumed_receipts_total")).as("node 2's resumed receipts")
            .isGreaterThanOrEqualTo(seen.size() - fromA);
        assertThat(AdminHttp.metric(metrics, "dispatch_cluster_receipt_checkpoints_total")).isPositive();
        final Map<String, Integer> resumed = states(seen);
        assertThat(resumed.values()).as("each state of each message once across the two nodes: %s", resumed)
            .allMatch(n -> n == 1);
        assertThat(resumed).as("what a subscription from the start through a third node got")
            .isEqualTo(states(reference));

        try (RawConnection c = RawConnection.open(nodes.get(1).dispatcher().port(), "demo", "demo-key"))
        {
            final long journalPosition = 5_000L * 64 + 2;
            assertThat(refusedResume(c, journalPosition)).contains("not a receipt position");
            final long beyond = ReceiptPositions.of(ReceiptPositions.MAX_CHECKPOINT, 0);
            assertThat(refusedResume(c, beyond)).contains("beyond the status topic's end");
            // the status topic's retention passes the checkpoint of the last position
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                "bootstrap.servers", cluster.broker.bootstrapServers())))
            {
                final org.apache.kafka.common.TopicPartition home =
                    new org.apache.kafka.common.TopicPartition("routing-status", ReceiptCheckpoints.PARTITION);
                admin.deleteRecords(Map.of(home, org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(
                    ReceiptPositions.checkpoint(last) + 1))).all().get(30, TimeUnit.SECONDS);
            }
            assertThat(refusedResume(c, last)).contains("older than the status topic's retention");
            // nothing was opened by the refusals: the connection subscribes again; a second resume while the first
            // waits for its check is refused (one stream per receipt queue)
            c.send(b ->
            {
                ByteBufFrames.subscribe(b, 31, Frames.SCOPE_TENANT, Frames.ALL_STATES, 0);
                ByteBufFrames.subscribe(b, 32, Frames.SCOPE_TENANT, Frames.ALL_STATES, 0);
            });
            final Map<Long, RawConnection.Frame> answers = new HashMap<>();
            while (answers.size() < 2)
            {
                final RawConnection.Frame f = c.read();
                if (f.type != MessageType.RECEIPT)
                {
                    answers.put(f.correlationId, f);
                }
            }
            assertThat(answers.get(31L).type).as("%s", answers.get(31L)).isEqualTo(MessageType.OK);
            assertThat(answers.get(32L).type).as("%s", answers.get(32L)).isEqualTo(MessageType.NACK);
            assertThat(answers.get(32L).detail()).contains("already subscribed");
        }
    }

    private static void submit(final int node, final String prefix, final String phone, final int count,
        final Set<Long> ids) throws Exception
    {
        try (RawConnection sender = RawConnection.open(nodes.get(node).dispatcher().port(), "demo", "demo-key"))
        {
            for (int i = 0; i < count; i++)
            {
                sender.submit(i, MessageKind.INFORMATIONAL, ChannelType.SMS, prefix + i, phone + (10_000_000 + i),
                    prefix + i);
            }
            for (int i = 0; i < count; i++)
            {
                final RawConnection.Frame ack = sender.read();
                assertThat(ack.type).as("answer: %s", ack).isEqualTo(MessageType.ACK);
                ids.add(ack.messageId());
            }
        }
    }

    static void resume(final RawConnection c, final long after) throws Exception
    {
        c.send(b -> ByteBufFrames.subscribe(b, 21, Frames.SCOPE_TENANT, Frames.ALL_STATES, after));
        final RawConnection.Frame ok = c.read();
        assertThat(ok.type).as("resume after %d: %s", after, ok).isEqualTo(MessageType.OK);
    }

    private static String refusedResume(final RawConnection c, final long after) throws Exception
    {
        c.send(b -> ByteBufFrames.subscribe(b, 22, Frames.SCOPE_TENANT, Frames.ALL_STATES, after));
        final RawConnection.Frame nack = c.read();
        assertThat(nack.type).as("resume after %d: %s", after, nack).isEqualTo(MessageType.NACK);
        assertThat(nack.errorCode()).isEqualTo(ErrorCode.INVALID_FIELD.code());
        return nack.detail();
    }

    /**
     * Reads a resumed stream's receipts, each position above the one before (and above {@code after}), keeping
     * {@code (id, state, position)} of those of {@code ids}, until {@code stopAfter} of them or until every one of
     * {@code ids} reached a terminal state (bounded).
     *
     * @return the position of the last receipt read.
     */
    static long readResumed(final RawConnection c, final Set<Long> ids, final List<long[]> seen, final int stopAfter,
        final long after) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        final Set<Long> ended = new HashSet<>();
        for (final long[] s : seen)
        {
            if (DeliveryState.of((int)s[1]).isTerminal())
            {
                ended.add(s[0]);
            }
        }
        long position = after;
        int kept = 0;
        while (kept < stopAfter && ended.size() < ids.size())
        {
            assertThat(System.nanoTime()).as("receipts within 60 s: %d of %d ended", ended.size(), ids.size())
                .isLessThan(deadline);
            final RawConnection.Frame f;
            try
            {
                f = c.readAnyWithTimeout(1_000);
            }
            catch (final SocketTimeoutException ex)
            {
                continue; // nothing yet: look at the deadline again
            }
            assertThat(f.type).as("%s", f).isEqualTo(MessageType.RECEIPT);
            final long p = f.buf.getLongLE(io.dispatch.protocol.ReceiptFlyweight.POSITION_OFFSET);
            assertThat(p).as("positions grow").isGreaterThan(position);
            position = p;
            if (ids.contains(f.messageId()))
            {
                seen.add(new long[]{f.messageId(), f.state(), p});
                kept++;
                if (DeliveryState.of(f.state()).isTerminal())
                {
                    ended.add(f.messageId());
                }
            }
        }
        return position;
    }

    static Map<String, Integer> states(final List<long[]> receipts)
    {
        final Map<String, Integer> n = new java.util.TreeMap<>();
        for (final long[] r : receipts)
        {
            n.merge(r[0] + "/" + r[1], 1, Integer::sum);
        }
        return n;
    }

    /** Each node enforces rate × owned / partitions: the shares add up to the tenant's rate, before and after a join. */
    @Test
    void theTenantRateIsSplitByOwnedPartitionsAcrossAJoin() throws Exception
    {
        awaitRateSum(nodes, "three nodes");
        final ClusterNode joiner = startNode("joiner");
        try
        {
            final List<ClusterNode> four = new ArrayList<>(nodes);
            four.add(joiner);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (joiner.ownedPartitions() == 0 || four.stream().mapToInt(ClusterNode::ownedPartitions).sum() != PARTITIONS)
            {
                assertThat(System.nanoTime()).as("the joiner owns partitions within 60 s").isLessThan(deadline);
                Thread.sleep(20); // the assignment is the consumer threads'; polled with a bound
            }
            awaitRateSum(four, "four nodes");
            assertThat(inForce(four.size() - 1, joiner)).as("the joiner's share")
                .isEqualTo(RATE * joiner.ownedPartitions() / PARTITIONS);
        }
        finally
        {
            joiner.drain(30_000);
        }
        awaitRateSum(nodes, "three nodes after the joiner left");
    }

    /**
     * A deferred message on every partition, then a fourth node joins and takes partitions with the messages their
     * earlier owners hold deferred. When they are due, each earlier owner, still running, ends its copy unsent
     * (CANCELLED, OWNERSHIP_LOST: the fence) and the new owner sends the message. A tenant subscriber gets no
     * CANCELLED of those cluster ids, and {@code GET /messages/<cluster id>/history} through any node shows both
     * copies, each change marked with its node, in time order.
     */
    @Test
    void aMessageWhosePartitionMovedShowsBothCopiesInItsHistoryAndNoCancelledOfTheFencedOne() throws Exception
    {
        // the join must complete before the messages are due (under 5 s in ClusterIT): generous on a busy machine
        final long sendAt = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(40);
        final Map<Integer, Long> idOf = new HashMap<>();
        final Map<Integer, String> ownerBefore = new HashMap<>();
        ClusterNode mover = null;
        try (RawConnection sender = RawConnection.open(nodes.get(0).dispatcher().port(), "demo", "demo-key");
            RawConnection watcher = RawConnection.open(nodes.get(1).dispatcher().port(), "demo", "demo-key"))
        {
            subscribe(watcher, Frames.SCOPE_TENANT);
            for (int i = 0; idOf.size() < PARTITIONS; i++)
            {
                final String to = "+821088" + (100_000 + i);
                final int partition = ClusterFixture.partitionOf("demo", to, PARTITIONS);
                if (idOf.containsKey(partition))
                {
                    continue;
                }
                final int correlation = i;
                sender.send(b ->
                {
                    RawConnection.submitFrame(b, correlation, MessageKind.INFORMATIONAL, ChannelType.SMS, "moved-" + partition, to,
                        null, "moved-" + partition, null);
                    b.setLongLE(FrameDescriptor.HEADER_LENGTH + SubmitDescriptor.SEND_AT_OFFSET, sendAt);
                });
                final RawConnection.Frame ack = sender.read();
                assertThat(ack.type).as("%s", ack).isEqualTo(MessageType.ACK);
                idOf.put(partition, ack.messageId());
            }
            for (int p = 0; p < PARTITIONS; p++)
            {
                // DEFERRED in the status view: the partition's owner fed it before the join
                assertThat(awaitState(sender, idOf.get(p), DeliveryState.DEFERRED)).as("partition %d's message", p)
                    .isEqualTo(DeliveryState.DEFERRED.code());
                for (int n = 0; n < NODES; n++)
                {
                    if (nodes.get(n).owns(p))
                    {
                        ownerBefore.put(p, "node-" + n);
                    }
                }
            }

            mover = cluster.startNode("mover", s -> s.set("tenant.demo.rate.perSecond", Long.toString(RATE)));
            final List<ClusterNode> four = new ArrayList<>(nodes);
            four.add(mover);
            ClusterFixture.awaitOwnership(four, PARTITIONS);
            assertThat(System.currentTimeMillis()).as("the join completed before the messages were due")
                .isLessThan(sendAt);
            final List<Integer> moved = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++)
            {
                if (mover.owns(p))
                {
                    moved.add(p);
                }
            }
            assertThat(moved).isNotEmpty();

            for (final int p : moved)
            {
                assertThat(peer.awaitCount("moved-" + p, 1, 60_000)).as("moved-%d sent by the new owner", p).isTrue();
                // the new owner's PROVIDER_ACCEPTED is journaled after the peer got the message: wait for it too
                final String history = awaitHistory(idOf.get(p), sendAt + 60_000, "OWNERSHIP_LOST",
                    "\"state\":\"PROVIDER_ACCEPTED\"");
                final String before = ownerBefore.get(p);
                assertThat(history).as("history of partition %d's message", p)
                    .contains("\"node\":\"" + before + "\",\"local_id\":")
                    .contains("\"node\":\"mover\",\"local_id\":")
                    .containsPattern("\"state\":\"CANCELLED\"[^}]*\"reason\":\"OWNERSHIP_LOST\",\"node\":\"" +
                        before + "\"")
                    .containsPattern("\"state\":\"PROVIDER_ACCEPTED\"[^}]*\"node\":\"mover\"");
                final Matcher at = Pattern.compile("\"at_ms\":(\\d+)").matcher(history);
                long last = 0;
                while (at.find())
                {
                    assertThat(Long.parseLong(at.group(1))).as("changes in time order: %s", history)
                        .isGreaterThanOrEqualTo(last);
                    last = Long.parseLong(at.group(1));
                }
            }

            // the subscriber: each moved message's receipts until it is delivered, none of them CANCELLED
            final Set<Long> movedIds = new HashSet<>();
            moved.forEach(p -> movedIds.add(idOf.get(p)));
            final Map<Long, Map<Integer, Integer>> seen = new HashMap<>();
            awaitSent(watcher, seen, movedIds, true);
            for (final long id : movedIds)
            {
                assertThat(seen.get(id)).as("receipts of %d", id).doesNotContainKey((int)DeliveryState.CANCELLED.code());
                sender.send(b -> ByteBufFrames.status(b, 5, id));
                final RawConnection.Frame status = sender.read();
                assertThat(status.type).as("%s", status).isEqualTo(MessageType.STATUS_RESULT);
                assertThat(status.state()).as("STATUS of %d", id).isEqualTo(DeliveryState.DELIVERED.code());
            }
            for (int p = 0; p < PARTITIONS; p++)
            {
                assertThat(peer.awaitCount("moved-" + p, 1, 60_000)).as("moved-%d sent", p).isTrue();
                assertThat(peer.count("moved-" + p)).as("moved-%d sent once", p).isEqualTo(1);
            }
        }
        finally
        {
            if (mover != null)
            {
                mover.drain(30_000);
            }
        }
        ClusterFixture.awaitOwnership(nodes, PARTITIONS);
    }

    /** The history of a cluster id through node 2, once it contains {@code until} (bounded). */
    /** @param until every one of these texts in the history: the changes of each copy are journaled at their own pace. */
    private static String awaitHistory(final long id, final long deadlineMs, final String... until) throws Exception
    {
        while (true)
        {
            final java.net.http.HttpResponse<String> h = AdminHttp.get(nodes.get(2).dispatcher().adminPort(),
                dirs.get(2), "/messages/" + id + "/history?tenant=demo");
            if (h.statusCode() == 200 && java.util.Arrays.stream(until).allMatch(h.body()::contains))
            {
                return h.body();
            }
            assertThat(System.currentTimeMillis()).as("the history of %d shows %s: %s", id,
                java.util.Arrays.toString(until), h.body()).isLessThan(deadlineMs);
            Thread.sleep(200); // each ask waits for the nodes' answers; polled with a bound
        }
    }

    private static void awaitRateSum(final List<ClusterNode> members, final String what) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true)
        {
            long sum = 0;
            int owned = 0;
            for (int i = 0; i < members.size(); i++)
            {
                sum += inForce(i, members.get(i));
                owned += members.get(i).ownedPartitions();
            }
            if (sum == RATE && owned == PARTITIONS)
            {
                return;
            }
            assertThat(System.nanoTime()).as("%s: the rates in force add up to %d (now %d)", what, RATE, sum)
                .isLessThan(deadline);
            Thread.sleep(20); // applied by each node's policy stage after its assignment; polled with a bound
        }
    }

    private static long inForce(final int index, final ClusterNode node) throws Exception
    {
        final Path nodeDir = index < NODES ? dirs.get(index) : dir.resolve("joiner");
        final String body = AdminHttp.get(node.dispatcher().adminPort(), nodeDir, "/tenants").body();
        final Matcher m = IN_FORCE.matcher(body);
        assertThat(m.find()).as("GET /tenants: %s", body).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static void subscribe(final RawConnection c, final byte scope) throws Exception
    {
        c.send(b -> ByteBufFrames.subscribe(b, 0, scope));
        final RawConnection.Frame ok = c.read();
        assertThat(ok.type).as("%s", ok).isEqualTo(MessageType.OK);
    }

    private static void count(final Map<Long, Map<Integer, Integer>> seen, final RawConnection.Frame receipt)
    {
        seen.computeIfAbsent(receipt.messageId(), k -> new HashMap<>()).merge(receipt.state(), 1, Integer::sum);
    }

    /** Reads receipts until every id reached a terminal state (the webhook peer's answer: DELIVERED), bounded. */
    private static void awaitSent(final RawConnection c, final Map<Long, Map<Integer, Integer>> seen,
        final Set<Long> ids, final boolean othersToo) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ids.stream().allMatch(id -> seen.containsKey(id) &&
            seen.get(id).keySet().stream().anyMatch(state -> DeliveryState.of(state).isTerminal())))
        {
            assertThat(System.nanoTime()).as("receipts of every message within 60 s: %s", seen).isLessThan(deadline);
            try
            {
                final RawConnection.Frame f = c.readAnyWithTimeout(1_000);
                if (f.type == MessageType.RECEIPT && (othersToo || ids.contains(f.messageId())))
                {
                    count(seen, f);
                }
                else if (f.type == MessageType.RECEIPT)
                {
                    assertThat(ids).as("a receipt of a message of this test").contains(f.messageId());
                }
            }
            catch (final SocketTimeoutException ex)
            {
                // nothing yet: look at the deadline again
            }
        }
    }

    /** STATUS through {@code c} until the message reaches {@code until} (its owner publishes it), bounded. */
    private static int awaitState(final RawConnection c, final long id, final DeliveryState until) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true)
        {
            c.send(b -> ByteBufFrames.status(b, 5, id));
            RawConnection.Frame f = c.read();
            while (f.type == MessageType.RECEIPT)
            {
                f = c.read();
            }
            assertThat(f.type).as("STATUS answer: %s", f).isEqualTo(MessageType.STATUS_RESULT);
            if (f.state() == until.code() || System.nanoTime() > deadline)
            {
                return f.state();
            }
            Thread.sleep(20); // the state change travels through the status topic; polled with a bound
        }
    }
}
