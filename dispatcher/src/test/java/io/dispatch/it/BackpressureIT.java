package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.RawConnection.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A provider that stalls fills its lane; the engine then withholds credit, the client stops, nothing
 * acked is lost, and the backlog is delivered once a working provider is back (after a restart).
 */
@Timeout(120)
class BackpressureIT
{
    private static final int LANE_CAPACITY = 2000;
    private static final int INITIAL_CREDIT = 500;

    @TempDir
    Path dir;

    @Test
    void shouldWithholdCreditWhenProviderStallsAndDeliverEverythingAckedLater() throws Exception
    {
        final Settings stalled = EngineFixture.settings(dir)
            .set("lane.sms.capacity", Integer.toString(LANE_CAPACITY))
            .set("lane.sms.window", "64")
            .set("lane.sms.connector.stall", "true")
            .set("ingest.initialCredit", Integer.toString(INITIAL_CREDIT));
        final List<Long> acked = new ArrayList<>();
        int backpressureNacks = 0;
        int credit = INITIAL_CREDIT;
        long lastCreditAtMs = System.currentTimeMillis();
        try (Dispatcher engine = EngineFixture.launch(stalled);
            RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            long correlationId = 0;
            final long end = System.currentTimeMillis() + 4_000;
            while (System.currentTimeMillis() < end)
            {
                while (credit > 0)
                {
                    c.submit(++correlationId, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "0101234" + correlationId, "x");
                    credit--;
                }
                final Frame f;
                try
                {
                    f = readWithin(c, 200);
                }
                catch (final SocketTimeoutException ex)
                {
                    continue;
                }
                if (f.type == MessageType.CREDIT)
                {
                    credit += f.credit();
                    lastCreditAtMs = System.currentTimeMillis();
                }
                else if (f.type == MessageType.ACK)
                {
                    acked.add(f.messageId());
                }
                else if (f.type == MessageType.NACK)
                {
                    assertThat(f.errorCode()).isEqualTo(ErrorCode.BACKPRESSURE.code());
                    backpressureNacks++;
                }
            }
            final long admitted = engine.lane(ChannelType.SMS).admission().inSystem();
            assertThat(admitted).isEqualTo(acked.size());
            assertThat(acked.size()).isBetween(LANE_CAPACITY * 9 / 10, LANE_CAPACITY);
            assertThat(System.currentTimeMillis() - lastCreditAtMs)
                .as("no credit granted while the lane is full").isGreaterThan(1_000);
            assertThat(credit).isLessThan(INITIAL_CREDIT);
            assertThat(backpressureNacks).isLessThanOrEqualTo(INITIAL_CREDIT);
        }

        final Settings working = EngineFixture.settings(dir).set("lane.sms.connector.stall", "false");
        try (Dispatcher engine = EngineFixture.launch(working);
            RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            assertThat(StatusPoller.awaitTerminal(c, acked, 60_000))
                .as("every acked message delivered after restart")
                .allMatch(state -> state == DeliveryState.DELIVERED.code());
        }
    }

    private static Frame readWithin(final RawConnection c, final int timeoutMs) throws Exception
    {
        return c.readAnyWithTimeout(timeoutMs);
    }
}
