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

/**
 * Chat → SMS fallback: the lane gives the message up for SMS once (the harness's sink lets it through as the policy
 * stage would, {@link StatePublisherFallbackTest} the ring order), with a fresh attempt budget there.
 */
@Timeout(30)
class ConnectorLaneFallbackTest
{
    @TempDir
    Path dir;

    @Test
    void shouldFallBackToSmsOnceWhenTheRecipientIsNotAChatUser() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.chat.fallback", "sms")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final LaneHarness.Lane chat = h.lane(ChannelType.CHAT, lane -> lane.fallbackTo(sms.lane()));
            final long user = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "01011112222", 3600);
            final long nonUser = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "nochat-01033334444", 3600);
            chat.submit(user, MessageKind.INFORMATIONAL);
            chat.submit(nonUser, MessageKind.INFORMATIONAL);
            chat.settle();
            chat.provider().acceptAll();
            chat.settle();
            sms.settle();

            assertThat(chat.states().of(nonUser)).extracting(c -> c.state(), c -> c.channel(), c -> c.reason())
                .containsExactly(
                    org.assertj.core.groups.Tuple.tuple(DeliveryState.DISPATCHED, ChannelType.CHAT.code(), Reason.NONE),
                    org.assertj.core.groups.Tuple.tuple(DeliveryState.RETRYING, ChannelType.SMS.code(), Reason.NOT_CHANNEL_USER));
            assertThat(chat.states().count(DeliveryState.REJECTED, null)).isZero();
            assertThat(chat.lane().admission().inSystem()).as("chat is done with both").isZero();
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId).containsExactly(nonUser);
            assertThat(sms.provider().sent.get(0).attempt()).as("a fresh budget on the new channel").isEqualTo(1);
            assertThat(sms.lane().admission().inSystem()).isEqualTo(1);

            sms.provider().acceptAll();
            sms.settle();
            chat.settle();
            assertThat(sms.states().of(nonUser)).extracting(CapturingStateSink.Change::state)
                .containsExactly(DeliveryState.DISPATCHED, DeliveryState.PROVIDER_ACCEPTED);
            assertThat(sms.provider().sent).hasSize(1);
            assertThat(chat.lane().metrics().get(LaneMetrics.FALLBACKS_OUT)).isEqualTo(1);
            assertThat(sms.lane().metrics().get(LaneMetrics.FALLBACKS_IN)).isEqualTo(1);
        }
    }

    @Test
    void shouldFallBackWhenTheRelayReportsANonUserInItsResultNotInTheSendAnswer() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.chat.fallback", "sms")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final LaneHarness.Lane chat = h.lane(ChannelType.CHAT, lane -> lane.fallbackTo(sms.lane()));
            final long delivered = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "01011112222", 3600);
            final long nonUser = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "01033334444", 3600);
            final long failed = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "01055556666", 3600);
            chat.submit(delivered, MessageKind.INFORMATIONAL);
            chat.submit(nonUser, MessageKind.INFORMATIONAL);
            chat.submit(failed, MessageKind.INFORMATIONAL);
            chat.settle();
            chat.provider().acceptAll();
            chat.settle();
            chat.provider().receipt(delivered, DeliveryState.DELIVERED, Reason.NONE);
            chat.provider().receipt(nonUser, DeliveryState.FAILED, Reason.NOT_CHANNEL_USER);
            chat.provider().receipt(failed, DeliveryState.FAILED, Reason.UNDELIVERABLE);
            chat.settle();
            sms.settle();

            assertThat(chat.states().of(nonUser)).extracting(c -> c.state(), c -> c.channel(), c -> c.reason())
                .containsExactly(
                    org.assertj.core.groups.Tuple.tuple(DeliveryState.DISPATCHED, ChannelType.CHAT.code(), Reason.NONE),
                    org.assertj.core.groups.Tuple.tuple(DeliveryState.PROVIDER_ACCEPTED, ChannelType.CHAT.code(), Reason.NONE),
                    org.assertj.core.groups.Tuple.tuple(DeliveryState.RETRYING, ChannelType.SMS.code(), Reason.NOT_CHANNEL_USER));
            assertThat(chat.states().of(failed)).extracting(CapturingStateSink.Change::state)
                .as("other failures end on the chat lane").endsWith(DeliveryState.FAILED);
            assertThat(chat.states().of(delivered)).extracting(CapturingStateSink.Change::state).endsWith(DeliveryState.DELIVERED);
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId).containsExactly(nonUser);
            assertThat(chat.lane().admission().inSystem()).as("balanced: no admission leaked or double-released").isZero();
            assertThat(sms.lane().admission().inSystem()).isEqualTo(1);
        }
    }

    @Test
    void shouldNotFallBackOnOtherReasonsNorForMarketingThatWasBlocked() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.chat.fallback", "sms",
            "lane.chat.fallbackReasons", "NOT_CHANNEL_USER,RECIPIENT_BLOCKED")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final LaneHarness.Lane chat = h.lane(ChannelType.CHAT, lane -> lane.fallbackTo(sms.lane()));
            final long invalid = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "010", 3600);
            chat.submit(invalid, MessageKind.INFORMATIONAL);
            chat.settle();
            chat.provider().rejectAll(Reason.INVALID_RECIPIENT);
            chat.settle();

            final long blockedAd = h.accept(MessageKind.MARKETING, ChannelType.CHAT, "01055556666", 3600);
            final long blockedNotice = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "01055556666", 3600);
            chat.submit(blockedAd, MessageKind.MARKETING);
            chat.submit(blockedNotice, MessageKind.INFORMATIONAL);
            chat.settle();
            chat.provider().rejectAll(Reason.RECIPIENT_BLOCKED);
            chat.settle();
            sms.settle();

            assertThat(chat.states().of(invalid)).last().extracting(CapturingStateSink.Change::state)
                .isEqualTo(DeliveryState.REJECTED);
            assertThat(chat.states().of(blockedAd)).as("a blocked channel is an opt-out signal for ads")
                .last().extracting(CapturingStateSink.Change::state).isEqualTo(DeliveryState.REJECTED);
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId).containsExactly(blockedNotice);
            assertThat(chat.lane().deadLetters().newest(10)).extracting(DeadLetters.Entry::messageId)
                .containsExactly(blockedAd, invalid);
        }
    }

    @Test
    void shouldFallBackWhenTheChannelMissesTheDeadline() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.chat.fallback", "sms", "lane.chat.fallbackAfterMs", "30000",
            "lane.chat.retryBaseMs", "1000", "lane.chat.retryMaxMs", "8000", "lane.chat.maxAttempts", "100",
            "lane.chat.breakerEnabled", "false")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final LaneHarness.Lane chat = h.lane(ChannelType.CHAT, lane -> lane.fallbackTo(sms.lane()));
            final long id = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "01011112222", 3600);
            chat.submit(id, MessageKind.INFORMATIONAL);
            for (int ms = 0; ms < 40_000 && sms.provider().sent.isEmpty(); ms += 100)
            {
                chat.settle();
                chat.provider().failAll(Reason.PROVIDER_UNAVAILABLE, 0);
                chat.settle();
                sms.settle();
                h.clock.advance(100);
            }
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId).containsExactly(id);
            assertThat(h.clock.time() - LaneHarness.START_MS).isLessThanOrEqualTo(30_100);
            assertThat(chat.states().of(id)).last().extracting(CapturingStateSink.Change::channel)
                .isEqualTo(ChannelType.SMS.code());
            assertThat(chat.provider().sent.size()).isGreaterThan(1);
        }
    }

    @Test
    void shouldFallBackAtTheDeadlineAndExpireAtTheTtlWhileTheBreakerHoldsTheChannel() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.chat.fallback", "sms", "lane.chat.fallbackAfterMs", "30000",
            "lane.chat.breakerConsecutiveFailures", "1", "lane.chat.breakerOpenMs", "600000", "lane.chat.window", "1")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final LaneHarness.Lane chat = h.lane(ChannelType.CHAT, lane -> lane.fallbackTo(sms.lane()));
            final long first = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "01011112222", 3600);
            chat.submit(first, MessageKind.INFORMATIONAL);
            chat.settle();
            chat.provider().failAll(Reason.PROVIDER_UNAVAILABLE, 0);
            chat.settle();
            assertThat(chat.lane().breakerState()).isEqualTo("OPEN");

            final long waiting = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "01033334444", 3600);
            final long shortLived = h.accept(MessageKind.MARKETING, ChannelType.CHAT, "01055556666", 10);
            chat.submit(waiting, MessageKind.INFORMATIONAL);
            chat.submit(shortLived, MessageKind.MARKETING);
            for (int ms = 0; ms <= 31_000; ms += 100)
            {
                h.clock.advance(100);
                chat.settle();
                sms.settle();
            }
            assertThat(chat.provider().sent).as("the breaker held the chat provider").hasSize(1);
            assertThat(chat.states().of(shortLived)).last()
                .extracting(CapturingStateSink.Change::state, CapturingStateSink.Change::reason)
                .containsExactly(DeliveryState.EXPIRED, Reason.TTL_EXPIRED);
            assertThat(chat.states().of(waiting)).last()
                .extracting(CapturingStateSink.Change::channel, CapturingStateSink.Change::reason)
                .containsExactly(ChannelType.SMS.code(), Reason.FALLBACK_DEADLINE);
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId).contains(waiting, first);
        }
    }
}
