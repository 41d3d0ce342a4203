package io.dispatch.targeting;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.Settings;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.config.TenantRegistry;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.MessageType;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;
import io.dispatch.status.CampaignStats;
import io.dispatch.status.CancelledCampaigns;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.status.LaneAdmission;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.TargetingFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster mode's campaign takeover on the targeting thread, with its directory journal on disk and a real ring whose
 * consumer stands in for the journal stage: a partition lost mid-fan-out is skipped here, what was fanned out is
 * reported handled once the ring passed it, a takeover adds the partition's unhandled recipients to what is left, and
 * a restart resumes the audience as the takeover left it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CampaignTakeOverTest
{
    private static final int RING = 256;
    private static final int RECIPIENTS = 10;
    private static final java.util.regex.Pattern PHONE = java.util.regex.Pattern.compile("0107\\d{7}");

    @TempDir
    Path dir;

    private final List<String> published = new CopyOnWriteArrayList<>();
    private final List<String> answers = new CopyOnWriteArrayList<>();
    private final Partitions cluster = new Partitions();
    private final Disruptor<DispatchEvent> disruptor = new Disruptor<>(DispatchEvent::new, RING,
        DaemonThreadFactory.INSTANCE, ProducerType.MULTI, new BlockingWaitStrategy());
    private final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");
    private RingBuffer<DispatchEvent> ring;
    private TargetingConductor conductor;

    /** The cluster as the targeting thread sees it: which recipients' partitions moved, and what it reported. */
    private static final class Partitions implements ClusterTargeting
    {
        final Set<String> elsewhere = ConcurrentHashMap.newKeySet();
        final Set<String> handled = ConcurrentHashMap.newKeySet();
        volatile Set<String> takingOver = Set.of();
        volatile Set<String> handledThere = Set.of();

        @Override
        public void attach(final TargetingConductor local, final TenantRegistry tenants)
        {
        }

        @Override
        public boolean offer(final TargetingRequest request)
        {
            return false;
        }

        @Override
        public boolean owns(final byte[] tenantName, final byte[] recipientId, final int length)
        {
            return !elsewhere.contains(new String(recipientId, 0, length, StandardCharsets.UTF_8));
        }

        @Override
        public boolean fansOut(final byte[] tenantName, final byte[] recipientId, final int length)
        {
            return owns(tenantName, recipientId, length);
        }

        @Override
        public boolean takesOver(final byte[] tenantName, final byte[] recipientId, final int length)
        {
            return takingOver.contains(new String(recipientId, 0, length, StandardCharsets.UTF_8));
        }

        @Override
        public boolean handledThere(final byte[] tenantName, final byte[] recipientId, final int length)
        {
            return handledThere.contains(new String(recipientId, 0, length, StandardCharsets.UTF_8));
        }

        @Override
        public void handled(final byte[] campaignName, final byte[] tenantName, final byte[] recipientId,
            final int length)
        {
            handled.add(new String(recipientId, 0, length, StandardCharsets.UTF_8));
        }

        @Override
        public void handledFlush()
        {
        }
    }

    private TargetingConductor start() throws Exception
    {
        if (ring == null)
        {
            disruptor.handleEventsWith((e, sequence, endOfBatch) ->
            {
                if (e.type == DispatchEvent.SUBMIT && e.campaignId != 0)
                {
                    // the recipient's address, as the SUBMIT body carries it
                    final java.util.regex.Matcher m = PHONE.matcher(new String(e.body, 0, e.bodyLength,
                        StandardCharsets.ISO_8859_1));
                    published.add(m.find() ? m.group() : "?");
                }
            });
            ring = disruptor.start();
        }
        final Settings s = EngineFixture.settings(dir);
        s.set("template.promo", "(광고)[shop] #{code} 무료수신거부 080-000-0000");
        final DispatcherConfig config = DispatcherConfig.from(s);
        final Counters counters = new Counters();
        final DistinctErrorLog errors = new DistinctErrorLog(counters);
        final TemplateRegistry templates = new TemplateRegistry(config.templates());
        final LaneAdmission[] admission = new LaneAdmission[4];
        admission[ChannelType.SMS.code()] = new LaneAdmission(10_000);
        final TargetingConductor c = new TargetingConductor(dir, config.rollCycle(), 16, 1_000_000, 0,
            new TenantRegistry(config.tenants()), templates,
            new CampaignFanout(ring, admission, templates, new RingPort("targeting", RING / 2),
                new io.dispatch.ring.MarketingShare(0)),
            new ConsentPublisher(ring, new RingPort("targeting", RING / 2), counters, errors), new CampaignStats(),
            new CancelledCampaigns(), 86_400_000L, clock, errors, cluster);
        c.load();
        conductor = c;
        return c;
    }

    @AfterEach
    void stop()
    {
        if (conductor != null)
        {
            conductor.onClose();
        }
        disruptor.halt();
    }

    @Test
    void aFinishedCampaignTakesOverTheRecipientsTheClusterHandsItAndReportsThemHandled() throws Exception
    {
        final TargetingConductor c = start();
        load(c);
        final byte[] body = campaignBody(0);
        assertThat(c.offer(new TargetingRequest(TargetingRequest.CAMPAIGN, 1, this::answer, 100, body))).isTrue();
        run(c, () -> published.size() == RECIPIENTS && cluster.handled.size() == RECIPIENTS);
        assertThat(published).as("no pacing: the whole audience at once").hasSize(RECIPIENTS);
        assertThat(cluster.handled).as("reported handled once the ring passed them").hasSize(RECIPIENTS);

        // a partition gained: the cluster hands over the recipients no owner of it marked handled
        cluster.handled.clear();
        published.clear();
        cluster.takingOver = Set.of("r0", "r2");
        assertThat(c.offer(new TargetingRequest(TargetingRequest.CAMPAIGN_TAKE_OVER, 1, this::answer, 101,
            takeOverBody(body, (byte)0)))).isTrue();
        run(c, () -> published.size() == 2 && cluster.handled.size() == 2);
        assertThat(published).containsExactlyInAnyOrder(phone(0), phone(2));
        assertThat(cluster.handled).containsExactlyInAnyOrder("r0", "r2");
        assertThat(campaignStats(c).targeted).isEqualTo(RECIPIENTS + 2);
    }

    @Test
    void recipientsLeftHereThatAnotherOwnerHandledMeanwhileAreDroppedAtTheTakeOver() throws Exception
    {
        final TargetingConductor c = start();
        load(c);
        final byte[] body = campaignBody(10);
        assertThat(c.offer(new TargetingRequest(TargetingRequest.CAMPAIGN, 1, this::answer, 100, body))).isTrue();
        c.doWork();
        assertThat(answers).contains("CAMPAIGN_RESULT 100");
        // paused with all ten left; their partition moves away and back while the other owner handles r3 and r6
        assertThat(c.offer(new TargetingRequest(TargetingRequest.CAMPAIGN_CONTROL, 1, this::answer, 101,
            control(campaignId(c), CampaignDescriptor.ACTION_PAUSE)))).isTrue();
        run(c, () -> answers.contains("CAMPAIGN_RESULT 101"));
        cluster.handledThere = Set.of("r3", "r6");
        assertThat(c.offer(new TargetingRequest(TargetingRequest.CAMPAIGN_TAKE_OVER, 1, this::answer, 102,
            takeOverBody(body, (byte)0)))).isTrue();
        run(c, () -> answers.contains("CAMPAIGN_RESULT 102"));
        cluster.handledThere = Set.of();
        assertThat(c.offer(new TargetingRequest(TargetingRequest.CAMPAIGN_CONTROL, 1, this::answer, 103,
            control(campaignId(c), CampaignDescriptor.ACTION_RESUME)))).isTrue();
        run(c, () -> published.size() == RECIPIENTS - 2);
        for (int i = 0; i < 20; i++)
        {
            c.doWork();
            clock.jump(100);
        }
        assertThat(published).hasSize(RECIPIENTS - 2).doesNotContain(phone(3), phone(6));
        assertThat(campaignStats(c).targeted).isEqualTo(RECIPIENTS - 2);
    }

    @Test
    void aRecipientWhosePartitionMovedIsSkippedAndATakeOverSurvivesARestart() throws Exception
    {
        TargetingConductor c = start();
        load(c);
        // paced: the start fans out nobody yet, with all ten in its audience; then r5..r9's partition moves away
        final byte[] body = campaignBody(10);
        assertThat(c.offer(new TargetingRequest(TargetingRequest.CAMPAIGN, 1, this::answer, 100, body))).isTrue();
        c.doWork();
        assertThat(answers).contains("CAMPAIGN_RESULT 100");
        for (int i = 5; i < RECIPIENTS; i++)
        {
            cluster.elsewhere.add("r" + i);
        }
        run(c, () -> published.size() == 5 && cluster.handled.size() == 5);
        for (int i = 0; i < 20; i++)
        {
            c.doWork();
            clock.jump(100);
        }
        assertThat(published).containsExactlyInAnyOrder(phone(0), phone(1), phone(2), phone(3), phone(4));
        assertThat(cluster.handled).as("skipped recipients are not reported: their partition's owner takes them")
            .containsExactlyInAnyOrder("r0", "r1", "r2", "r3", "r4");
        assertThat(campaignStats(c).targeted).as("targeted: the skipped ones are counted where they are sent")
            .isEqualTo(5);

        // the partition comes back while the campaign is paused across the cluster: r6 was handled by the node that
        // had it; a restart before the rest is fanned out
        cluster.elsewhere.clear();
        cluster.takingOver = Set.of("r5", "r7", "r8", "r9");
        assertThat(c.offer(new TargetingRequest(TargetingRequest.CAMPAIGN_TAKE_OVER, 1, this::answer, 101,
            takeOverBody(body, TargetingRequest.TAKE_OVER_PAUSED)))).isTrue();
        run(c, () -> answers.contains("CAMPAIGN_RESULT 101"));
        assertThat(published).as("paused: nothing more fanned out").hasSize(5);
        c.onClose();
        conductor = null;
        published.clear();
        cluster.takingOver = Set.of();

        c = start();
        final LocalAnswer restarted = campaignStats(c);
        assertThat(restarted.targeted).as("targeted after the restart: 5 sent, 4 taken over").isEqualTo(9);
        final long id = restarted.campaignId;
        assertThat(c.offer(new TargetingRequest(TargetingRequest.CAMPAIGN_CONTROL, 1, this::answer, 102,
            control(id, CampaignDescriptor.ACTION_RESUME)))).isTrue();
        run(c, () -> published.size() == 4);
        for (int i = 0; i < 20; i++)
        {
            c.doWork();
            clock.jump(100);
        }
        assertThat(published).as("the audience the takeover left, after a restart")
            .containsExactlyInAnyOrder(phone(5), phone(7), phone(8), phone(9));
    }

    private void load(final TargetingConductor c)
    {
        for (int i = 0; i < RECIPIENTS; i++)
        {
            assertThat(c.offer(update(i, new DirectoryOpWriter().upsert("r" + i).string("phone", phone(i))
                .string("code", "r" + i).addTag("t").consentField("sms", 1, 0, 0, "signup")))).isTrue();
        }
        run(c, () -> answers.size() == RECIPIENTS);
    }

    private long campaignId(final TargetingConductor c)
    {
        return campaignStats(c).campaignId;
    }

    private LocalAnswer campaignStats(final TargetingConductor c)
    {
        final LocalAnswer a = new LocalAnswer();
        final byte[] name = "moved".getBytes(StandardCharsets.UTF_8);
        final byte[] b = new byte[9 + name.length];
        b[8] = (byte)name.length;
        System.arraycopy(name, 0, b, 9, name.length);
        assertThat(c.offer(new TargetingRequest(TargetingRequest.CAMPAIGN_STATS, 1, a, 103, b))).isTrue();
        run(c, () -> a.campaignId != 0);
        return a;
    }

    private static final class LocalAnswer implements Requester
    {
        volatile long targeted;
        volatile long campaignId;

        @Override
        public void answer(final ByteBuf frame)
        {
            final int body = frame.readerIndex() + FrameDescriptor.HEADER_LENGTH;
            for (int i = 0, n = frame.getUnsignedShortLE(body + 10); i < n; i++)
            {
                if (frame.getUnsignedShortLE(body + 12 + i * 10) == CampaignDescriptor.COUNTER_TARGETED)
                {
                    targeted = frame.getLongLE(body + 14 + i * 10);
                }
            }
            campaignId = frame.getLongLE(body);
            frame.release();
        }
    }

    private static byte[] control(final long id, final byte action)
    {
        final byte[] b = new byte[9];
        for (int i = 0; i < 8; i++)
        {
            b[i] = (byte)(id >>> (8 * i));
        }
        b[8] = action;
        return b;
    }

    /** Runs the targeting thread's duty cycle until the condition holds (bounded by the class timeout). */
    private void run(final TargetingConductor c, final BooleanSupplier until)
    {
        while (!until.getAsBoolean())
        {
            c.doWork();
            clock.jump(100);
            Thread.onSpinWait();
        }
    }

    private static String phone(final int i)
    {
        return String.format("0107%07d", i);
    }

    private static byte[] campaignBody(final int pacing)
    {
        final ByteBuf b = Unpooled.buffer();
        TargetingFrames.campaign(b, 1, false, pacing, 0, "moved", "", new byte[] {ChannelType.SMS.code()}, "tag('t')",
            1, "promo");
        final byte[] body = new byte[b.readableBytes() - FrameDescriptor.HEADER_LENGTH];
        b.getBytes(FrameDescriptor.HEADER_LENGTH, body);
        return body;
    }

    private static byte[] takeOverBody(final byte[] campaign, final byte flags)
    {
        final byte[] b = new byte[1 + campaign.length];
        b[0] = flags;
        System.arraycopy(campaign, 0, b, 1, campaign.length);
        return b;
    }

    private TargetingRequest update(final long correlationId, final DirectoryOpWriter op)
    {
        final byte[] body = new byte[DirectoryOp.BATCH_HEADER_LENGTH + 2 + op.length()];
        body[0] = 1;
        body[DirectoryOp.BATCH_HEADER_LENGTH] = (byte)op.length();
        body[DirectoryOp.BATCH_HEADER_LENGTH + 1] = (byte)(op.length() >>> 8);
        System.arraycopy(op.buffer(), 0, body, DirectoryOp.BATCH_HEADER_LENGTH + 2, op.length());
        return new TargetingRequest(TargetingRequest.DIRECTORY_UPDATE, 1, this::answer, correlationId, body);
    }

    private void answer(final ByteBuf frame)
    {
        answers.add(MessageType.name(frame.getByte(FrameDescriptor.TYPE_OFFSET)) + " "
            + frame.getLongLE(FrameDescriptor.CORRELATION_ID_OFFSET));
        frame.release();
    }
}
