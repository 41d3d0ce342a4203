package io.dispatch.connector.runtime;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-recipient order: a recipient's messages reach the provider one at a time, in id order, across throttling,
 * retries and a provider that answers out of order; other recipients keep the window busy meanwhile; an earlier
 * message that fails for good releases the next; classes are not ordered with each other.
 */
@Timeout(60)
class ConnectorLaneOrderTest
{
    private static final Map<String, String> FLAKY = Map.of("lane.sms.maxAttempts", "20", "lane.sms.retryBaseMs", "10",
        "lane.sms.retryMaxMs", "40", "lane.sms.throttlePauseMs", "0", "lane.sms.breakerEnabled", "false");

    @TempDir
    Path dir;

    @Test
    void shouldAcceptARecipientsMessagesInIdOrderWhenTheProviderThrottlesFailsAndReorders() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, FLAKY))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final List<Long> toA = new ArrayList<>();
            final List<Long> toB = new ArrayList<>();
            for (int i = 0; i < 6; i++)
            {
                toA.add(h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01011110000", 3600));
                toB.add(h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01022220000", 3600));
            }
            toA.forEach(id -> sms.submit(id, MessageKind.INFORMATIONAL));
            toB.forEach(id -> sms.submit(id, MessageKind.INFORMATIONAL));

            final int[] answers = {0};
            int maxOutstanding = 0;
            for (int round = 0; round < 2_000 && sms.states().count(DeliveryState.PROVIDER_ACCEPTED, Reason.NONE) < 12; round++)
            {
                sms.settle();
                maxOutstanding = Math.max(maxOutstanding, sms.provider().outstanding());
                // newest first; every third answer throttles and every third fails (retried with backoff)
                sms.provider().answerNewestFirst(r -> switch (answers[0]++ % 3)
                {
                    case 0 -> Reason.PROVIDER_THROTTLED;
                    case 1 -> Reason.PROVIDER_UNAVAILABLE;
                    default -> null;
                });
                h.clock.advance(10);
            }
            assertThat(acceptedOrder(sms, "01011110000")).containsExactlyElementsOf(toA);
            assertThat(acceptedOrder(sms, "01022220000")).containsExactlyElementsOf(toB);
            assertThat(sentIds(sms, "01011110000")).as("one at a time: never a later one before an earlier was accepted")
                .isSorted();
            assertThat(sms.provider().sent).as("throttled and failed along the way")
                .anyMatch(s -> s.attempt() > 1);
            assertThat(maxOutstanding).as("the other recipient is not held back").isEqualTo(2);
            assertThat(sms.lane().admission().inSystem()).isZero();
            assertThat(sms.lane().priorityDepth()).isZero();
        }
    }

    @Test
    void shouldReleaseTheNextMessageWhenTheEarlierOneRunsOutOfAttempts() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.sms.maxAttempts", "2", "lane.sms.retryBaseMs", "100",
            "lane.sms.retryMaxMs", "100", "lane.sms.breakerEnabled", "false")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final long first = h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01033330000", 3600);
            final long second = h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01033330000", 3600);
            sms.submit(first, MessageKind.INFORMATIONAL);
            sms.submit(second, MessageKind.INFORMATIONAL);
            sms.settle();
            assertThat(sms.lane().priorityDepth()).as("the second is parked, and counted as waiting").isEqualTo(1);
            sms.provider().failAll(Reason.PROVIDER_UNAVAILABLE, 0);
            sms.settle();
            // the backoff is 50-100 ms and the retry wheel fires at the end of a tick: a retry due at +100 ms may go only
            // at +100 + TICK_MS (an advance of exactly 100 failed when the jitter drew the full step)
            h.clock.advance(100 + RetryTimers.TICK_MS);
            sms.settle();
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId)
                .as("the retry goes first; the second waits for it").containsExactly(first, first);
            sms.provider().failAll(Reason.PROVIDER_UNAVAILABLE, 0);
            sms.settle();

            assertThat(sms.states().of(first)).last().extracting(CapturingStateSink.Change::reason)
                .isEqualTo(Reason.RETRIES_EXHAUSTED);
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId)
                .containsExactly(first, first, second);
            sms.provider().acceptAll();
            sms.settle();
            assertThat(sms.lane().admission().inSystem()).isZero();
        }
    }

    @Test
    void shouldEndAParkedMessageWhoseTtlPassedWithoutSendingItAndMoveOnToTheNext() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, FLAKY))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final long first = h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01066660000", 3600);
            final long shortLived = h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01066660000", 1);
            final long third = h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01066660000", 3600);
            sms.submit(first, MessageKind.INFORMATIONAL);
            sms.submit(shortLived, MessageKind.INFORMATIONAL);
            sms.submit(third, MessageKind.INFORMATIONAL);
            sms.settle();
            h.clock.advance(1_000);
            sms.provider().acceptAll();
            sms.settle();

            assertThat(sms.states().of(shortLived)).extracting(CapturingStateSink.Change::state)
                .containsExactly(DeliveryState.EXPIRED);
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId).containsExactly(first, third);
            sms.provider().acceptAll();
            sms.settle();
            assertThat(sms.lane().admission().inSystem()).isZero();
        }
    }

    @Test
    void shouldNotHoldInformationalBehindMarketingNorAuthBehindInformational() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, FLAKY))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final long ad = h.accept(MessageKind.MARKETING, ChannelType.SMS, "01044440000", 3600);
            final long notice = h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01044440000", 3600);
            final long otp = h.accept(MessageKind.AUTH, ChannelType.SMS, "01044440000", 3600);
            final long laterAd = h.accept(MessageKind.MARKETING, ChannelType.SMS, "01044440000", 3600);
            sms.submit(ad, MessageKind.MARKETING);
            sms.settle();
            sms.provider().failAll(Reason.PROVIDER_UNAVAILABLE, 0); // the ad is retrying
            sms.settle();
            sms.submit(notice, MessageKind.INFORMATIONAL);
            sms.submit(laterAd, MessageKind.MARKETING);
            sms.settle();
            sms.provider().failAll(Reason.PROVIDER_UNAVAILABLE, 0); // and the notice too
            sms.settle();
            sms.submit(otp, MessageKind.AUTH);
            sms.settle();
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId)
                .as("the notice passes the retrying ad, the OTP the retrying notice; the later ad waits")
                .containsExactly(ad, notice, otp);
        }
    }

    @Test
    void shouldOrderAuthWithInformationalWhenConfigured() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.sms.orderAuthWithInformational", "true",
            "lane.sms.retryBaseMs", "100", "lane.sms.retryMaxMs", "100")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final long notice = h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01055550000", 3600);
            final long otp = h.accept(MessageKind.AUTH, ChannelType.SMS, "01055550000", 3600);
            sms.submit(notice, MessageKind.INFORMATIONAL);
            sms.submit(otp, MessageKind.AUTH);
            sms.settle();
            sms.provider().failAll(Reason.PROVIDER_UNAVAILABLE, 0);
            sms.settle();
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId).containsExactly(notice);
            h.clock.advance(100 + RetryTimers.TICK_MS); // the full backoff step, and the wheel's tick

            sms.settle();
            sms.provider().acceptAll();
            sms.settle();
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId)
                .containsExactly(notice, notice, otp);
        }
    }

    private static List<Long> acceptedOrder(final LaneHarness.Lane lane, final String recipient)
    {
        final List<Long> ids = sentIds(lane, recipient);
        final List<Long> accepted = new ArrayList<>();
        for (final CapturingStateSink.Change c : lane.states().changes)
        {
            if (c.state() == DeliveryState.PROVIDER_ACCEPTED && ids.contains(c.messageId()))
            {
                accepted.add(c.messageId());
            }
        }
        return accepted;
    }

    private static List<Long> sentIds(final LaneHarness.Lane lane, final String recipient)
    {
        return lane.provider().sent.stream().filter(s -> s.recipient().equals(recipient))
            .map(ScriptedConnector.Sent::messageId).toList();
    }
}
