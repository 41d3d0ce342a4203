package io.dispatch.it;

import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReader;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.ChildEngine;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.RawConnection.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chat → SMS fallback across a kill -9: the engine (child JVM) falls chat messages for non-KakaoTalk
 * users back to SMS under load and is killed. After a restart every acked message ends, and the
 * journal shows each fallen-back message moved once and never sent on chat after the move: recovery
 * re-dispatched it on SMS only.
 */
@Timeout(240)
class FallbackKillRecoveryIT
{
    private static final String[] ARGS = {
        "--set", "lane.chat.fallback=sms",
        "--set", "lane.chat.connector.latencyMs=20", "--set", "lane.chat.window=32",
        "--set", "lane.sms.connector.latencyMs=20", "--set", "lane.sms.window=32",
        "--set", "lane.chat.receiptTimeoutMs=5000", "--set", "lane.sms.receiptTimeoutMs=5000",
        "--set", "lane.chat.connector.receiptDelayMs=10", "--set", "lane.sms.connector.receiptDelayMs=10"};

    @TempDir
    Path dir;

    @Test
    void shouldRedispatchAFallenBackMessageToTheNewChannelOnlyAfterKillNine() throws Exception
    {
        final List<Long> acked = new ArrayList<>();
        final Set<Long> nonUsers = new HashSet<>();
        try (ChildEngine child = ChildEngine.start(dir, ARGS))
        {
            final ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
            try (RawConnection c = RawConnection.open(child.port(), "demo", "demo-key"))
            {
                killer.schedule(child::kill, 1_500, TimeUnit.MILLISECONDS);
                final Map<Long, Boolean> nonUserByCorrelation = new HashMap<>();
                long correlationId = 10;
                while (true)
                {
                    for (int i = 0; i < 100; i++, correlationId++)
                    {
                        final boolean nonUser = correlationId % 2 == 0;
                        nonUserByCorrelation.put(correlationId, nonUser);
                        c.submit(correlationId, MessageKind.INFORMATIONAL, ChannelType.CHAT, "",
                            (nonUser ? "nochat-010" : "010") + correlationId, "order shipped");
                    }
                    for (int i = 0; i < 100; i++)
                    {
                        final Frame f = c.read();
                        if (f.type == MessageType.ACK)
                        {
                            acked.add(f.messageId());
                            if (nonUserByCorrelation.get(f.correlationId))
                            {
                                nonUsers.add(f.messageId());
                            }
                        }
                    }
                    Thread.sleep(30);
                }
            }
            catch (final IOException expectedWhenKilled)
            {
                assertThat(child.awaitExit(10_000)).isTrue();
            }
            finally
            {
                killer.shutdownNow();
            }
        }
        assertThat(nonUsers).hasSizeGreaterThan(100);

        // at the kill: some messages had moved to SMS (journaled) and were not finished there yet
        final Map<Long, History> atKill = histories(dir.resolve("journal"));
        final Set<Long> movedUnfinished = new HashSet<>();
        atKill.forEach((id, h) ->
        {
            if (h.moves == 1 && !h.terminal)
            {
                movedUnfinished.add(id);
            }
        });
        assertThat(movedUnfinished).as("fallen back to SMS but not finished at the kill").isNotEmpty();

        try (ChildEngine child = ChildEngine.start(dir, ARGS);
            RawConnection c = RawConnection.open(child.port(), "demo", "demo-key"))
        {
            final List<Integer> states = StatusPoller.awaitTerminal(c, acked, 150_000);
            assertThat(states).as("terminal state of every acked message")
                .allMatch(s -> s == DeliveryState.DELIVERED.code() || s == DeliveryState.EXPIRED.code());
        }

        final Map<Long, History> after = histories(dir.resolve("journal"));
        for (final long id : acked)
        {
            final History h = after.get(id);
            if (nonUsers.contains(id))
            {
                assertThat(h.moves).as("message %d moved to SMS exactly once", id).isEqualTo(1);
                assertThat(h.chatAfterMove).as("message %d touched chat after the move", id).isZero();
                assertThat(h.lastChannel).as("message %d ended on SMS", id).isEqualTo(ChannelType.SMS.code());
            }
            else
            {
                assertThat(h.moves).as("chat user %d never fell back", id).isZero();
                assertThat(h.lastChannel).isEqualTo(ChannelType.CHAT.code());
            }
        }
        for (final long id : movedUnfinished)
        {
            assertThat(after.get(id).smsDispatches).as("recovered message %d dispatched on SMS", id).isPositive();
        }
    }

    /** What the journal says happened to one message. */
    private static final class History
    {
        int moves;
        int chatAfterMove;
        int smsDispatches;
        boolean terminal;
        byte lastChannel;
    }

    private static Map<Long, History> histories(final Path journalDir)
    {
        final Map<Long, History> out = new HashMap<>();
        try (Journal journal = new Journal(journalDir, "FAST_DAILY"); JournalReader reader = journal.newReader())
        {
            reader.scanFromStart(new JournalReader.Visitor()
            {
                @Override
                public void onAccepted(final long messageId, final AcceptedRecord record)
                {
                    out.put(messageId, new History());
                }

                @Override
                public void onState(
                    final long messageId, final byte state, final byte attempts, final byte channel, final short reason,
                    final long atMs)
                {
                    final History h = out.get(messageId);
                    if (h == null)
                    {
                        return;
                    }
                    if (state == DeliveryState.RETRYING.code() && channel == ChannelType.SMS.code()
                        && reason == Reason.NOT_CHANNEL_USER.code())
                    {
                        h.moves++;
                    }
                    else if (channel == ChannelType.CHAT.code() && h.moves > 0)
                    {
                        h.chatAfterMove++;
                    }
                    if (state == DeliveryState.DISPATCHED.code() && channel == ChannelType.SMS.code())
                    {
                        h.smsDispatches++;
                    }
                    h.terminal |= DeliveryState.of(state) != null && DeliveryState.of(state).isTerminal();
                    h.lastChannel = channel;
                }
            }, new AcceptedRecord());
        }
        return out;
    }
}
