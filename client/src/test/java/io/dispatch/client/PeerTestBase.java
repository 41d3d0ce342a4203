package io.dispatch.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Starts a {@link ScriptedPeer} per test and closes the clients a test opened. Every test is time-bounded. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
abstract class PeerTestBase
{
    protected ScriptedPeer peer;
    private final List<DispatchClient> clients = new ArrayList<>();

    @BeforeEach
    void startPeer() throws InterruptedException
    {
        peer = new ScriptedPeer();
    }

    @AfterEach
    void stopPeer()
    {
        clients.forEach(DispatchClient::close);
        peer.close();
        assertThat(peer.violations).as("protocol violations seen by the peer").isEmpty();
    }

    protected ClientConfig.Builder config()
    {
        return ClientConfig.builder()
            .port(peer.port())
            .connectTimeoutMs(2000)
            .requestTimeoutMs(10_000)
            .reconnectMinBackoffMs(20)
            .reconnectMaxBackoffMs(100)
            .closeTimeoutMs(2000);
    }

    protected DispatchClient connect(final ClientConfig.Builder config)
    {
        final DispatchClient client = DispatchClient.connect(config.build());
        clients.add(client);
        return client;
    }

    protected static Submit message(final String recipient)
    {
        return Submit.builder().to(recipient).text("hi").build();
    }

    protected static void await(final String what, final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(2);
        }
    }
}
