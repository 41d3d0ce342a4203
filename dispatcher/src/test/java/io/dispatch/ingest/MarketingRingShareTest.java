package io.dispatch.ingest;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.ring.DispatchEvent;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ring's share for clients' marketing ({@code ring.marketingSlots}): a bulk connection that has filled it waits,
 * without a refusal, while an OTP from another connection goes into the ring at once; the bulk connection goes on
 * within two milliseconds of the share freeing up, not at the next 5 ms tick.
 */
class MarketingRingShareTest
{
    private static final String PROMO = "(광고)[shop] 50% sale 무료수신거부 080-000-0000";

    @Test
    void shouldHoldBulkMarketingAtItsShareWhileAnOtpFromAnotherConnectionGoesIn()
    {
        final EmbeddedSession bulk = new EmbeddedSession(64, 1_000, Map.of("ring.marketingSlots", "2"));
        final EmbeddedSession otps = bulk.another();
        bulk.hello();
        otps.hello();

        bulk.send(out ->
        {
            submit(out, 10, MessageKind.MARKETING, PROMO);
            submit(out, 11, MessageKind.MARKETING, PROMO);
            submit(out, 12, MessageKind.MARKETING, PROMO);
        });
        assertThat(bulk.ring.getCursor()).as("two marketing SUBMITs hold the share; the third waits").isEqualTo(1);
        assertThat(bulk.ring.get(0).marketingSlot).isTrue();
        assertThat(bulk.channel.config().isAutoRead()).as("its connection is not read meanwhile").isFalse();
        assertThat(bulk.written()).as("waiting, not refused").isEmpty();

        otps.send(out -> submit(out, 20, MessageKind.AUTH, "code 1234"));
        assertThat(otps.ring.getCursor()).as("the OTP is not behind marketing's share").isEqualTo(2);
        final DispatchEvent otp = otps.ring.get(2);
        assertThat(otp.correlationId).isEqualTo(20);
        assertThat(otp.marketingSlot).isFalse();

        bulk.context.ports.marketing().release(1); // the ack stage answered the first marketing SUBMIT
        bulk.advance(2);
        assertThat(bulk.ring.getCursor()).as("retried two milliseconds later, before the 5 ms tick").isEqualTo(3);
        assertThat(bulk.ring.get(3).correlationId).isEqualTo(12);
        assertThat(bulk.channel.config().isAutoRead()).isTrue();
        assertThat(bulk.context.ports.marketing().held()).isEqualTo(2);
    }

    @Test
    void shouldCountNoShareForInformationalAndAuth()
    {
        final EmbeddedSession s = new EmbeddedSession(64, 1_000, Map.of("ring.marketingSlots", "1"));
        s.hello();
        s.send(out ->
        {
            for (int i = 0; i < 5; i++)
            {
                submit(out, 30 + i, i % 2 == 0 ? MessageKind.INFORMATIONAL : MessageKind.AUTH, "hello " + i);
            }
        });
        assertThat(s.ring.getCursor()).isEqualTo(4);
        assertThat(s.context.ports.marketing().held()).isZero();
        assertThat(s.written()).extracting(EmbeddedSession.Frame::type).doesNotContain(MessageType.NACK);
    }

    private static void submit(final ByteBuf out, final long correlationId, final MessageKind kind, final String text)
    {
        final int start = ByteBufFrames.beginFrame(out, MessageType.SUBMIT, 0, correlationId);
        ByteBufFrames.submitBody(out, kind, ChannelType.SMS, 60, "", "+821012345678", "", text, null);
        ByteBufFrames.endFrame(out, start);
    }
}
