package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.RawConnection.Frame;
import io.dispatch.testing.RawConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a subscribed session the ACK of a SUBMIT is written before any RECEIPT of its message, even for receipts
 * decided at acceptance (DEFERRED, SUPPRESSED) that the status stage produces in the same ring batch as the ACK.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AckBeforeReceiptIT
{
    private static final String PROMO = "(광고)[shop] 50% sale 무료수신거부 080-000-0000";
    private static final String CONSENTED = "01011112222";
    private static final int ROUNDS = 10;
    private static final int PER_ROUND = 2_000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "ring.consumerThreads={0}")
    @ValueSource(ints = {1, 2})
    void shouldWriteEveryAckBeforeAnyReceiptOfItsMessage(final int consumerThreads) throws Exception
    {
        // night in Seoul: consented marketing is DEFERRED (night window), unconsented marketing SUPPRESSED
        final JumpClock clock = JumpClock.atSeoul("2026-11-25T22:00:00");
        final var settings = EngineFixture.settings(dir).set("ring.consumerThreads", Integer.toString(consumerThreads));
        try (Dispatcher engine = EngineFixture.launch(settings, clock);
            DispatchClient admin = DispatchClient.connect(
                ClientConfig.builder().port(engine.port()).tenant("demo").apiKey("demo-key").build());
            RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            admin.updateConsent(CONSENTED, ChannelType.SMS, ConsentFlags.AD, 0, "signup-form").get(10, TimeUnit.SECONDS);
            c.send(b -> ByteBufFrames.subscribe(b, 1, Frames.SCOPE_CONNECTION));
            assertThat(c.read().type).isEqualTo(MessageType.OK);

            final Set<Long> acked = new HashSet<>();
            final Map<Integer, Integer> receiptStates = new HashMap<>();
            long correlationId = 10;
            for (int round = 0; round < ROUNDS; round++)
            {
                // one write of a whole round (within the initial credit), so the ring sees large batches
                final ByteBuf burst = Unpooled.buffer();
                for (int i = 0; i < PER_ROUND; i++)
                {
                    final String to = i % 2 == 0 ? CONSENTED : "0109999" + String.format("%04d", i);
                    RawConnection.submitFrame(burst, correlationId++, MessageKind.MARKETING, ChannelType.SMS, null, to,
                        null, PROMO, null);
                }
                c.sendBytes(burst);
                int acks = 0;
                int receipts = 0;
                while (acks < PER_ROUND || receipts < PER_ROUND)
                {
                    final Frame f = c.read();
                    if (f.type == MessageType.ACK)
                    {
                        acked.add(f.messageId());
                        acks++;
                    }
                    else if (f.type == MessageType.RECEIPT)
                    {
                        assertThat(acked.contains(f.messageId())).as("ACK of message %d before its %s receipt",
                            f.messageId(), DeliveryState.of(f.state())).isTrue();
                        receiptStates.merge(f.state(), 1, Integer::sum);
                        receipts++;
                    }
                    else
                    {
                        throw new AssertionError("unexpected " + f);
                    }
                }
            }
            assertThat(receiptStates).containsOnlyKeys(
                (int)DeliveryState.DEFERRED.code(), (int)DeliveryState.SUPPRESSED.code());
            assertThat(receiptStates.get((int)DeliveryState.DEFERRED.code())).isEqualTo(ROUNDS * PER_ROUND / 2);
        }
    }
}
