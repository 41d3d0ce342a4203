package io.dispatch.cluster;

import io.dispatch.config.Settings;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.TargetingFrames;
import io.dispatch.testing.TargetingFrames.CampaignResult;
import io.dispatch.testing.TargetingFrames.DirectoryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static io.dispatch.protocol.CampaignDescriptor.COUNTER_FANNED_OUT;
import static io.dispatch.protocol.CampaignDescriptor.COUNTER_TARGETED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The directory and campaigns across three nodes: rows loaded through one node reach the owners of their partitions,
 * a campaign started through another fans out on every node over the recipients it owns (each recipient once), a
 * pause and a cancel through a third reach every node, and stats through any node add up. A node joining and
 * leaving, or killed, mid-campaign: the owners of its partitions take the campaign over there.
 */
class ClusterCampaignIT
{
    private static final int PARTITIONS = 6;
    private static final int NODES = 3;
    private static final int RECIPIENTS = 300;
    /** Per node: about 100 recipients each, so the campaign runs for seconds and can be paused midway. */
    private static final int PACING = 25;
    private static final String TEMPLATE = "(광고)[shop] #{code} 고객님 쿠폰 무료수신거부 080-000-0000";
    private static final AtomicLong CORRELATION = new AtomicLong(1);

    @TempDir
    static Path dir;

    private static ClusterFixture cluster;
    private static TextCountingPeer peer;
    private static List<ClusterNode> nodes;

    @BeforeAll
    static void startCluster() throws Exception
    {
        cluster = ClusterFixture.start(dir, "camp", PARTITIONS);
        peer = cluster.peer;
        nodes = cluster.nodes;
        peer.delayEach(10); // a slow provider: 10 ms a message
        for (int i = 0; i < NODES; i++)
        {
            nodes.add(startNode(i));
        }
        // the group's assignment has no event to await from outside the consumer threads: an even split of 6
        await("every node owns 2 partitions", () -> nodes.stream().allMatch(n -> n.ownedPartitions() == 2));
    }

    @AfterAll
    static void stopCluster() throws Exception
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    @Test
    void aCampaignFansOutOnEveryNodeOverItsOwnPartitionsAndIsControlledFromAnyNode() throws Exception
    {
        final List<RawConnection> c = new ArrayList<>();
        try
        {
            for (final ClusterNode n : nodes)
            {
                c.add(RawConnection.open(n.dispatcher().port(), "demo", "demo-key"));
            }
            // the directory, through node 0: acked once in Kafka, applied by each row's owner
            load(c.get(0), "r", RECIPIENTS);
            final int[] owned = new int[NODES];
            for (int i = 0; i < RECIPIENTS; i++)
            {
                owned[ownerOf("r" + i)]++;
            }

            // started through node 1
            final CampaignResult started = campaign(c.get(1), "spread", PACING, "r");
            assertThat(started.state()).as("%s", started).isEqualTo(CampaignDescriptor.STATE_RUNNING);
            final long id = started.id();
            await("every node fans out", () -> nodes.stream().allMatch(n -> local(n, id, COUNTER_FANNED_OUT) > 0));

            // paused through node 2: every node stops fanning out
            assertThat(control(c.get(2), id, CampaignDescriptor.ACTION_PAUSE).state())
                .isEqualTo(CampaignDescriptor.STATE_PAUSED);
            await("every node paused", () -> nodes.stream().allMatch(n -> localState(n, id) == CampaignDescriptor.STATE_PAUSED));
            // every ring and lane empty, and every message fanned out before the pause sent: nothing more is coming
            await("the messages fanned out before the pause are sent", () -> nodes.stream().allMatch(ClusterNode::idle)
                && countSent("r", RECIPIENTS) == stats(c.get(0), id).counter(COUNTER_FANNED_OUT));
            final long fannedWhilePaused = countSent("r", RECIPIENTS);
            assertThat(fannedWhilePaused).as("fanned out when every node had paused").isLessThan(RECIPIENTS);
            assertThat(nodes).allMatch(n -> localState(n, id) == CampaignDescriptor.STATE_PAUSED);
            // the other nodes' counters reach node 1 within a publication round
            await("stats through node 1 agree", () -> stats(c.get(1), id).counter(COUNTER_FANNED_OUT) == fannedWhilePaused);
            assertThat(countSent("r", RECIPIENTS)).as("nothing sent while paused").isEqualTo((int)fannedWhilePaused);

            // resumed through node 0: everyone gets exactly one message, from the owner of their row
            assertThat(control(c.get(0), id, CampaignDescriptor.ACTION_RESUME).state())
                .isEqualTo(CampaignDescriptor.STATE_RUNNING);
            await("every recipient sent to", () -> countSent("r", RECIPIENTS) >= RECIPIENTS);
            await("every node fanned out", () -> nodes.stream()
                .allMatch(n -> localState(n, id) == CampaignDescriptor.STATE_FANNED_OUT));
            for (int i = 0; i < RECIPIENTS; i++)
            {
                assertThat(peer.count(text("r", i)))
                    .as("messages to r%d", i).isEqualTo(1);
            }
            for (int n = 0; n < NODES; n++)
            {
                assertThat(local(nodes.get(n), id, COUNTER_TARGETED)).as("node %d targets the rows it owns", n)
                    .isEqualTo(owned[n]).isPositive();
                assertThat(local(nodes.get(n), id, COUNTER_FANNED_OUT)).as("node %d sent its own", n)
                    .isEqualTo(owned[n]);
            }
            for (final RawConnection any : c)
            {
                // the other nodes' counters arrive within a publication round and a read through Kafka
                await("stats through every node add up",
                    () -> stats(any, id).counter(COUNTER_FANNED_OUT) == RECIPIENTS);
                assertThat(stats(any, id).counter(COUNTER_TARGETED)).isEqualTo(RECIPIENTS);
            }

            // cancelled through node 2: every node ends it
            assertThat(control(c.get(2), id, CampaignDescriptor.ACTION_CANCEL).state())
                .isEqualTo(CampaignDescriptor.STATE_CANCELLED);
            await("every node cancelled", () -> nodes.stream()
                .allMatch(n -> localState(n, id) == CampaignDescriptor.STATE_CANCELLED));
            assertThat(stats(c.get(1), id).state()).isEqualTo(CampaignDescriptor.STATE_CANCELLED);
            assertThat(countSent("r", RECIPIENTS)).isEqualTo(RECIPIENTS);
        }
        finally
        {
            for (final RawConnection r : c)
            {
                r.close();
            }
        }
    }

    /**
     * A partition leaving a running node and coming back, with a campaign and SUBMITs flowing through it: a fourth node
     * joins (the three lose partitions to it), takes the campaign over on them (created there, paused like the rest),
     * sends its share, and stops gracefully while the campaign still runs (the three get the partitions back and take
     * the rest over). Nothing acked is lost, nobody gets a message twice, and the stats add up.
     */
    @Test
    void aPartitionLeavingARunningNodeAndComingBackLosesNothingAndSendsNothingTwice() throws Exception
    {
        final int recipients = 150;
        ClusterNode joiner = null;
        try (RawConnection first = RawConnection.open(nodes.get(0).dispatcher().port(), "demo", "demo-key");
            RawConnection second = RawConnection.open(nodes.get(1).dispatcher().port(), "demo", "demo-key");
            RawConnection third = RawConnection.open(nodes.get(2).dispatcher().port(), "demo", "demo-key"))
        {
            load(first, "j", recipients);
            submit(second, "jm-", 0, 60);
            // ~50 a node at 5/s: the join and the leave land midway
            final long id = campaign(third, "joined", 5, "j").id();
            await("every node fans out", () -> nodes.stream().allMatch(n -> local(n, id, COUNTER_FANNED_OUT) > 0));
            // paused while the node joins, so that it joins midway however slowly it starts
            assertThat(control(first, id, CampaignDescriptor.ACTION_PAUSE).state())
                .isEqualTo(CampaignDescriptor.STATE_PAUSED);
            await("every node paused",
                () -> nodes.stream().allMatch(n -> localState(n, id) == CampaignDescriptor.STATE_PAUSED));
            joiner = startNode(3);
            final ClusterNode joined = joiner;
            await("the joiner owns partitions", () -> joined.ownedPartitions() > 0);
            // its copy of the campaign, created by the takeover, paused like everywhere else
            await("the joiner took the campaign over",
                () -> localState(joined, id) == CampaignDescriptor.STATE_PAUSED);
            final int sentBeforeJoin = countSent("j", recipients);
            assertThat(sentBeforeJoin).as("sent before the join").isLessThan(recipients);
            submit(second, "jm-", 60, 60);
            assertThat(control(third, id, CampaignDescriptor.ACTION_RESUME).state())
                .isEqualTo(CampaignDescriptor.STATE_RUNNING);
            await("the joiner sends its share", () -> local(joined, id, COUNTER_FANNED_OUT) > 0);
            assertThat(joiner.campaignRecipientsTakenOver()).as("recipients the joiner took over").isPositive();

            // the joiner leaves while the campaign runs: its partitions go back to the three, which take the rest over
            joiner.drain(10_000);
            await("the partitions back with the three", () -> nodes.stream().allMatch(n -> n.ownedPartitions() == 2));
            submit(second, "jm-", 120, 60);
            await("every recipient sent to", () -> countSent("j", recipients) >= recipients);
            await("every acked message sent", () -> IntStream.range(0, 180).allMatch(i -> peer.count("jm-" + i) > 0));
            await("every node fanned out", () -> nodes.stream()
                .allMatch(n -> localState(n, id) == CampaignDescriptor.STATE_FANNED_OUT));
            await("the ring and the lanes empty", () -> nodes.stream().allMatch(ClusterNode::idle));
            for (int i = 0; i < recipients; i++)
            {
                assertThat(peer.count(text("j", i))).as("messages to j%d", i).isEqualTo(1);
            }
            for (int i = 0; i < 180; i++)
            {
                assertThat(peer.count("jm-" + i)).as("acked message jm-%d", i).isEqualTo(1);
            }
            for (final RawConnection any : List.of(first, second, third))
            {
                await("stats add up", () -> stats(any, id).counter(COUNTER_FANNED_OUT) == recipients);
                assertThat(stats(any, id).counter(COUNTER_TARGETED)).as("targeted: the starting nodes' audiences")
                    .isEqualTo(recipients);
            }
        }
        finally
        {
            if (joiner != null)
            {
                joiner.close();
                await("the partitions back with the three",
                    () -> nodes.stream().allMatch(n -> n.ownedPartitions() == 2));
            }
        }
    }

    /**
     * A node killed with -9 mid-campaign against a slow provider: once the group gives its partitions to the three
     * survivors, they take the campaign over there and send the recipients it had not handled, without it. When it
     * comes back on its data dir it sends what its journal held unsent and takes its partitions back. Every recipient
     * gets the campaign; the repeats are at most what the survivors counted as taken over plus what the victim's
     * recovery sent again; the stats add up to what the provider received, less those recovery re-sends.
     */
    @Test
    void aNodeKilledMidCampaignIsTakenOverByTheSurvivors() throws Exception
    {
        final int recipients = 300;
        final Path victimDir = dir.resolve("victim");
        ClusterChild victim = null;
        try (RawConnection first = RawConnection.open(nodes.get(0).dispatcher().port(), "demo", "demo-key"))
        {
            load(first, "k", recipients);
            final long takenBefore = takenOver();
            victim = ClusterChild.start(victimDir, childArgs(victimDir));
            // assigned after the others let go of what it takes (cooperative rebalance)
            assertThat(victim.awaitOutput("event=cluster_partitions_assigned", 60_000)).as("the victim owns partitions")
                .isTrue();
            final List<Integer> victims = new ArrayList<>();
            for (int i = 0; i < recipients; i++)
            {
                if (ownerOrMinusOne("k" + i) < 0)
                {
                    victims.add(i);
                }
            }
            assertThat(victims).as("recipients on the victim's partitions").isNotEmpty();

            // ~75 a node at 5/s: the kill lands midway
            final long id = campaign(first, "killed", 5, "k").id();
            await("the victim sends", () -> countSent("k", victims) >= 3);
            victim.kill();
            final int sentAtKill = countSent("k", victims);
            await("the survivors own every partition", () -> nodes.stream().allMatch(n -> n.ownedPartitions() == 2));
            await("the survivors take the campaign over", () -> takenOver() > takenBefore);
            await("the survivors fanned out", () -> nodes.stream()
                .allMatch(n -> localState(n, id) == CampaignDescriptor.STATE_FANNED_OUT));
            final long takenOver = takenOver() - takenBefore;
            // each recipient taken over is sent by a survivor: the victim's audience goes on without it
            await("the survivors send what they took over", () -> countSent("k", victims) >= sentAtKill + takenOver);
            assertThat(countSent("k", recipients) - distinct("k", recipients)).as("repeats so far")
                .isLessThanOrEqualTo((int)takenOver);

            // back on its data dir: it sends what its journal held, and takes its partitions back
            victim = ClusterChild.start(victimDir, childArgs(victimDir));
            assertThat(victim.awaitOutput("event=cluster_partitions_assigned", 60_000))
                .as("the victim owns partitions again").isTrue();
            await("every recipient sent to", () -> distinct("k", recipients) == recipients);
            // what its recovery handed to the lanes again: its journal's unsent messages and the sends it had at the
            // provider (the only ones of them that repeat)
            final long resent = Math.max(0, victim.recoveryRedispatched());
            final long allTakenOver = takenOver() - takenBefore;
            final int repeats = countSent("k", recipients) - recipients;
            assertThat(repeats).as("repeats: at most taken over (%d) plus recovery re-sends (%d)", allTakenOver, resent)
                .isLessThanOrEqualTo((int)(allTakenOver + resent));
            // fanned out counts each node's journaled messages once: what the provider got, less recovery's repeats;
            // targeted follows the recipients to their senders, short at most by what the victim journaled after its
            // last progress record (its restart skips those again as moved)
            final long accepted = Math.max(0, victim.recoveryAccepted());
            await("the victim's counters published", () -> stats(first, id).counter(COUNTER_FANNED_OUT)
                >= countSent("k", recipients) - resent);
            final CampaignResult sum = stats(first, id);
            final int sent = countSent("k", recipients);
            assertThat(sum.counter(COUNTER_FANNED_OUT)).as("fanned out").isBetween(sent - resent, (long)sent);
            assertThat(sum.counter(COUNTER_TARGETED)).as("targeted").isBetween(recipients - accepted, (long)recipients);
        }
        finally
        {
            if (victim != null)
            {
                victim.close();
                await("the partitions back with the three",
                    () -> nodes.stream().allMatch(n -> n.ownedPartitions() == 2));
            }
        }
    }

    /**
     * Partial ops of one recipient through a node, then the broker's cleaner compacts the directory topic, then a node
     * that never held the partition takes it and reads the topic: its row has what every op set. (Keyed by the
     * recipient alone, compaction kept only the recipient's last op, and such a node lost the others.)
     */
    @Test
    void aNodeReadingTheDirectoryAfterCompactionHasWhatEveryPartialOpSet() throws Exception
    {
        final String topic = "dirlate";
        cluster.broker.createClusterTopics(topic, 1);
        // segments roll 100 ms after their first record and are cleaned at once: the cleaner runs within seconds
        cluster.broker.createTopic(topic + "-directory", 1, java.util.Map.of("cleanup.policy", "compact",
            "segment.ms", "100", "min.cleanable.dirty.ratio", "0.01", "min.compaction.lag.ms", "0"));
        final java.util.function.Consumer<io.dispatch.config.Settings> onTopic = s ->
        {
            s.set(ClusterSettings.TOPIC, topic);
            s.set(ClusterSettings.GROUP_ID, topic);
        };
        try (ClusterNode writer = cluster.startNode("dirlate-writer", onTopic))
        {
            await("the writer owns the partition", () -> writer.ownedPartitions() == 1);
            try (RawConnection c = RawConnection.open(writer.dispatcher().port(), "demo", "demo-key"))
            {
                directory(c, new DirectoryOpWriter().patch("late").string("grade", "gold").toBytes());
                directory(c, new DirectoryOpWriter().patch("late").string("grade", "silver").toBytes());
                directory(c, new DirectoryOpWriter().patch("late").string("region", "busan").addTag("vip").toBytes());
                // later records roll the segment holding those three; the cleaner then drops the superseded "gold"
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                for (int roll = 0; directoryTopicHolds(topic + "-directory", "gold"); roll++)
                {
                    assertThat(System.nanoTime()).as("the cleaner compacted the directory topic within 90 s")
                        .isLessThan(deadline);
                    directory(c, new DirectoryOpWriter().patch("roll-" + roll).string("grade", "x").toBytes());
                    Thread.sleep(200); // the broker's cleaner has no event to await from a client; polled with a bound
                }
            }
        }
        try (ClusterNode reader = cluster.startNode("dirlate-reader", onTopic))
        {
            await("the late reader owns the partition", () -> reader.ownedPartitions() == 1);
            final Path readerDir = dir.resolve("dirlate-reader");
            await("the late reader applied the row's last op", () ->
            {
                final java.net.http.HttpResponse<String> row = io.dispatch.testing.AdminHttp.get(
                    reader.dispatcher().adminPort(), readerDir, "/tenants/demo/recipients/late");
                return row.statusCode() == 200 && row.body().contains("\"region\":\"busan\"");
            });
            final String row = io.dispatch.testing.AdminHttp.get(reader.dispatcher().adminPort(), readerDir,
                "/tenants/demo/recipients/late").body();
            assertThat(row).as("the earlier PATCH's field").contains("\"grade\":\"silver\"").contains("vip");
        }
    }

    private static void directory(final RawConnection c, final byte[] op) throws Exception
    {
        final long corr = CORRELATION.getAndIncrement();
        c.send(b -> TargetingFrames.directoryUpdate(b, corr, List.of(op)));
        final DirectoryResult result = DirectoryResult.of(c.read());
        assertThat(result.applied()).as("%s", result.rejected()).isEqualTo(1);
    }

    /** Reads the (single-partition) topic from its start: whether any record's value contains {@code text}. */
    private static boolean directoryTopicHolds(final String topic, final String text)
    {
        final java.util.Properties p = new java.util.Properties();
        p.setProperty("bootstrap.servers", cluster.broker.bootstrapServers());
        p.setProperty("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        p.setProperty("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer =
            new org.apache.kafka.clients.consumer.KafkaConsumer<>(p))
        {
            final org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            final long end = consumer.endOffsets(List.of(tp)).get(tp);
            final byte[] wanted = text.getBytes(StandardCharsets.UTF_8);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(tp) < end)
            {
                assertThat(System.nanoTime()).as("read %s to its end within 30 s", topic).isLessThan(deadline);
                for (final var r : consumer.poll(java.time.Duration.ofSeconds(1)))
                {
                    if (r.value() != null && indexOf(r.value(), wanted) >= 0)
                    {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private static int indexOf(final byte[] haystack, final byte[] needle)
    {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static ClusterNode startNode(final int i) throws Exception
    {
        return cluster.startNode("node-" + i, s ->
        {
            s.set("template.promo", TEMPLATE);
            s.set("policy.night.sms", "off"); // the wall clock may be in Seoul's night
        });
    }

    /** Recipients {@code prefix + i}, tagged {@code prefix}, with a phone, SMS ad consent and their own text. */
    private static void load(final RawConnection c, final String prefix, final int count) throws Exception
    {
        final long before = nodes.stream().mapToLong(ClusterNode::directoryRowsApplied).sum();
        final List<byte[]> ops = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            ops.add(new DirectoryOpWriter().upsert(prefix + i)
                .string("phone", String.format("010%s%07d", prefix.equals("r") ? "5" : prefix.equals("j") ? "6" : "7",
                    i))
                .string("code", prefix + i).addTag(prefix).consentField("sms", 1, 0, 0, "signup").toBytes());
        }
        // a row the node reached can tell is bad is rejected in the answer, by its index, and written nowhere
        ops.add(new DirectoryOpWriter().upsert(prefix + "-bad").string("gender", "Q").toBytes());
        final long corr = CORRELATION.getAndIncrement();
        c.send(b -> TargetingFrames.directoryUpdate(b, corr, ops));
        final DirectoryResult result = DirectoryResult.of(c.read());
        assertThat(result.applied()).isEqualTo(count);
        assertThat(result.rejected()).containsOnlyKeys(count);
        assertThat(result.rejected().get(count)).contains("gender");
        await("every row applied by its owner",
            () -> nodes.stream().mapToLong(ClusterNode::directoryRowsApplied).sum() >= before + count);
    }

    /** The command line of a child node: the in-JVM nodes' settings, on its own data dir. */
    private static List<String> childArgs(final Path nodeDir) throws Exception
    {
        final List<String> args = new ArrayList<>();
        final Settings s = ClusterFixture.nodeSettings(Files.createDirectories(nodeDir), peer);
        s.withPrefix("").forEach((k, v) ->
        {
            if (!k.equals("data.dir") && !k.equals("ingest.port") && !k.equals("admin.port"))
            {
                args.addAll(List.of("--set", k + "=" + v));
            }
        });
        args.addAll(List.of("--set", ClusterSettings.BOOTSTRAP_SERVERS + "=" + cluster.broker.bootstrapServers(),
            "--set", ClusterSettings.TOPIC + "=camp", "--set", ClusterSettings.GROUP_ID + "=camp",
            "--set", ClusterSettings.NODE_NAME + "=victim", "--set", "template.promo=" + TEMPLATE,
            "--set", "policy.night.sms=off"));
        return args;
    }

    /** SUBMITs {@code prefix + i} through {@code c}, each acked before the next window. */
    private static void submit(final RawConnection c, final String prefix, final int from, final int count)
        throws Exception
    {
        for (int i = from; i < from + count; i++)
        {
            c.submit(i, MessageKind.INFORMATIONAL, ChannelType.SMS, prefix + i, "+8213" + (10_000_000 + i), prefix + i);
        }
        for (int i = from; i < from + count; i++)
        {
            final RawConnection.Frame f = c.read();
            assertThat(f.type).as("answer to %s%d: %s", prefix, i, f).isEqualTo(MessageType.ACK);
        }
    }

    private static String text(final String prefix, final int i)
    {
        return "(광고)[shop] " + prefix + i + " 고객님 쿠폰 무료수신거부 080-000-0000";
    }

    private static int countSent(final String prefix, final List<Integer> which)
    {
        int sent = 0;
        for (final int i : which)
        {
            sent += peer.count(text(prefix, i));
        }
        return sent;
    }

    private static long takenOver()
    {
        return nodes.stream().mapToLong(ClusterNode::campaignRecipientsTakenOver).sum();
    }

    /** @return how many of the recipients got the campaign at least once. */
    private static int distinct(final String prefix, final int count)
    {
        int sent = 0;
        for (int i = 0; i < count; i++)
        {
            sent += peer.count(text(prefix, i)) > 0 ? 1 : 0;
        }
        return sent;
    }

    private static int countSent(final String prefix, final int count)
    {
        int sent = 0;
        for (int i = 0; i < count; i++)
        {
            sent += peer.count(text(prefix, i));
        }
        return sent;
    }

    /** @return the node owning the partition of a recipient's directory row. */
    private static int ownerOf(final String recipient)
    {
        final int owner = ownerOrMinusOne(recipient);
        if (owner < 0)
        {
            throw new AssertionError("no node of this JVM owns the row of " + recipient);
        }
        return owner;
    }

    /** @return the node of this JVM owning the partition of a recipient's directory row, -1 when none does. */
    private static int ownerOrMinusOne(final String recipient)
    {
        final byte[] id = recipient.getBytes(StandardCharsets.UTF_8);
        final int partition = ProducingIntake.partition(
            DirectoryRows.recipientKey("demo".getBytes(StandardCharsets.UTF_8), id, 0, id.length), PARTITIONS);
        for (int n = 0; n < NODES; n++)
        {
            if (nodes.get(n).owns(partition))
            {
                return n;
            }
        }
        return -1;
    }

    private static long local(final ClusterNode n, final long id, final int counter)
    {
        final CampaignCounters counters = n.localCampaignCounters(id);
        return counters == null ? 0 : counters.counters().getOrDefault(counter, 0L);
    }

    private static int localState(final ClusterNode n, final long id)
    {
        final CampaignCounters counters = n.localCampaignCounters(id);
        return counters == null ? 0 : counters.state();
    }

    /** An SMS campaign to the recipients tagged {@code tag} (those {@link #load} gave that prefix). */
    private static CampaignResult campaign(final RawConnection c, final String name, final int pacing, final String tag)
        throws Exception
    {
        final long corr = CORRELATION.getAndIncrement();
        c.send(b -> TargetingFrames.campaign(b, corr, false, pacing, 0, name, "", new byte[] {ChannelType.SMS.code()},
            "tag('" + tag + "')", 1, "promo"));
        return CampaignResult.of(c.read());
    }

    private static CampaignResult control(final RawConnection c, final long id, final byte action) throws Exception
    {
        final long corr = CORRELATION.getAndIncrement();
        c.send(b -> TargetingFrames.control(b, corr, id, action));
        return CampaignResult.of(c.read());
    }

    private static CampaignResult stats(final RawConnection c, final long id) throws Exception
    {
        final long corr = CORRELATION.getAndIncrement();
        c.send(b -> TargetingFrames.stats(b, corr, id, null));
        return CampaignResult.of(c.read());
    }

    /** A condition that may ask a node over the protocol. */
    private interface Condition
    {
        boolean holds() throws Exception;
    }

    /** Polls a condition the nodes have no event for, bounded at 30 s. */
    private static void await(final String what, final Condition condition) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.holds())
        {
            assertThat(System.nanoTime()).as("waiting for: %s", what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
