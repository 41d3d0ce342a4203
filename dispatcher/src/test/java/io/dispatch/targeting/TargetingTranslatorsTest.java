package io.dispatch.targeting;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.directory.Directory;
import io.dispatch.directory.TenantDirectory;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.MarketingShare;
import io.dispatch.ring.RingPort;
import io.dispatch.ring.SlotSentinels;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.status.LaneAdmission;
import io.dispatch.testing.TargetingFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The targeting thread's producers publish into slots that last carried some other event (see
 * {@code io.dispatch.ring.TranslatorResetTest}): a campaign's SUBMIT, a directory consent restriction and the
 * unfilled rest of a claimed batch leave no field as the slot had it.
 */
class TargetingTranslatorsTest
{
    private static final int TENANT = 1;

    private final RingBuffer<DispatchEvent> ring = RingBuffer.createMultiProducer(DispatchEvent::new, 16);

    @BeforeEach
    void dirtyEverySlot()
    {
        ring.addGatingSequences(new Sequence()); // nothing consumes: what was published stays to be read
        for (int s = 0; s < ring.getBufferSize(); s++)
        {
            SlotSentinels.dirty(ring.get(s));
        }
    }

    @Test
    void campaignFanoutFillsASubmitAndNoopsFromScratch() throws CampaignSpec.Invalid
    {
        final Directory all = new Directory();
        final DirectoryOpWriter w = new DirectoryOpWriter();
        final DirectoryOp op = new DirectoryOp();
        w.upsert("member-0").string("phone", "01000000000").consentField("sms", 1, 0, 0, "test");
        op.wrap(w.buffer(), 0, w.length()).validate();
        all.apply(TENANT, op, 1L);
        final TenantDirectory directory = all.tenant(TENANT);
        final TemplateRegistry templates =
            new TemplateRegistry(Map.of("promo", "(광고)[shop] 쿠폰 무료수신거부 080-000-0000"));
        final ByteBuf frame = Unpooled.buffer();
        TargetingFrames.campaign(frame, 1, false, 0, 0, "test", "", new byte[] {ChannelType.SMS.code()},
            "consent('sms')", (int)ChannelType.SMS.code(), "promo");
        final byte[] body = new byte[frame.readableBytes() - FrameDescriptor.HEADER_LENGTH];
        frame.getBytes(FrameDescriptor.HEADER_LENGTH, body);
        final Campaign campaign = new Campaign(42, TENANT, CampaignSpec.parse(body, 0, body.length, templates), 3);
        campaign.audience = directory.live();
        campaign.seek(0);
        final LaneAdmission[] admission = new LaneAdmission[ChannelType.CODES];
        admission[ChannelType.SMS.code()] = new LaneAdmission(100);
        final MarketingShare share = new MarketingShare(16);
        final CampaignFanout fanout = new CampaignFanout(ring, admission, templates, new RingPort("targeting", 8), share);
        fanout.resolveAttributes(campaign, directory);

        assertThat(fanout.publish(campaign, directory, campaign.cursor.peekNext(), 4))
            .isEqualTo(ChannelType.SMS.code());
        fanout.flush();

        final DispatchEvent e = ring.get(0);
        assertThat(e.type).isEqualTo(DispatchEvent.SUBMIT);
        assertThat(e.kind).isEqualTo(MessageKind.MARKETING.code());
        assertThat(e.campaignId).isEqualTo(42);
        assertThat(e.campaignSlot).isEqualTo(3);
        assertThat(new String(e.body, 0, e.bodyLength, StandardCharsets.UTF_8)).contains("c42/", "01000000000");
        assertThat(e.marketingSlot).as("holds a slot of the marketing share until the ack stage").isTrue();
        assertThat(SlotSentinels.stale(e)).as("marketingSlot set by the translator, nothing left").containsExactly("marketingSlot");
        assertThat(ring.getCursor()).as("a batch of 4 claimed, 3 left unfilled").isEqualTo(3);
        assertThat(share.held()).as("the unfilled slots' share given back").isEqualTo(1);
        for (int s = 1; s <= 3; s++)
        {
            assertThat(ring.get(s).type).isEqualTo(DispatchEvent.NOOP);
            assertThat(SlotSentinels.stale(ring.get(s))).isEmpty();
        }
    }

    @Test
    void consentPublisherFillsConsentsFromScratch()
    {
        final Counters counters = new Counters();
        final ConsentPublisher publisher = new ConsentPublisher(ring, new RingPort("targeting", 8), counters,
            new DistinctErrorLog(counters));
        final ConsentBodies bodies = new ConsentBodies();
        final byte[] id = "u1".getBytes(StandardCharsets.US_ASCII);
        final byte[] address = "01011111000".getBytes(StandardCharsets.US_ASCII);
        bodies.add(1, 8, 0, address, 0, address.length, "directory:".getBytes(StandardCharsets.US_ASCII), id, 0,
            id.length);
        publisher.start(bodies, TENANT);

        assertThat(publisher.publish(0)).isEqualTo(1);

        final DispatchEvent e = ring.get(0);
        assertThat(e.type).isEqualTo(DispatchEvent.CONSENT);
        assertThat(e.tenantId).isEqualTo(TENANT);
        assertThat(e.bodyLength).isEqualTo(bodies.length(0));
        assertThat(SlotSentinels.stale(e)).isEmpty();
    }
}
