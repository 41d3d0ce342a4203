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
import static org.assertj.core.groups.Tuple.tuple;

/**
 * A fallback never delivers twice: once an attempt on the chat lane may have reached the recipient (it timed out,
 * or its outcome was lost with the process), neither retries exhausted, nor the deadline, nor a time-dependent
 * rejection moves the message to SMS; only "cannot be reached on this channel at all" still does.
 */
@Timeout(30)
class ConnectorLaneUncertainFallbackTest
{
    @TempDir
    Path dir;

    @Test
    void shouldNotFallBackWhenRetriesAreExhaustedAfterATimeout() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.chat.fallback", "sms",
            "lane.chat.fallbackReasons", "RETRIES_EXHAUSTED", "lane.chat.maxAttempts", "2",
            "lane.chat.retryBaseMs", "100", "lane.chat.retryMaxMs", "100", "lane.chat.breakerEnabled", "false")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final LaneHarness.Lane chat = h.lane(ChannelType.CHAT, lane -> lane.fallbackTo(sms.lane()));
            final long timedOut = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "01011112222", 3600);
            final long refused = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "01033334444", 3600);
            chat.submit(timedOut, MessageKind.INFORMATIONAL);
            chat.submit(refused, MessageKind.INFORMATIONAL);
            chat.settle();
            chat.provider().fail(timedOut, Reason.PROVIDER_TIMEOUT);
            chat.provider().failAll(Reason.PROVIDER_UNAVAILABLE, 0);
            retryUntilSent(h, chat, 4);
            chat.provider().failAll(Reason.PROVIDER_UNAVAILABLE, 0);
            chat.settle();
            sms.settle();

            assertThat(chat.states().of(timedOut)).last()
                .extracting(CapturingStateSink.Change::state, CapturingStateSink.Change::channel,
                    CapturingStateSink.Change::reason)
                .as("the timed-out attempt may have arrived: it ends on chat")
                .containsExactly(DeliveryState.FAILED, ChannelType.CHAT.code(), Reason.RETRIES_EXHAUSTED);
            assertThat(chat.states().of(refused)).last()
                .extracting(CapturingStateSink.Change::channel, CapturingStateSink.Change::reason)
                .as("refused twice: the provider never took it").containsExactly(ChannelType.SMS.code(),
                    Reason.RETRIES_EXHAUSTED);
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId).containsExactly(refused);
            assertThat(chat.lane().admission().inSystem()).isZero();
        }
    }

    @Test
    void shouldNotMoveAtTheDeadlineAfterATimeoutButKeepRetryingOnTheSameChannel() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.chat.fallback", "sms", "lane.chat.fallbackAfterMs", "30000",
            "lane.chat.retryBaseMs", "1000", "lane.chat.retryMaxMs", "8000", "lane.chat.maxAttempts", "100",
            "lane.chat.breakerEnabled", "false")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final LaneHarness.Lane chat = h.lane(ChannelType.CHAT, lane -> lane.fallbackTo(sms.lane()));
            final long id = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "01011112222", 3600);
            chat.submit(id, MessageKind.INFORMATIONAL);
            chat.settle();
            chat.provider().failAll(Reason.PROVIDER_TIMEOUT, 0);
            for (int ms = 0; ms < 60_000; ms += 100)
            {
                chat.settle();
                chat.provider().failAll(Reason.PROVIDER_UNAVAILABLE, 0);
                chat.settle();
                sms.settle();
                h.clock.advance(100);
            }
            assertThat(sms.provider().sent).as("chat may have delivered the first attempt").isEmpty();
            assertThat(chat.provider().sent.size()).as("still retried on chat past the deadline").isGreaterThan(5);
            assertThat(chat.states().of(id)).extracting(CapturingStateSink.Change::channel)
                .containsOnly(ChannelType.CHAT.code());
        }
    }

    @Test
    void shouldFallBackAfterATimeoutOnlyWhenTheRecipientCannotBeReachedOnTheChannelAtAll() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.chat.fallback", "sms",
            "lane.chat.fallbackReasons", "NOT_CHANNEL_USER,OUTSIDE_SEND_WINDOW",
            "lane.chat.retryBaseMs", "100", "lane.chat.retryMaxMs", "100", "lane.chat.breakerEnabled", "false")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final LaneHarness.Lane chat = h.lane(ChannelType.CHAT, lane -> lane.fallbackTo(sms.lane()));
            final long nonUser = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "01011112222", 3600);
            final long lateAtNight = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "01033334444", 3600);
            final long receiptSaysNonUser = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "01055556666", 3600);
            final long receiptSaysWindow = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "01077778888", 3600);
            for (final long id : new long[] {nonUser, lateAtNight, receiptSaysNonUser, receiptSaysWindow})
            {
                chat.submit(id, MessageKind.INFORMATIONAL);
            }
            chat.settle();
            chat.provider().failAll(Reason.PROVIDER_TIMEOUT, 0);
            retryUntilSent(h, chat, 8);
            // second attempts: two rejected outright, two accepted and then failed by their receipts
            chat.provider().reject(nonUser, Reason.NOT_CHANNEL_USER);
            chat.provider().reject(lateAtNight, Reason.OUTSIDE_SEND_WINDOW);
            chat.provider().accept(receiptSaysNonUser);
            chat.provider().accept(receiptSaysWindow);
            chat.settle();
            chat.provider().receipt(receiptSaysNonUser, DeliveryState.FAILED, Reason.NOT_CHANNEL_USER);
            chat.provider().receipt(receiptSaysWindow, DeliveryState.FAILED, Reason.OUTSIDE_SEND_WINDOW);
            chat.settle();
            sms.settle();

            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId)
                .as("not a chat user: the timed-out attempt cannot have arrived either")
                .containsExactlyInAnyOrder(nonUser, receiptSaysNonUser);
            assertThat(chat.states().of(lateAtNight)).last()
                .extracting(CapturingStateSink.Change::state, CapturingStateSink.Change::reason)
                .as("the first attempt may have arrived before the window closed")
                .containsExactly(DeliveryState.REJECTED, Reason.OUTSIDE_SEND_WINDOW);
            assertThat(chat.states().of(receiptSaysWindow)).last()
                .extracting(CapturingStateSink.Change::state, CapturingStateSink.Change::channel)
                .containsExactly(DeliveryState.FAILED, ChannelType.CHAT.code());
            assertThat(chat.lane().admission().inSystem()).isZero();
        }
    }

    @Test
    void shouldNotMoveARecoveredMessageWhoseAttemptOutcomeWasLostAtTheDeadline() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.chat.fallback", "sms", "lane.chat.fallbackAfterMs", "30000")))
        {
            final long lost = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "01011112222", 3600);
            final long queued = h.accept(MessageKind.INFORMATIONAL, ChannelType.CHAT, "01033334444", 3600);
            h.clock.advance(31_000);
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final LaneHarness.Lane chat = h.lane(ChannelType.CHAT, lane -> lane.fallbackTo(sms.lane()));
            chat.lane().recoverPending(lost, 1, MessageKind.INFORMATIONAL.code(), true);
            chat.lane().recoverPending(queued, 0, MessageKind.INFORMATIONAL.code(), false);
            chat.settle();
            sms.settle();
            assertThat(chat.provider().sent).extracting(ScriptedConnector.Sent::messageId, ScriptedConnector.Sent::attempt)
                .as("sent again on chat, where the provider can deduplicate it").containsExactly(tuple(lost, 2));
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId).containsExactly(queued);
        }
    }

    /** Runs the retry timers until the chat provider has seen {@code sends} sends in all (bounded). */
    private static void retryUntilSent(final LaneHarness h, final LaneHarness.Lane chat, final int sends)
    {
        chat.settle();
        for (int i = 0; i < 50 && chat.provider().sent.size() < sends; i++)
        {
            h.clock.advance(100);
            chat.settle();
        }
        assertThat(chat.provider().sent).hasSize(sends);
    }
}
