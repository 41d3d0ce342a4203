package io.dispatch.it;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.ChildEngine;
import io.dispatch.testing.CountingWebhookPeer;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.RawConnection.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rolling restart under load: the engine in a child JVM gets SIGTERM while a client submits as fast as it
 * can and the provider (a webhook peer on loopback that counts posts per message id over both runs) has calls
 * open. The engine says GOODBYE, drains and exits 0 within shutdown.drainMs; after the restart every acked
 * message reaches the provider, and none reaches it twice.
 */
@Timeout(240)
class DrainIT
{
    private static final long DRAIN_MS = 20_000;
    /** Acked messages before the SIGTERM: a few times the window, so some are in flight and more are queued. */
    private static final int ACKED_BEFORE_SIGTERM = 1_500;

    @TempDir
    Path dir;

    @Test
    void shouldSendNothingTwiceAcrossASigtermRestart() throws Exception
    {
        final List<Long> acked = new ArrayList<>();
        try (CountingWebhookPeer peer = new CountingWebhookPeer(20))
        {
            final String[] args = Stream.of(peer.laneArgs("chat", dir), new String[] {
                "--set", "lane.chat.window=64", "--set", "shutdown.drainMs=" + DRAIN_MS})
                .flatMap(Stream::of).toArray(String[]::new);
            final Path data = dir.resolve("data");
            int goodbyeReason = -1;
            long goodbyeRetryAfterMs = -1;
            int refused = 0;
            final int postedInFirstRun;
            try (ChildEngine child = ChildEngine.start(data, args))
            {
                try (RawConnection c = RawConnection.open(child.port(), "demo", "demo-key"))
                {
                    long correlationId = 1;
                    boolean terminated = false;
                    load:
                    while (true)
                    {
                        try
                        {
                            for (int i = 0; i < 200; i++)
                            {
                                c.submit(correlationId++, MessageKind.INFORMATIONAL, ChannelType.CHAT, "",
                                    "user-" + correlationId, "m" + correlationId);
                            }
                        }
                        catch (final IOException writeAfterTheEngineClosed)
                        {
                            // only once the engine is stopping; what it answered is still to be read
                            assertThat(terminated).isTrue();
                        }
                        for (int i = 0; i < 200; i++)
                        {
                            final Frame f = c.read();
                            if (f.type == MessageType.ACK)
                            {
                                acked.add(f.messageId());
                            }
                            else if (f.type == MessageType.NACK && f.errorCode() == ErrorCode.SHUTTING_DOWN.code())
                            {
                                refused++;
                            }
                            else if (f.type == MessageType.GOODBYE)
                            {
                                goodbyeReason = f.goodbye().reason();
                                goodbyeRetryAfterMs = f.goodbye().retryAfterMs();
                                break load;
                            }
                            else
                            {
                                throw new AssertionError("unexpected answer " + f);
                            }
                        }
                        if (!terminated && acked.size() >= ACKED_BEFORE_SIGTERM)
                        {
                            child.terminate();
                            terminated = true;
                        }
                    }
                    assertThat(c.awaitClosed(10_000)).as("closed after GOODBYE").isTrue();
                }
                catch (final IOException ex)
                {
                    throw new AssertionError("the connection ended without GOODBYE", ex);
                }
                assertThat(child.awaitExit(DRAIN_MS + 15_000)).as("exited within the drain bound").isTrue();
                assertThat(child.exitCode()).as("exit code after a drain").isEqualTo(0);
                assertThat(child.output()).anySatisfy(line -> assertThat(line).contains("event=stopped")
                    .contains("drain=complete").contains("in_flight_left=0"));
                postedInFirstRun = peer.countsById().size();
            }
            assertThat(goodbyeReason).isEqualTo(ErrorCode.SHUTTING_DOWN.code());
            assertThat(goodbyeRetryAfterMs).isEqualTo(DRAIN_MS);
            assertThat(acked).hasSizeGreaterThanOrEqualTo(ACKED_BEFORE_SIGTERM);
            assertThat(postedInFirstRun).as("some acked messages were left for the restart").isLessThan(acked.size());

            try (ChildEngine child = ChildEngine.start(data, args);
                RawConnection c = RawConnection.open(child.port(), "demo", "demo-key"))
            {
                assertThat(child.recoveryRedispatched()).as("recovery sends only what the provider never had")
                    .isEqualTo(acked.size() - postedInFirstRun);
                // a message the provider took before the stop is DELIVERED, or PROVIDER_ACCEPTED if its receipt
                // came after the lane stopped: either way it is not sent again
                final List<Integer> states = StatusPoller.await(c, acked, 120_000, s ->
                    s == DeliveryState.DELIVERED.code() || s == DeliveryState.PROVIDER_ACCEPTED.code());
                assertThat(states).as("every acked message reached the provider")
                    .allMatch(s -> s == DeliveryState.DELIVERED.code() || s == DeliveryState.PROVIDER_ACCEPTED.code());
            }
            final Map<Long, Integer> counts = peer.countsById();
            assertThat(counts.keySet()).containsAll(acked);
            assertThat(counts).as("posts per message id over both runs (%d SUBMITs refused while stopping)", refused)
                .allSatisfy((id, n) -> assertThat(n).as("posts of message " + id).isEqualTo(1));
        }
    }

    @Test
    void shouldStopAtOnceOnASecondSignalWhileDraining() throws Exception
    {
        try (CountingWebhookPeer peer = new CountingWebhookPeer(0))
        {
            peer.hold(true);
            final String[] args = Stream.of(peer.laneArgs("chat", dir), new String[] {
                "--set", "shutdown.drainMs=600000"}).flatMap(Stream::of).toArray(String[]::new);
            try (ChildEngine child = ChildEngine.start(dir.resolve("data"), args);
                RawConnection c = RawConnection.open(child.port(), "demo", "demo-key"))
            {
                c.submit(1, MessageKind.INFORMATIONAL, ChannelType.CHAT, "", "user-1", "held by the provider");
                assertThat(c.read().type).isEqualTo(MessageType.ACK);
                final long deadline = System.nanoTime() + 30_000_000_000L;
                while (peer.requests() < 1 && System.nanoTime() < deadline)
                {
                    Thread.sleep(10);
                }
                assertThat(peer.requests()).isEqualTo(1);

                child.terminate();
                assertThat(c.read().type).as("the drain began").isEqualTo(MessageType.GOODBYE);
                // the drain would wait up to 10 minutes for the held call; the second signal does not wait
                child.terminate();
                assertThat(child.awaitExit(60_000)).isTrue();
                assertThat(child.exitCode()).isEqualTo(143);
                assertThat(child.output()).anySatisfy(line -> assertThat(line).contains("SIGTERM again while draining"));
            }
        }
    }
}
