package io.dispatch.targeting;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.config.TenantRegistry;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.MessageType;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.MarketingShare;
import io.dispatch.ring.RingPorts;
import io.dispatch.stage.AckHandler;
import io.dispatch.stage.SessionFlusher;
import io.dispatch.status.CampaignStats;
import io.dispatch.status.CancelledCampaigns;
import io.dispatch.status.ClassLatency;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.status.LaneAdmission;
import io.dispatch.status.StatusTable;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.TargetingFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, the ring bound for campaign traffic: a campaign fanning out as fast as it can holds no more of the dispatch
 * ring than the marketing share ({@code ring.marketingSlots}) it shares with clients' marketing, so an OTP queues
 * behind at most that much. The targeting agent runs on the test thread with its directory journal on disk; the ring
 * is a real Disruptor whose first handler (standing in for the stages up to the journal) the test holds, followed by
 * the real ack stage, which gives the share back.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CampaignRingShareTest
{
    private static final int RING = 1024;
    private static final int SHARE = 32;
    private static final int CLIENT_MARKETING = 10;
    private static final int AUDIENCE = 300;

    @TempDir
    Path dir;

    /** Open while the directory is built; closed to hold the ring while the campaign fans out. */
    private volatile CountDownLatch journalStage = new CountDownLatch(0);
    private final AtomicInteger campaignJournaled = new AtomicInteger();
    private final List<String> answers = new CopyOnWriteArrayList<>();
    private final Disruptor<DispatchEvent> disruptor = new Disruptor<>(DispatchEvent::new, RING,
        DaemonThreadFactory.INSTANCE, ProducerType.MULTI, new BlockingWaitStrategy());
    private final RingPorts ports = new RingPorts(RING, 50, SHARE);
    private final MarketingShare share = ports.marketing();
    private TargetingConductor conductor;
    private RingBuffer<DispatchEvent> ring;

    @AfterEach
    void stop()
    {
        journalStage.countDown();
        if (conductor != null)
        {
            conductor.onClose();
        }
        disruptor.halt();
    }

    /** Starts the ring and the targeting agent, whose SMS lane admits {@code smsCapacity}, and loads the audience. */
    private void start(final long smsCapacity) throws Exception
    {
        final Counters counters = new Counters();
        final DistinctErrorLog errors = new DistinctErrorLog(counters);
        disruptor.handleEventsWith((e, sequence, endOfBatch) ->
        {
            journalStage.await();
            if (e.type == DispatchEvent.SUBMIT && e.campaignId != 0)
            {
                campaignJournaled.incrementAndGet();
            }
        }).then(new AckHandler(new SessionFlusher(), counters, errors, new StatusTable(64), new ClassLatency(""),
            share, RING));
        ring = disruptor.start();

        final DispatcherConfig config = DispatcherConfig.from(EngineFixture.settings(dir));
        final TemplateRegistry templates =
            new TemplateRegistry(Map.of("promo", "(광고)[shop] 쿠폰 무료수신거부 080-000-0000"));
        final LaneAdmission[] admission = new LaneAdmission[ChannelType.CODES];
        admission[ChannelType.SMS.code()] = new LaneAdmission(smsCapacity, 20);
        conductor = new TargetingConductor(dir, config.rollCycle(), 16, 1_000_000, 0,
            new TenantRegistry(config.tenants()), templates,
            new CampaignFanout(ring, admission, templates, ports.targeting(), share),
            new ConsentPublisher(ring, ports.targeting(), counters, errors), new CampaignStats(),
            new CancelledCampaigns(), 86_400_000L, JumpClock.atSeoul("2026-11-25T12:00:00"), errors);
        conductor.load();

        assertThat(conductor.offer(audience())).isTrue();
        runUntil(() -> answers.contains("DIRECTORY_RESULT 1"));
    }

    @Test
    void shouldHoldACampaignWithinTheMarketingShareItSharesWithClientsAndGoOnWhenTheAckStageGivesItBack()
        throws Exception
    {
        start(100_000);
        journalStage = new CountDownLatch(1);
        // a bulk client's marketing SUBMITs hold part of the share, taken as the request adapter takes it
        for (int i = 0; i < CLIENT_MARKETING; i++)
        {
            assertThat(share.tryTake()).isTrue();
        }
        assertThat(conductor.offer(campaign())).isTrue();
        runUntil(() -> answers.contains("CAMPAIGN_RESULT 2"));
        int cycles = 0;
        while (conductor.doWork() > 0 && cycles++ < 100)
        {
            assertThat(share.held()).isLessThanOrEqualTo(SHARE);
        }
        assertThat(share.held()).as("the campaign took what the client left of the share, no more").isEqualTo(SHARE);
        assertThat(campaignSubmitsIn(ring)).isEqualTo(SHARE - CLIENT_MARKETING);
        assertThat(conductor.doWork()).as("no work while the share is full: the runner idles, it does not spin")
            .isZero();
        assertThat(share.tryTake()).as("the client's next marketing SUBMIT waits for the share too").isFalse();
        assertThat(ports.ingest().hasRoom(ring)).as("an OTP finds its ring slot").isTrue();

        journalStage.countDown();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (campaignJournaled.get() < AUDIENCE && System.nanoTime() < deadline)
        {
            if (conductor.doWork() == 0)
            {
                Thread.sleep(1); // as the targeting runner idles
            }
            assertThat(share.held()).isLessThanOrEqualTo(SHARE);
        }
        assertThat(campaignJournaled.get()).as("the fan-out went on as the ack stage gave slots back")
            .isEqualTo(AUDIENCE);
        share.release(CLIENT_MARKETING); // the client's SUBMITs answered
        runUntil(() -> share.held() == 0);
    }

    @Test
    void shouldClaimNoRingSlotsNorShareWhileTheLaneHasNoRoomForMarketing() throws Exception
    {
        start(10); // marketing may hold 8 of the lane's 10 (lane.<ch>.reservedPercent 20)
        assertThat(conductor.offer(campaign())).isTrue();
        runUntil(() -> answers.contains("CAMPAIGN_RESULT 2") && campaignJournaled.get() == 8 && share.held() == 0);
        int settling = 0;
        while (conductor.doWork() > 0 && settling++ < 10)
        {
            // the progress record of what was journaled
        }
        final long cursor = ring.getCursor();
        for (int i = 0; i < 50; i++)
        {
            assertThat(conductor.doWork()).as("the fan-out waits for the lane: no work, the runner sleeps").isZero();
        }
        assertThat(ring.getCursor()).as("no batch claimed and published as NOOPs while the lane is full")
            .isEqualTo(cursor);
        assertThat(share.held()).isZero();
    }

    /** Campaign SUBMITs published and not yet past the ack stage (which has not run while the ring is held). */
    private static int campaignSubmitsIn(final RingBuffer<DispatchEvent> ring)
    {
        int n = 0;
        for (long s = ring.getMinimumGatingSequence() + 1; s <= ring.getCursor(); s++)
        {
            final DispatchEvent e = ring.get(s);
            if (e.type == DispatchEvent.SUBMIT && e.campaignId != 0 && e.marketingSlot)
            {
                n++;
            }
        }
        return n;
    }

    private void runUntil(final java.util.function.BooleanSupplier done) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean() && System.nanoTime() < deadline)
        {
            if (conductor.doWork() == 0)
            {
                Thread.sleep(1);
            }
        }
        assertThat(done.getAsBoolean()).as("answers %s", answers).isTrue();
    }

    private TargetingRequest audience()
    {
        final ByteArrayOutputStream ops = new ByteArrayOutputStream();
        ops.write(AUDIENCE & 0xFF);
        ops.write(AUDIENCE >>> 8);
        ops.writeBytes(new byte[DirectoryOp.BATCH_HEADER_LENGTH - 2]);
        for (int i = 0; i < AUDIENCE; i++)
        {
            final DirectoryOpWriter op = new DirectoryOpWriter().upsert("r" + i)
                .string("phone", String.format("010%08d", i)).consentField("sms", ConsentFlags.AD, 0, 0, "crm");
            ops.write(op.length() & 0xFF);
            ops.write(op.length() >>> 8);
            ops.write(op.buffer(), 0, op.length());
        }
        return new TargetingRequest(TargetingRequest.DIRECTORY_UPDATE, 1, this::answer, 1, ops.toByteArray());
    }

    private TargetingRequest campaign()
    {
        final ByteBuf frame = Unpooled.buffer();
        TargetingFrames.campaign(frame, 2, false, 0, 0, "flat-out", "", new byte[] {ChannelType.SMS.code()},
            "consent('sms')", (int)ChannelType.SMS.code(), "promo");
        final byte[] body = new byte[frame.readableBytes() - FrameDescriptor.HEADER_LENGTH];
        frame.getBytes(FrameDescriptor.HEADER_LENGTH, body);
        frame.release();
        return new TargetingRequest(TargetingRequest.CAMPAIGN, 1, this::answer, 2, body);
    }

    private void answer(final ByteBuf frame)
    {
        answers.add(MessageType.name(frame.getByte(FrameDescriptor.TYPE_OFFSET)) + " "
            + frame.getLongLE(FrameDescriptor.CORRELATION_ID_OFFSET));
        frame.release();
    }
}
