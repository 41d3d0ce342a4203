package io.dispatch.connector.runtime;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Provider throttling slows and pauses the lane and never spends a message's attempts. */
@Timeout(30)
class ConnectorLaneThrottleTest
{
    @TempDir
    Path dir;

    @Test
    void shouldResendAThrottledMessageAfterRetryAfterWithoutSpendingItsAttempts() throws Exception
    {
        // one attempt only: if throttling spent it, the message would be dead-lettered at once
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.sms.maxAttempts", "1")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final long id = h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01012345678", 3600);
            sms.submit(id, MessageKind.INFORMATIONAL);
            sms.settle();
            for (int round = 0; round < 3; round++)
            {
                sms.provider().failAll(Reason.PROVIDER_THROTTLED, 500);
                sms.settle();
                h.clock.advance(499);
                sms.settle();
                assertThat(sms.provider().sent).as("paused for the provider's retry-after").hasSize(round + 1);
                h.clock.advance(1);
                sms.settle();
                assertThat(sms.provider().sent).hasSize(round + 2);
            }
            assertThat(sms.provider().sent).allMatch(s -> s.attempt() == 1);
            sms.provider().acceptAll();
            sms.settle();
            assertThat(sms.states().of(id)).extracting(CapturingStateSink.Change::state)
                .containsExactly(DeliveryState.DISPATCHED, DeliveryState.RETRYING, DeliveryState.DISPATCHED,
                    DeliveryState.RETRYING, DeliveryState.DISPATCHED, DeliveryState.RETRYING, DeliveryState.DISPATCHED,
                    DeliveryState.PROVIDER_ACCEPTED);
            assertThat(sms.states().count(DeliveryState.RETRYING, Reason.PROVIDER_THROTTLED)).isEqualTo(3);
            assertThat(sms.lane().metrics().get(LaneMetrics.THROTTLED)).isEqualTo(3);
            assertThat(sms.lane().admission().inSystem()).isZero();
        }
    }

    @Test
    void shouldCutSpeedOncePerEpisodeAndRecoverGraduallyOnSuccess() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.sms.ratePerSecond", "1000", "lane.sms.rateBurst", "8",
            "lane.sms.reservedPercent", "0", "lane.sms.throttlePauseMs", "100",
            "lane.sms.throttleRecoveryPercentPerSecond", "25")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            for (int i = 0; i < 2000; i++)
            {
                sms.submit(h.accept(MessageKind.MARKETING, ChannelType.SMS, "010" + i, 3600), MessageKind.MARKETING);
            }
            sms.settle();
            assertThat(sms.provider().outstanding()).isEqualTo(8);
            // a whole window throttled at once is one congestion episode: one cut, not eight
            sms.provider().failAll(Reason.PROVIDER_THROTTLED, 0);
            sms.settle();
            assertThat(sms.lane().metrics().get(LaneMetrics.THROTTLE_EPISODES)).isEqualTo(1);
            assertThat(sms.lane().metrics().get(LaneMetrics.FACTOR_PERMILLE)).isEqualTo(500);
            assertThat(sms.lane().metrics().get(LaneMetrics.RATE_MILLI_PER_SECOND)).isEqualTo(500_000);
            assertThat(sms.lane().metrics().get(LaneMetrics.WINDOW_LIMIT)).isEqualTo(4);
            assertThat(sms.provider().outstanding()).as("paused: nothing sent").isZero();

            h.clock.advance(100);
            sms.settle();
            assertThat(sms.provider().outstanding()).as("half the window after the cut").isEqualTo(4);

            // one second of successes at the lower speed: sends stay within rate x factor (+ burst)
            final int before = sms.provider().sent.size();
            for (int ms = 0; ms < 1000; ms += 10)
            {
                sms.provider().acceptAll();
                h.clock.advance(10);
                sms.settle();
            }
            final int inOneSecond = sms.provider().sent.size() - before;
            assertThat(inOneSecond).isBetween(400, 500 + 8);
            // the second that saw the throttle does not count; then the speed climbs back step by step
            // (25 % a second here) to full
            assertThat(sms.lane().metrics().get(LaneMetrics.FACTOR_PERMILLE)).isEqualTo(500);
            final long[] expected = {750, 1000, 1000};
            for (final long factor : expected)
            {
                for (int ms = 0; ms < 1000; ms += 10)
                {
                    sms.provider().acceptAll();
                    h.clock.advance(10);
                    sms.settle();
                }
                assertThat(sms.lane().metrics().get(LaneMetrics.FACTOR_PERMILLE)).isEqualTo(factor);
            }
            assertThat(sms.states().count(DeliveryState.FAILED, null)).isZero();
        }
    }

    @Test
    void shouldLearnTheProvidersRateAtTheFirstThrottleAndReserveItsShareForPriority() throws Exception
    {
        // no configured rate: only the window bounds the lane (16, of which marketing may hold 12), and a fast
        // provider takes what is in flight every 10 ms: 1,200 marketing sends a second
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.sms.window", "16", "lane.sms.reservedPercent", "20",
            "lane.sms.throttlePauseMs", "250")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            for (int i = 0; i < 4000; i++)
            {
                sms.submit(h.accept(MessageKind.MARKETING, ChannelType.SMS, "010" + i, 3600), MessageKind.MARKETING);
            }
            sms.settle();
            for (int ms = 0; ms < 1500; ms += 10)
            {
                sms.provider().acceptAll();
                h.clock.advance(10);
                sms.settle();
            }
            assertThat(sms.lane().metrics().get(LaneMetrics.RATE_MILLI_PER_SECOND)).as("unlimited: no rate").isZero();

            // the quota is reached: the lane learns what the provider took (~1,200/s) and paces at half of it
            sms.provider().failAll(Reason.PROVIDER_THROTTLED, 0);
            sms.settle();
            assertThat(sms.lane().metrics().get(LaneMetrics.THROTTLE_EPISODES)).isEqualTo(1);
            assertThat(sms.lane().metrics().get(LaneMetrics.RATE_MILLI_PER_SECOND)).isBetween(550_000L, 650_000L);
            assertThat(sms.provider().outstanding()).as("marketing waits out the pause").isZero();

            // an OTP in the pause that marketing's volume caused goes out at once, from the reserved share
            final long otp = h.accept(MessageKind.AUTH, ChannelType.SMS, "01099999999", 60);
            sms.submit(otp, MessageKind.AUTH);
            sms.settle();
            assertThat(sms.provider().sent).last().extracting(ScriptedConnector.Sent::messageId).isEqualTo(otp);
            assertThat(sms.provider().outstanding()).isEqualTo(1);
            // still refused: the provider refusing it in the pause is the same congestion episode (no second cut),
            // and the OTP is tried again 20 ms later rather than bouncing every round trip
            final int sent = sms.provider().sent.size();
            sms.provider().failAll(Reason.PROVIDER_THROTTLED, 0);
            sms.settle();
            assertThat(sms.lane().metrics().get(LaneMetrics.THROTTLE_EPISODES)).isEqualTo(1);
            h.clock.advance(ConnectorLane.PRIORITY_RETRY_IN_PAUSE_MS - 1);
            sms.settle();
            assertThat(sms.provider().sent).hasSize(sent);
            h.clock.advance(2 * RetryTimers.TICK_MS); // a timer fires at the end of its wheel tick
            sms.settle();
            assertThat(sms.provider().sent).hasSize(sent + 1).last().extracting(ScriptedConnector.Sent::messageId)
                .isEqualTo(otp);

            // after the pause marketing is paced by the shared bucket: 80 % of the learned rate x factor, plus at
            // most its bucket's depth (a tenth of a second's worth)
            sms.provider().acceptAll();
            h.clock.advance(250);
            sms.settle();
            final long ratePerSecond = sms.lane().metrics().get(LaneMetrics.RATE_MILLI_PER_SECOND) / 1000;
            final int before = sms.provider().sent.size();
            for (int ms = 0; ms < 1000; ms += 10)
            {
                sms.provider().acceptAll();
                h.clock.advance(10);
                sms.settle();
            }
            assertThat(sms.provider().sent.size() - before)
                .isBetween((int)(ratePerSecond * 0.8) - 20, (int)(ratePerSecond * 0.9));
        }
    }

    @Test
    void shouldExpireAThrottledMessageWhoseTtlEndsBeforeTheRetryAfter() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of()))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final long id = h.accept(MessageKind.AUTH, ChannelType.SMS, "01012345678", 2);
            sms.submit(id, MessageKind.AUTH);
            sms.settle();
            sms.provider().failAll(Reason.PROVIDER_THROTTLED, 5_000);
            sms.settle();
            assertThat(sms.states().of(id)).last().extracting(CapturingStateSink.Change::state, CapturingStateSink.Change::reason)
                .containsExactly(DeliveryState.EXPIRED, Reason.TTL_EXPIRED);
            assertThat(sms.lane().deadLetters().newest(10)).extracting(DeadLetters.Entry::messageId).containsExactly(id);
        }
    }

    @Test
    void shouldHonourRetryAfterAndTtlInTheBackoffOfTransientFailures() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.sms.retryBaseMs", "10", "lane.sms.retryMaxMs", "20")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final long id = h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01012345678", 60);
            sms.submit(id, MessageKind.INFORMATIONAL);
            sms.settle();
            sms.provider().failAll(Reason.PROVIDER_UNAVAILABLE, 2_000);
            sms.settle();
            h.clock.advance(1_999);
            sms.settle();
            assertThat(sms.provider().sent).as("retry waits for the provider's retry-after, not the 20 ms backoff").hasSize(1);
            h.clock.advance(10);
            sms.settle();
            assertThat(sms.provider().sent).hasSize(2);
            assertThat(sms.provider().sent.get(1).attempt()).isEqualTo(2);
            // a retry-after beyond the TTL ends the message now instead of holding it
            sms.provider().failAll(Reason.PROVIDER_UNAVAILABLE, 120_000);
            sms.settle();
            assertThat(sms.states().of(id)).last().extracting(CapturingStateSink.Change::state)
                .isEqualTo(DeliveryState.EXPIRED);
        }
    }
}
