package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.config.Settings;
import io.dispatch.connector.runtime.LaneMetrics;
import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReader;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.Reason;
import io.dispatch.status.Counter;
import io.dispatch.testing.ChildEngine;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.TargetingFrames;
import io.dispatch.testing.TargetingFrames.CampaignResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.dispatch.protocol.CampaignDescriptor.COUNTER_CANCELLED;
import static io.dispatch.protocol.CampaignDescriptor.COUNTER_DECIDED_DEFER;
import static io.dispatch.protocol.CampaignDescriptor.COUNTER_FANNED_OUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancelling a campaign stops its messages that were already accepted, wherever they wait: queued in a slow
 * lane after the fan-out finished, deferred by the night window, or recovered after a SIGKILL. What a provider
 * already has is not recalled; nothing else of the campaign reaches one after the answer.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CampaignCancelIT
{
    /** {@link CampaignIT#recipient}: 300 of the first 400 have SMS ad consent. */
    private static final int RECIPIENTS = 400;
    private static final int WITH_CONSENT = 300;
    private static final byte[] SMS = {ChannelType.SMS.code()};
    /** The SMS lane's provider window in the SIGKILL test: what the stalled provider holds of the campaign. */
    private static final int WINDOW = 8;

    @TempDir
    Path dir;

    @Test
    void shouldEndTheQueuedMessagesOfAFannedOutCampaignAndSendNoMore() throws Exception
    {
        final Settings settings = CampaignIT.settings(dir).set("lane.sms.ratePerSecond", "40");
        try (Dispatcher engine = EngineFixture.launch(settings, JumpClock.atSeoul("2026-11-25T12:00:00"));
             RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key");
             RawConnection watcher = subscribed(engine.port()))
        {
            final long id = startCampaign(c, "typo");
            CampaignIT.awaitState(c, id, CampaignDescriptor.STATE_FANNED_OUT);
            awaitSent(engine, 1);

            // the provider takes 40 a second: most of the campaign is still queued in the lane
            final CampaignResult answer = cancel(c, id);
            final long sentAtAnswer = engine.lane(ChannelType.SMS).metrics().get(LaneMetrics.SENT);
            assertThat(answer.state()).isEqualTo(CampaignDescriptor.STATE_CANCELLED);
            assertThat(sentAtAnswer).isBetween(1L, WITH_CONSENT - 100L);

            final CampaignResult done = awaitCounter(c, id, COUNTER_CANCELLED, WITH_CONSENT - sentAtAnswer);
            assertThat(done.counter(COUNTER_FANNED_OUT)).isEqualTo(WITH_CONSENT);
            Thread.sleep(500);
            assertThat(engine.lane(ChannelType.SMS).metrics().get(LaneMetrics.SENT)).as("provider sends after the answer")
                .isEqualTo(sentAtAnswer);
            assertThat(engine.counters().get(Counter.DISPATCHED)).isEqualTo(sentAtAnswer);
            // what the provider already had finishes normally
            awaitCounter(c, id, CampaignDescriptor.channelCounter(ChannelType.SMS.code(),
                CampaignDescriptor.CHANNEL_DELIVERED), sentAtAnswer);

            final Map<Long, List<Integer>> receipts = receipts(watcher);
            final List<Long> cancelled = withState(receipts, DeliveryState.CANCELLED);
            assertThat(cancelled).hasSize(WITH_CONSENT - (int)sentAtAnswer);
            assertThat(withState(receipts, DeliveryState.DISPATCHED)).hasSize((int)sentAtAnswer)
                .doesNotContainAnyElementsOf(cancelled);
            c.send(b -> ByteBufFrames.status(b, 9_000, cancelled.get(0)));
            final RawConnection.Frame status = c.read();
            assertThat(status.state()).isEqualTo(DeliveryState.CANCELLED.code());
            assertThat(status.reason()).isEqualTo(Reason.CANCELLED.code());

            assertThat(cancel(c, id).state()).as("a second cancel is refused").isEqualTo(-1);
        }
    }

    @Test
    void shouldEndACampaignDeferredByTheNightWindowAndSendNothingAtEight() throws Exception
    {
        final JumpClock clock = JumpClock.atSeoul("2026-11-25T22:00:00");
        try (Dispatcher engine = EngineFixture.launch(CampaignIT.settings(dir), clock);
             RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key");
             RawConnection watcher = subscribed(engine.port()))
        {
            final long id = startCampaign(c, "night");
            awaitCounter(c, id, COUNTER_DECIDED_DEFER, WITH_CONSENT);

            assertThat(cancel(c, id).state()).isEqualTo(CampaignDescriptor.STATE_CANCELLED);
            // ended now, not at 08:00
            awaitCounter(c, id, COUNTER_CANCELLED, WITH_CONSENT);

            clock.jumpTo(java.time.LocalDateTime.parse("2026-11-26T08:01:00").atZone(java.time.ZoneId.of("Asia/Seoul"))
                .toInstant().toEpochMilli());
            Thread.sleep(1_000);
            assertThat(engine.lane(ChannelType.SMS).metrics().get(LaneMetrics.SENT)).isZero();
            assertThat(engine.counters().get(Counter.DISPATCHED)).isZero();
            assertThat(engine.counters().get(Counter.POLICY_RELEASED)).as("nothing released at 08:00").isZero();
            assertThat(CampaignIT.stats(c, id, null).counter(COUNTER_CANCELLED)).isEqualTo(WITH_CONSENT);
            assertThat(withState(receipts(watcher), DeliveryState.CANCELLED)).hasSize(WITH_CONSENT);
        }
    }

    /**
     * The provider holds what it got (a window's worth): after the cancel and a SIGKILL, recovery would hand
     * those back to the lane as owed a dispatch. The restart knows the cancellation first, so they end CANCELLED.
     */
    @Test
    void shouldEndRecoveredMessagesOfACancelledCampaignAfterAKill() throws Exception
    {
        // the child runs on the wall clock: without night=off, from 21:00 Seoul the campaign waits for 08:00;
        // with no window share reserved for priority, the campaign fills the whole window
        final String[] args = {"--set", "template.promo=" + CampaignIT.TEMPLATE, "--set", "lane.sms.capacity=4096",
            "--set", "lane.sms.window=" + WINDOW, "--set", "lane.sms.reservedPercent=0", "--set", "policy.night.sms=off"};
        final long id;
        try (ChildEngine child = ChildEngine.start(dir, concat(args, "--set", "lane.sms.connector.stall=true"));
             RawConnection c = RawConnection.open(child.port(), "demo", "demo-key");
             RawConnection watcher = subscribed(child.port()))
        {
            id = startCampaign(c, "held");
            // the stalled provider holds a full window before the cancel: being FANNED_OUT does not say the lane
            // has sent anything yet
            awaitDispatched(watcher, WINDOW);
            assertThat(cancel(c, id).state()).isEqualTo(CampaignDescriptor.STATE_CANCELLED);
            awaitCounter(c, id, COUNTER_CANCELLED, WITH_CONSENT - WINDOW);
            child.kill();
            assertThat(child.awaitExit(10_000)).isTrue();
        }
        final long inFlight;
        try (ChildEngine child = ChildEngine.start(dir, args);
             RawConnection c = RawConnection.open(child.port(), "demo", "demo-key"))
        {
            inFlight = child.recoveryRedispatched();
            assertThat(inFlight).as("messages the stalled provider held, owed a dispatch").isEqualTo(WINDOW);
            final CampaignResult after = awaitCounter(c, id, COUNTER_CANCELLED, WITH_CONSENT);
            Thread.sleep(300);
            assertThat(CampaignIT.stats(c, id, null).counters()).isEqualTo(after.counters());
            assertThat(after.counter(CampaignDescriptor.channelCounter(ChannelType.SMS.code(),
                CampaignDescriptor.CHANNEL_DELIVERED))).isZero();
        }

        final Map<Long, List<Integer>> states = campaignStates(dir.resolve("journal"));
        assertThat(states).hasSize(WITH_CONSENT);
        assertThat(states.values()).allSatisfy(s -> assertThat(s.get(s.size() - 1))
            .isEqualTo((int)DeliveryState.CANCELLED.code()));
        assertThat(states.values().stream().filter(s -> s.contains((int)DeliveryState.DISPATCHED.code())).count())
            .isEqualTo(inFlight);
        assertThat(states.values()).as("nothing dispatched twice").allSatisfy(s -> assertThat(s.stream()
            .filter(v -> v == DeliveryState.DISPATCHED.code()).count()).isLessThanOrEqualTo(1));
    }

    /** Imports {@link #RECIPIENTS} recipients and starts an SMS campaign to those with consent. @return its id. */
    private static long startCampaign(final RawConnection c, final String name) throws Exception
    {
        final List<byte[]> ops = new ArrayList<>();
        for (int i = 0; i < RECIPIENTS; i++)
        {
            ops.add(CampaignIT.recipient(i));
        }
        assertThat(CampaignIT.update(c, ops).applied()).isEqualTo(RECIPIENTS);
        c.send(b -> TargetingFrames.campaign(b, 7_000, false, 0, 0, name, "", SMS, "consent('sms')", 1, "promo"));
        final CampaignResult started = CampaignResult.of(c.read());
        assertThat(started.counter(CampaignDescriptor.COUNTER_TARGETED)).isEqualTo(WITH_CONSENT);
        return started.id();
    }

    /** @return the CAMPAIGN_RESULT, or state -1 for a NACK. */
    private static CampaignResult cancel(final RawConnection c, final long id) throws Exception
    {
        c.send(b -> TargetingFrames.control(b, 8_000, id, CampaignDescriptor.ACTION_CANCEL));
        final RawConnection.Frame f = c.read();
        return f.type == MessageType.NACK ? new CampaignResult(id, -1, Map.of()) : CampaignResult.of(f);
    }

    private static CampaignResult awaitCounter(final RawConnection c, final long id, final int counter, final long value)
        throws Exception
    {
        return awaitCounter(c, id, counter, value, value);
    }

    /** Polls the campaign's stats until {@code counter} is within [min, max] (bounded). */
    private static CampaignResult awaitCounter(final RawConnection c, final long id, final int counter, final long min,
        final long max) throws Exception
    {
        final long end = System.currentTimeMillis() + 15_000;
        CampaignResult r = CampaignIT.stats(c, id, null);
        while ((r.counter(counter) < min || r.counter(counter) > max) && System.currentTimeMillis() < end)
        {
            Thread.sleep(20);
            r = CampaignIT.stats(c, id, null);
        }
        assertThat(r.counter(counter)).as("counter %d of %s", counter, r).isBetween(min, max);
        return r;
    }

    private static void awaitSent(final Dispatcher engine, final long sent) throws InterruptedException
    {
        final long end = System.currentTimeMillis() + 15_000;
        while (engine.lane(ChannelType.SMS).metrics().get(LaneMetrics.SENT) < sent && System.currentTimeMillis() < end)
        {
            Thread.sleep(5);
        }
        assertThat(engine.lane(ChannelType.SMS).metrics().get(LaneMetrics.SENT)).isGreaterThanOrEqualTo(sent);
    }

    /** Reads the watcher's receipts until {@code count} messages were DISPATCHED (bounded by the read timeout). */
    private static void awaitDispatched(final RawConnection watcher, final int count) throws Exception
    {
        int dispatched = 0;
        while (dispatched < count)
        {
            final RawConnection.Frame f = watcher.readAnyWithTimeout(15_000);
            if (f.type == MessageType.RECEIPT && f.state() == DeliveryState.DISPATCHED.code())
            {
                dispatched++;
            }
        }
    }

    /** A second connection receiving the DISPATCHED and CANCELLED receipts of every message of the tenant. */
    private static RawConnection subscribed(final int port) throws Exception
    {
        final RawConnection watcher = RawConnection.open(port, "demo", "demo-key");
        watcher.send(b -> ByteBufFrames.subscribe(b, 1, Frames.SCOPE_TENANT,
            Frames.stateMask(DeliveryState.DISPATCHED, DeliveryState.CANCELLED)));
        assertThat(watcher.read().type).isEqualTo(MessageType.OK);
        return watcher;
    }

    /** @return the receipts received so far, as message id → states in order (reads until 500 ms of quiet). */
    private static Map<Long, List<Integer>> receipts(final RawConnection watcher) throws Exception
    {
        final Map<Long, List<Integer>> byId = new HashMap<>();
        try
        {
            while (true)
            {
                final RawConnection.Frame f = watcher.readAnyWithTimeout(500);
                assertThat(f.type).isIn(MessageType.RECEIPT, MessageType.CREDIT);
                if (f.type == MessageType.RECEIPT)
                {
                    byId.computeIfAbsent(f.messageId(), k -> new ArrayList<>()).add(f.state());
                }
            }
        }
        catch (final SocketTimeoutException quiet)
        {
            return byId;
        }
    }

    private static List<Long> withState(final Map<Long, List<Integer>> states, final DeliveryState state)
    {
        return states.entrySet().stream().filter(e -> e.getValue().contains((int)state.code())).map(Map.Entry::getKey)
            .toList();
    }

    /** @return the state changes of every campaign message in the journal, by message id. */
    private static Map<Long, List<Integer>> campaignStates(final Path journalDir)
    {
        final Map<Long, List<Integer>> states = new HashMap<>();
        try (Journal journal = new Journal(journalDir, "FAST_DAILY"); JournalReader reader = journal.newReader())
        {
            reader.scanFromStart(new JournalReader.Visitor()
            {
                @Override
                public void onAccepted(final long messageId, final AcceptedRecord r)
                {
                    if (r.campaignId != 0)
                    {
                        states.put(messageId, new ArrayList<>());
                    }
                }

                @Override
                public void onState(final long messageId, final byte state, final byte attempts, final byte channel,
                    final short reason, final long atMs)
                {
                    final List<Integer> s = states.get(messageId);
                    if (s != null)
                    {
                        s.add((int)state);
                    }
                }
            }, new AcceptedRecord());
        }
        return states;
    }

    private static String[] concat(final String[] args, final String... more)
    {
        final String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
