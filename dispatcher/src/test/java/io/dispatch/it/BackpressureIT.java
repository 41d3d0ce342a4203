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
            assertThat(backpressureNacks).as("a client within its credit is paused, never refused").isZero();
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

    @Test
    void shouldPauseSeveralSessionsWithinTheirCreditWithoutRefusingAny() throws Exception
    {
        // three sessions send 3 × 1,000 within their initial credit into a stalled lane of 2,000
        final int sessions = 3;
        final int credit = 1_000;
        final Settings stalled = EngineFixture.settings(dir)
            .set("lane.sms.capacity", Integer.toString(LANE_CAPACITY))
            .set("lane.sms.window", "64")
            .set("lane.sms.connector.stall", "true")
            .set("ingest.initialCredit", Integer.toString(credit));
        try (Dispatcher engine = EngineFixture.launch(stalled))
        {
            final List<RawConnection> clients = new ArrayList<>();
            try
            {
                for (int s = 0; s < sessions; s++)
                {
                    final RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key");
                    clients.add(c);
                    final io.netty.buffer.ByteBuf burst = io.netty.buffer.Unpooled.buffer();
                    for (int i = 1; i <= credit; i++)
                    {
                        RawConnection.submitFrame(burst, i, MessageKind.INFORMATIONAL, ChannelType.SMS, null,
                            "010" + (10_000_000 + s * credit + i), null, "x", null);
                    }
                    c.sendBytes(burst);
                }
                int acks = 0;
                final long deadline = System.currentTimeMillis() + 30_000;
                while (acks < LANE_CAPACITY && System.currentTimeMillis() < deadline)
                {
                    for (final RawConnection c : clients)
                    {
                        // what this connection has been answered so far; a paused one answers nothing
                        while (true)
                        {
                            final Frame f;
                            try
                            {
                                f = c.readAnyWithTimeout(20);
                            }
                            catch (final SocketTimeoutException ex)
                            {
                                break;
                            }
                            assertThat(f.type).as("within credit: acked or waiting, %s", f)
                                .isIn(MessageType.ACK, MessageType.CREDIT);
                            acks += f.type == MessageType.ACK ? 1 : 0;
                        }
                    }
                }
                assertThat(acks).as("the lane filled with acked messages").isEqualTo(LANE_CAPACITY);
                assertThat(engine.lane(ChannelType.SMS).admission().inSystem()).isEqualTo(LANE_CAPACITY);
                assertThat(engine.counters().get(io.dispatch.status.Counter.BACKPRESSURE_NACKS)).isZero();
            }
            finally
            {
                for (final RawConnection c : clients)
                {
                    c.close();
                }
            }
        }
    }

    @Test
    void shouldRefuseWhatAClientSendsBeyondItsCredit() throws Exception
    {
        // the refusal a client that ignores its credit meets: CREDIT_EXCEEDED, nothing journaled
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir).set("ingest.initialCredit", "5"));
            RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            // one write, read by the engine before any answer can return credit
            final io.netty.buffer.ByteBuf burst = io.netty.buffer.Unpooled.buffer();
            for (int i = 1; i <= 8; i++)
            {
                RawConnection.submitFrame(burst, i, MessageKind.INFORMATIONAL, ChannelType.SMS, null,
                    "0109" + (1_000_000 + i), null, "x", null);
            }
            c.sendBytes(burst);
            final List<Long> exceeded = new ArrayList<>();
            int acks = 0;
            while (acks + exceeded.size() < 8)
            {
                final Frame f = c.read();
                if (f.type == MessageType.ACK)
                {
                    acks++;
                }
                else
                {
                    assertThat(f.errorCode()).as("%s", f).isEqualTo(ErrorCode.CREDIT_EXCEEDED.code());
                    exceeded.add(f.correlationId);
                }
            }
            assertThat(exceeded).containsExactlyInAnyOrder(6L, 7L, 8L);
            assertThat(engine.counters().get(io.dispatch.status.Counter.BACKPRESSURE_NACKS)).isZero();
        }
    }

    private static Frame readWithin(final RawConnection c, final int timeoutMs) throws Exception
    {
        return c.readAnyWithTimeout(timeoutMs);
    }
}
