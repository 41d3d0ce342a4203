package io.dispatch.connector.runtime;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.status.LaneAdmission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every bound on the lane path keeps the lane's reservedPercent for informational and auth traffic: marketing
 * fills one bound at a time (admission and its queue, the provider window, the rate) and an OTP is still admitted
 * and sent at once. See docs/design/class-isolation.md.
 */
@Timeout(60)
class ConnectorLaneClassIsolationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldAdmitAndSendAnOtpWhenMarketingFilledTheLanesAdmissionAndQueue() throws Exception
    {
        // a slow lane (1/s): marketing piles up until its share of the admission is full
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.sms.capacity", "100", "lane.sms.reservedPercent", "20",
            "lane.sms.ratePerSecond", "1", "lane.sms.rateBurst", "1")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final LaneAdmission admission = sms.lane().admission();
            int admitted = 0;
            while (admission.tryAcquire(false))
            {
                sms.lane().enqueue(h.accept(MessageKind.MARKETING, ChannelType.SMS, "010" + admitted, 3600), false);
                admitted++;
            }
            assertThat(admitted).isEqualTo(80);
            assertThat(admission.isAboveHighWater(false)).as("marketing connections get no credit").isTrue();
            assertThat(admission.isAboveHighWater(true)).as("connections sending only auth still do").isFalse();
            sms.settle();
            final int marketingSent = sms.provider().sent.size();

            assertThat(admission.tryAcquire(true)).as("the OTP is admitted").isTrue();
            final long otp = h.accept(MessageKind.AUTH, ChannelType.SMS, "01099990000", 300);
            sms.lane().enqueue(otp, true);
            sms.settle();
            assertThat(sms.provider().sent).hasSize(marketingSent + 1);
            assertThat(sms.provider().sent.get(marketingSent).messageId()).as("sent at once, from the reserved rate")
                .isEqualTo(otp);
            assertThat(sms.lane().bulkDepth()).as("the marketing backlog is still waiting").isEqualTo(80 - marketingSent);
        }
    }

    @Test
    void shouldKeepPriorityAdmissionFreeWhenRecoveryForcedMarketingBeyondItsShare()
    {
        final LaneAdmission admission = new LaneAdmission(100, 20);
        for (int i = 0; i < 150; i++)
        {
            admission.forceAcquire(false); // recovery re-admits what the journal holds, beyond capacity
        }
        assertThat(admission.tryAcquire(false)).isFalse();
        for (int i = 0; i < 20; i++)
        {
            assertThat(admission.tryAcquire(true)).as("reserved slot " + i).isTrue();
        }
        assertThat(admission.tryAcquire(true)).isFalse();
        admission.reserve(50); // the admin endpoint changed the lane's reservedPercent
        assertThat(admission.bulkCapacity()).isEqualTo(50);
        for (int i = 0; i < 30; i++)
        {
            assertThat(admission.tryAcquire(true)).isTrue();
        }
        assertThat(admission.tryAcquire(true)).isFalse();
    }

    @Test
    void shouldRefuseMarketingWithoutPausingItsConnectionsWhenTheWholeLaneIsReserved()
    {
        final LaneAdmission admission = new LaneAdmission(100, 100);
        assertThat(admission.tryAcquire(false)).isFalse();
        assertThat(admission.isAboveHighWater(false)).as("no credit withheld for a share that is always empty").isFalse();
        assertThat(admission.tryAcquire(true)).isTrue();
    }

    @Test
    void shouldSendAnOtpAtOnceWhenMarketingHoldsItsWholeShareOfTheWindow() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.sms.window", "10", "lane.sms.reservedPercent", "20")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            for (int i = 0; i < 50; i++)
            {
                sms.submit(h.accept(MessageKind.MARKETING, ChannelType.SMS, "010" + i, 3600), MessageKind.MARKETING);
            }
            sms.settle();
            assertThat(sms.provider().outstanding()).as("the provider holds marketing's 8 slots").isEqualTo(8);

            final long otp = h.accept(MessageKind.AUTH, ChannelType.SMS, "01099990000", 300);
            sms.submit(otp, MessageKind.AUTH);
            sms.settle();
            assertThat(sms.provider().outstanding()).isEqualTo(9);
            assertThat(sms.provider().sent.get(8).messageId()).isEqualTo(otp);
        }
    }

    @Test
    void shouldSendAnOtpAtOnceWhenMarketingSpentItsShareOfTheRate() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.sms.ratePerSecond", "10", "lane.sms.rateBurst", "10",
            "lane.sms.reservedPercent", "20", "lane.sms.window", "64")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            for (int i = 0; i < 50; i++)
            {
                sms.submit(h.accept(MessageKind.MARKETING, ChannelType.SMS, "010" + i, 3600), MessageKind.MARKETING);
            }
            sms.settle();
            sms.provider().acceptAll();
            sms.settle();
            final int marketingSent = sms.provider().sent.size();
            assertThat(marketingSent).as("the shared bucket's burst, 80 % of 10").isEqualTo(8);

            final long otp = h.accept(MessageKind.AUTH, ChannelType.SMS, "01099990000", 300);
            sms.submit(otp, MessageKind.AUTH);
            sms.settle();
            assertThat(sms.provider().sent).hasSize(marketingSent + 1);
            assertThat(sms.provider().sent.get(marketingSent).messageId()).isEqualTo(otp);
            sms.provider().acceptAll();
            sms.settle();
            assertThat(sms.states().of(otp)).last().extracting(CapturingStateSink.Change::state)
                .isEqualTo(DeliveryState.PROVIDER_ACCEPTED);
            assertThat(sms.states().count(DeliveryState.PROVIDER_ACCEPTED, Reason.NONE)).isEqualTo(marketingSent + 1);
        }
    }
}
