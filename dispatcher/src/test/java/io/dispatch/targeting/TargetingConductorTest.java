package io.dispatch.targeting;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.config.TenantRegistry;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.ConsentFrame;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.MessageType;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.MarketingShare;
import io.dispatch.ring.RingPort;
import io.dispatch.status.CampaignStats;
import io.dispatch.status.CancelledCampaigns;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.status.LaneAdmission;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The targeting agent driven by {@code doWork()}, with its directory journal on disk and a real Disruptor ring
 * whose consumer (standing in for the journal stage) the test holds and releases.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TargetingConductorTest
{
    private static final int RING = 64;

    @TempDir
    Path dir;

    private final CountDownLatch journalStage = new CountDownLatch(1);
    private final List<String> journaled = new CopyOnWriteArrayList<>();
    private final List<String> answers = new CopyOnWriteArrayList<>();
    private final Disruptor<DispatchEvent> disruptor = new Disruptor<>(DispatchEvent::new, RING,
        DaemonThreadFactory.INSTANCE, ProducerType.MULTI, new BlockingWaitStrategy());
    private TargetingConductor conductor;

    private TargetingConductor start() throws Exception
    {
        disruptor.handleEventsWith((e, sequence, endOfBatch) ->
        {
            journalStage.await();
            if (e.type == DispatchEvent.CONSENT)
            {
                journaled.add((e.body[ConsentFrame.KIND_OFFSET] == ConsentFrame.LINK ? "link" : "+" + e.body[2])
                    + " " + new String(e.body, 7, e.body[6]));
            }
        });
        final RingBuffer<DispatchEvent> ring = disruptor.start();
        final DispatcherConfig config = DispatcherConfig.from(EngineFixture.settings(dir));
        final Counters counters = new Counters();
        final DistinctErrorLog errors = new DistinctErrorLog(counters);
        final TemplateRegistry templates = new TemplateRegistry(config.templates());
        conductor = new TargetingConductor(dir, config.rollCycle(), 16, 1_000_000, 0, new TenantRegistry(config.tenants()),
            templates, new CampaignFanout(ring, new LaneAdmission[4], templates, new RingPort("targeting", RING / 2),
                new MarketingShare(0)),
            new ConsentPublisher(ring, new RingPort("targeting", RING / 2), counters, errors), new CampaignStats(),
            new CancelledCampaigns(),
            86_400_000L, JumpClock.atSeoul("2026-11-25T12:00:00"), errors);
        conductor.load();
        return conductor;
    }

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

    @Test
    void shouldAnswerADirectoryUpdateOnlyOnceTheConsentItTakesAwayIsJournaled() throws Exception
    {
        final TargetingConductor c = start();
        assertThat(c.offer(update(1, new DirectoryOpWriter().upsert("r1").string("phone", "01011112222")
            .consentField("sms", ConsentFlags.OPTED_OUT, ConsentFlags.AD, 0, "crm")))).isTrue();
        assertThat(c.offer(update(2, new DirectoryOpWriter().upsert("r2").string("phone", "01033334444")))).isTrue();
        for (int i = 0; i < 20; i++)
        {
            c.doWork();
        }
        assertThat(answers).as("nothing answered, nor the next batch taken, before the journal has it").isEmpty();

        journalStage.countDown();
        final long end = System.currentTimeMillis() + 10_000;
        while (answers.size() < 2 && System.currentTimeMillis() < end)
        {
            c.doWork();
            Thread.sleep(1);
        }
        // the restriction, then the address link of each batch
        assertThat(journaled).containsExactly("+8 01011112222", "link 01011112222", "link 01033334444");
        assertThat(answers).containsExactly("DIRECTORY_RESULT 1", "DIRECTORY_RESULT 2");
    }
}
