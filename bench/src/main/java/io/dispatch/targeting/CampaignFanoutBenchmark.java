package io.dispatch.targeting;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import io.dispatch.bench.AbstractBenchmark;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.directory.Directory;
import io.dispatch.directory.TenantDirectory;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;
import io.dispatch.status.LaneAdmission;
import io.dispatch.testing.TargetingFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The campaign fan-out alone (issue 5 target: ≥ 500k recipients/s into the ring, pacing off): one
 * invocation publishes a whole 1M-recipient audience from a real directory into a real Disruptor ring of
 * {@link DispatchEvent}s, on the targeting thread's code path ({@link CampaignFanout#publish}: channel choice,
 * consent, template variables from attributes, body written into the slot). The ring's consumer only releases
 * the lane admission, as the hand-off would; the ring's own stages (dedup, policy, journal) are measured by
 * {@code RingJournalBenchmark}, {@code PolicyChainBenchmark} and, all together, by the load test
 * {@code CampaignFanoutThroughputTest}. Allocation: {@code -prof gc}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class CampaignFanoutBenchmark extends AbstractBenchmark
{
    private static final int RECIPIENTS = 1_000_000;
    private static final int TENANT = 1;

    private Disruptor<DispatchEvent> disruptor;
    private CampaignFanout fanout;
    private TenantDirectory directory;
    private Campaign campaign;

    @Setup(Level.Trial)
    public void build() throws Exception
    {
        final Directory all = new Directory();
        final DirectoryOpWriter w = new DirectoryOpWriter();
        final DirectoryOp op = new DirectoryOp();
        for (int i = 0; i < RECIPIENTS; i++)
        {
            w.upsert("member-" + i).string("phone", String.format("010%08d", i))
                .string("region", i % 3 == 0 ? "Seoul" : "Busan").consentField("sms", 1, 0, 0, "bench");
            op.wrap(w.buffer(), 0, w.length()).validate();
            all.apply(TENANT, op, 1L);
        }
        directory = all.tenant(TENANT);

        final TemplateRegistry templates = new TemplateRegistry(Map.of("promo",
            "(광고)[shop] #{region} 고객님 주말 쿠폰 #{coupon} 무료수신거부 080-000-0000"));
        final ByteBuf frame = Unpooled.buffer();
        TargetingFrames.campaign(frame, 1, false, 0, 0, "bench", "", new byte[] {ChannelType.SMS.code()},
            "consent('sms')", (int)ChannelType.SMS.code(), "promo");
        final byte[] body = new byte[frame.readableBytes() - FrameDescriptor.HEADER_LENGTH];
        frame.getBytes(FrameDescriptor.HEADER_LENGTH, body);
        campaign = new Campaign(42, TENANT, CampaignSpec.parse(body, 0, body.length, templates), 1);
        campaign.audience = directory.live();

        final LaneAdmission[] admission = new LaneAdmission[4];
        for (int c = 1; c < 4; c++)
        {
            admission[c] = new LaneAdmission(1 << 22);
        }
        disruptor = new Disruptor<>(DispatchEvent::new, 65536, DaemonThreadFactory.INSTANCE, ProducerType.MULTI,
            new YieldingWaitStrategy());
        final EventHandler<DispatchEvent> handoff = (e, sequence, endOfBatch) -> admission[e.channel].release(e.kind != io.dispatch.protocol.MessageKind.MARKETING.code());
        disruptor.handleEventsWith(handoff);
        disruptor.start();
        // no marketing share (0 = unlimited): the handler stands in for the stages up to hand-off, not the ack stage
        fanout = new CampaignFanout(disruptor.getRingBuffer(), admission, templates,
            new RingPort("targeting", 65536 / 2), new io.dispatch.ring.MarketingShare(0));
        fanout.resolveAttributes(campaign, directory);
    }

    @TearDown(Level.Trial)
    public void stop()
    {
        disruptor.halt();
    }

    @Benchmark
    @OperationsPerInvocation(RECIPIENTS)
    public long fanOutOneMillion()
    {
        final Campaign c = campaign;
        c.seek(0);
        long published = 0;
        while (c.cursor.hasNext())
        {
            final int result = fanout.publish(c, directory, c.cursor.peekNext(), Integer.MAX_VALUE);
            if (result == CampaignFanout.BLOCKED)
            {
                fanout.flush();
                Thread.onSpinWait();
                continue;
            }
            published += result;
            c.cursor.next();
        }
        fanout.flush();
        return published;
    }
}
