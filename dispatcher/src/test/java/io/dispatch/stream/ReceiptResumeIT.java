package io.dispatch.stream;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.ReceiptListener;
import io.dispatch.client.Submit;
import io.dispatch.client.SubmitResult;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Resumable receipts on a real engine over loopback: a subscriber that disconnects while messages flow and resumes
 * from the last position it saw gets every message's terminal receipt exactly once across both connections, and
 * positions never go back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReceiptResumeIT
{
    private static final int MESSAGES = 3_000;

    @TempDir
    Path dir;

    private static DispatchClient connect(final int port)
    {
        return DispatchClient.connect(ClientConfig.builder().port(port).tenant("demo").apiKey("demo-key")
            .reconnect(false).build());
    }

    /** Records every receipt it gets, in arrival order, as "id/state/position". */
    private static final class Recorder implements ReceiptListener
    {
        final ConcurrentLinkedQueue<long[]> receipts = new ConcurrentLinkedQueue<>();
        final Set<Long> terminal = ConcurrentHashMap.newKeySet();
        final AtomicLong lastPosition = new AtomicLong();
        final CountDownLatch enough;

        Recorder(final int stopAfter)
        {
            enough = new CountDownLatch(stopAfter);
        }

        @Override
        public void onReceipt(final long messageId, final DeliveryState state, final int attempts, final Reason reason,
            final long atEpochMs)
        {
            throw new AssertionError("the client calls the seven-argument method");
        }

        @Override
        public void onReceipt(final long messageId, final DeliveryState state, final int attempts, final Reason reason,
            final long atEpochMs, final ChannelType channel, final long position)
        {
            receipts.add(new long[] {messageId, state.code(), position});
            lastPosition.set(position);
            if (state.isTerminal())
            {
                terminal.add(messageId);
                enough.countDown();
            }
        }
    }

    /** Windows of 100 submits; one NACKed BACKPRESSURE (the ring above its high-water mark) is sent again. */
    private static void submitAll(final DispatchClient sender, final Set<Long> ids)
    {
        int next = 0;
        final List<Integer> retry = new ArrayList<>();
        while (next < MESSAGES || !retry.isEmpty())
        {
            final List<Integer> window = new ArrayList<>(retry);
            retry.clear();
            while (window.size() < 100 && next < MESSAGES)
            {
                window.add(next++);
            }
            final List<CompletableFuture<SubmitResult>> acks = new ArrayList<>();
            for (final int i : window)
            {
                acks.add(sender.submit(Submit.builder().channel(ChannelType.SMS).to("0105555" + (i % 1000))
                    .key("m" + i).text("order " + i + " shipped").build()));
            }
            for (int k = 0; k < acks.size(); k++)
            {
                try
                {
                    ids.add(acks.get(k).get(30, TimeUnit.SECONDS).messageId());
                }
                catch (final java.util.concurrent.ExecutionException ex)
                {
                    assertThat(ex.getCause().getMessage()).contains("BACKPRESSURE");
                    retry.add(window.get(k));
                }
                catch (final Exception ex)
                {
                    throw new AssertionError(ex);
                }
            }
        }
    }

    @Test
    void shouldDeliverEveryTerminalReceiptExactlyOnceAcrossADisconnectUnderLoad() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir)); DispatchClient sender = connect(engine.port()))
        {
            final int port = engine.port();
            final Recorder first = new Recorder(MESSAGES / 3);
            final DispatchClient firstConnection = connect(port);
            firstConnection.resumeReceipts(0, Frames.ALL_STATES, first).get(10, TimeUnit.SECONDS);

            final Set<Long> ids = ConcurrentHashMap.newKeySet();
            final CompletableFuture<Void> loadDone = CompletableFuture.runAsync(() -> submitAll(sender, ids));

            assertThat(first.enough.await(60, TimeUnit.SECONDS)).as("a third of the terminal receipts").isTrue();
            firstConnection.close(); // while the rest still flows
            final long resumeAfter = first.lastPosition.get();

            loadDone.get(60, TimeUnit.SECONDS);
            assertThat(ids).hasSize(MESSAGES);

            final Recorder second = new Recorder(MESSAGES - first.terminal.size());
            try (DispatchClient secondConnection = connect(port))
            {
                secondConnection.resumeReceipts(resumeAfter, Frames.ALL_STATES, second).get(10, TimeUnit.SECONDS);
                assertThat(second.enough.await(60, TimeUnit.SECONDS)).as("the rest of the terminal receipts").isTrue();
            }

            final List<Long> terminalIds = new ArrayList<>();
            final Set<String> seen = new java.util.HashSet<>();
            long previous = 0;
            for (final Recorder r : List.of(first, second))
            {
                for (final long[] receipt : r.receipts)
                {
                    assertThat(receipt[2]).as("positions grow across both connections").isGreaterThan(previous);
                    previous = receipt[2];
                    assertThat(seen.add(receipt[0] + "/" + receipt[1])).as("no receipt twice: %s", receipt[0]).isTrue();
                    if (DeliveryState.of((int)receipt[1]).isTerminal())
                    {
                        terminalIds.add(receipt[0]);
                    }
                }
            }
            assertThat(terminalIds).as("every message's terminal receipt, once").hasSize(MESSAGES)
                .containsExactlyInAnyOrderElementsOf(ids);
        }
    }

    @Test
    void shouldGiveLiveReceiptsThePositionsAResumeReplaysFromTheJournal() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir)); DispatchClient live = connect(engine.port());
            DispatchClient otherTenant = DispatchClient.connect(ClientConfig.builder().port(engine.port()).tenant("other")
                .apiKey("other-key").reconnect(false).build()))
        {
            final Recorder liveReceipts = new Recorder(200);
            live.subscribeReceipts(Frames.SCOPE_TENANT, liveReceipts).get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> live.resumeReceipts(1, Frames.ALL_STATES, liveReceipts).get(10, TimeUnit.SECONDS))
                .as("one producer per receipt buffer: a resume needs a connection of its own")
                .hasMessageContaining("INVALID_FIELD").hasMessageContaining("connection of its own");
            for (int i = 0; i < 200; i++)
            {
                live.submit(Submit.builder().channel(ChannelType.PUSH).to("fcm:token-" + i).text("hi " + i).build())
                    .get(10, TimeUnit.SECONDS);
                otherTenant.submit(Submit.builder().channel(ChannelType.PUSH).to("fcm:token-" + i).text("hi").build())
                    .get(10, TimeUnit.SECONDS);
            }
            assertThat(liveReceipts.enough.await(30, TimeUnit.SECONDS)).isTrue();
            final List<String> expected = new ArrayList<>();
            for (final long[] r : liveReceipts.receipts)
            {
                assertThat(r[2]).as("every live receipt has a position").isPositive();
                expected.add(r[0] + "/" + r[1] + "/" + r[2]);
            }
            final int from = expected.size() / 2;
            final long after = Long.parseLong(expected.get(from - 1).split("/")[2]);

            final Recorder replay = new Recorder(200 - (int)liveReceipts.receipts.stream().limit(from)
                .filter(r -> DeliveryState.of((int)r[1]).isTerminal()).count());
            try (DispatchClient resumed = connect(engine.port()))
            {
                resumed.resumeReceipts(after, Frames.ALL_STATES, replay).get(10, TimeUnit.SECONDS);
                assertThat(replay.enough.await(30, TimeUnit.SECONDS)).isTrue();
            }
            final List<String> replayed = new ArrayList<>();
            replay.receipts.forEach(r -> replayed.add(r[0] + "/" + r[1] + "/" + r[2]));
            assertThat(replayed).as("the same receipts, positions and order; none of tenant other")
                .isEqualTo(expected.subList(from, expected.size()));
        }
    }
}
