package io.dispatch.it;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.ChildEngine;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.RawConnection.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine runs in a child JVM under load and is killed with SIGKILL. After a restart on the same
 * journal, every message that had been acked reaches a terminal state, and idempotency keys survive.
 */
@Timeout(180)
class KillRecoveryIT
{
    @TempDir
    Path dir;

    @Test
    void shouldBringEveryAckedMessageToATerminalStateAfterKillNine() throws Exception
    {
        // a slow provider with a small window keeps many acked messages undelivered at the moment of the kill
        final String[] slow = {
            "--set", "lane.sms.connector.latencyMs=20", "--set", "lane.sms.window=64",
            "--set", "lane.sms.receiptTimeoutMs=3000", "--set", "lane.sms.connector.receiptDelayMs=10"};
        final List<Long> acked = new ArrayList<>();
        long firstKeyedId = -1;
        try (ChildEngine child = ChildEngine.start(dir, slow))
        {
            final ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
            try (RawConnection c = RawConnection.open(child.port(), "demo", "demo-key"))
            {
                c.submit(1, MessageKind.INFORMATIONAL, ChannelType.SMS, "pay-1", "01099990000", "paid");
                firstKeyedId = c.read().messageId();
                killer.schedule(child::kill, 1_500, TimeUnit.MILLISECONDS);
                long correlationId = 10;
                while (true)
                {
                    for (int i = 0; i < 200; i++)
                    {
                        c.submit(correlationId++, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "010" + correlationId, "m");
                    }
                    for (int i = 0; i < 200; i++)
                    {
                        final Frame f = c.read();
                        if (f.type == MessageType.ACK)
                        {
                            acked.add(f.messageId());
                        }
                    }
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
        assertThat(acked).hasSizeGreaterThan(500);

        try (ChildEngine child = ChildEngine.start(dir, slow);
            RawConnection c = RawConnection.open(child.port(), "demo", "demo-key"))
        {
            assertThat(child.recoveryRedispatched()).as("recovery found undelivered acked messages").isPositive();
            final List<Integer> states;
            try
            {
                states = StatusPoller.awaitTerminal(c, acked, 120_000);
            }
            catch (final java.net.SocketTimeoutException ex)
            {
                child.threadDump();
                throw ex;
            }
            assertThat(states).as("terminal state of every acked message")
                .allMatch(s -> s == DeliveryState.DELIVERED.code() || s == DeliveryState.EXPIRED.code());

            c.submit(2, MessageKind.INFORMATIONAL, ChannelType.SMS, "pay-1", "01099990000", "paid");
            final Frame duplicate = c.read();
            assertThat(duplicate.ackOutcome()).isEqualTo(1);
            assertThat(duplicate.messageId()).isEqualTo(firstKeyedId);
        }
    }
}
