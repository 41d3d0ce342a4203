package io.dispatch.stream;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.ReceiptListener;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java client resumes a receipt subscription by itself: the engine restarts under it (same port, same journal),
 * the client reconnects and subscribes again after the last position it received (not from its first position: the
 * first engine's receipts would come twice), and every message's terminal receipt arrives exactly once, those of
 * messages sent to the new engine while the client was still reconnecting included.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReceiptResumeAcrossRestartIT
{
    private static final int PER_ENGINE = 300;

    @TempDir
    Path dir;

    private Settings settings(final int port)
    {
        return EngineFixture.settings(dir).set("ingest.port", Integer.toString(port));
    }

    private static int freePort() throws Exception
    {
        try (ServerSocket s = new ServerSocket(0))
        {
            return s.getLocalPort();
        }
    }

    @Test
    void shouldResumeAfterTheLastReceivedPositionWhenTheEngineRestartsUnderTheClient() throws Exception
    {
        final int port = freePort();
        final Map<Long, AtomicInteger> terminal = new ConcurrentHashMap<>();
        final List<Long> positions = new CopyOnWriteArrayList<>();
        final CountDownLatch all = new CountDownLatch(2 * PER_ENGINE);
        final CountDownLatch firstEngine = new CountDownLatch(PER_ENGINE);
        final ReceiptListener listener = new ReceiptListener()
        {
            @Override
            public void onReceipt(final long messageId, final DeliveryState state, final int attempts,
                final Reason reason, final long atEpochMs)
            {
            }

            @Override
            public void onReceipt(final long messageId, final DeliveryState state, final int attempts,
                final Reason reason, final long atEpochMs, final ChannelType channel, final long position)
            {
                positions.add(position);
                if (state.isTerminal() && terminal.computeIfAbsent(messageId, k -> new AtomicInteger()).incrementAndGet() == 1)
                {
                    all.countDown();
                    firstEngine.countDown();
                }
            }
        };
        final ClientConfig clientConfig = ClientConfig.builder().port(port).tenant("demo").apiKey("demo-key")
            .reconnect(true).reconnectMinBackoffMs(20).reconnectMaxBackoffMs(200).build();
        Dispatcher engine = EngineFixture.launch(settings(port));
        try (DispatchClient subscriber = DispatchClient.connect(clientConfig))
        {
            subscriber.resumeReceipts(0, Frames.ALL_STATES, listener).get(10, TimeUnit.SECONDS);
            submit(port, "a");
            // a message the provider accepted but had no receipt for at the stop would wait out its receipt timeout
            assertThat(firstEngine.await(30, TimeUnit.SECONDS)).as("the first engine's messages ended").isTrue();
            engine.close();
            engine = EngineFixture.launch(settings(port));
            submit(port, "b");
            assertThat(all.await(60, TimeUnit.SECONDS)).as("every terminal receipt of both engines").isTrue();
        }
        finally
        {
            engine.close();
        }
        assertThat(terminal).hasSize(2 * PER_ENGINE);
        assertThat(terminal.values()).allSatisfy(n -> assertThat(n.get()).as("exactly once").isEqualTo(1));
        for (int i = 1; i < positions.size(); i++)
        {
            assertThat(positions.get(i)).as("no receipt twice, none out of order").isGreaterThan(positions.get(i - 1));
        }
    }

    private static void submit(final int port, final String prefix) throws Exception
    {
        try (DispatchClient sender = DispatchClient.connect(ClientConfig.builder().port(port).tenant("demo")
            .apiKey("demo-key").reconnect(false).build()))
        {
            for (int i = 0; i < PER_ENGINE; i++)
            {
                sender.submit(Submit.builder().channel(ChannelType.SMS).to("0107777" + i).text(prefix + i).build())
                    .get(10, TimeUnit.SECONDS);
            }
        }
    }
}
