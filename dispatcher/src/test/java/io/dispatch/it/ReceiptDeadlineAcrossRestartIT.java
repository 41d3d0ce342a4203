package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.config.Settings;
import io.dispatch.connector.smpp.SmppEngineSettings;
import io.dispatch.connector.smpp.SmscSimulator;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.RawConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The receipt wait survives a restart with its original deadline: the real engine submits to a loopback SMSC that
 * holds every receipt, stops, and starts again on the same journal a day later (an injected clock). A message
 * whose provider acceptance is more than {@code receiptTimeoutMs} old ends EXPIRED(RECEIPT_TIMEOUT) at once; one
 * accepted later ends when its own deadline passes, not a whole timeout after the restart.
 */
@Timeout(120)
class ReceiptDeadlineAcrossRestartIT
{
    private static final long HOUR_MS = 3_600_000L;
    private static final long START_MS = 1_800_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void shouldKeepTheReceiptDeadlineFromTheJournalAcrossARestart() throws Exception
    {
        try (SmscSimulator smsc = new SmscSimulator("esme", "secret").holdReceipts())
        {
            final long early;
            final long late;
            final JumpClock before = new JumpClock(START_MS);
            try (Dispatcher engine = EngineFixture.launch(settings(smsc.port()), before);
                RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
            {
                early = submit(c, 1, "01055510001");
                awaitState(c, early, DeliveryState.PROVIDER_ACCEPTED);
                before.jump(2 * HOUR_MS);
                late = submit(c, 2, "01055510002");
                awaitState(c, late, DeliveryState.PROVIDER_ACCEPTED);
            }

            // 25 h 10 min after the first acceptance: the default receipt timeout (25 h) has passed for it only
            final JumpClock after = new JumpClock(START_MS + 25 * HOUR_MS + 10 * 60_000);
            try (Dispatcher engine = EngineFixture.launch(settings(smsc.port()), after);
                RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
            {
                assertThat(StatusPoller.awaitTerminal(c, List.of(early), 30_000)).as("expired at restart")
                    .containsExactly((int)DeliveryState.EXPIRED.code());
                assertThat(reason(c, early)).isEqualTo(Reason.RECEIPT_TIMEOUT.code());
                assertThat(state(c, late)).as("its deadline is still ~1 h 50 min away")
                    .isEqualTo(DeliveryState.PROVIDER_ACCEPTED.code());

                after.jump(2 * HOUR_MS);
                assertThat(StatusPoller.awaitTerminal(c, List.of(late), 30_000)).as("at its original deadline")
                    .containsExactly((int)DeliveryState.EXPIRED.code());
                assertThat(reason(c, late)).isEqualTo(Reason.RECEIPT_TIMEOUT.code());
            }
        }
    }

    private static long submit(final RawConnection c, final long correlationId, final String to) throws Exception
    {
        c.submit(correlationId, MessageKind.INFORMATIONAL, ChannelType.SMS, "", to, "Your code is " + correlationId);
        final RawConnection.Frame ack = c.read();
        assertThat(ack.type).as("%s", ack).isEqualTo(MessageType.ACK);
        return ack.messageId();
    }

    private static void awaitState(final RawConnection c, final long id, final DeliveryState state) throws Exception
    {
        assertThat(StatusPoller.await(c, List.of(id), 30_000, s -> s == state.code()))
            .containsExactly((int)state.code());
    }

    private static int state(final RawConnection c, final long id) throws Exception
    {
        return status(c, id).state();
    }

    private static int reason(final RawConnection c, final long id) throws Exception
    {
        return status(c, id).reason();
    }

    private static RawConnection.Frame status(final RawConnection c, final long id) throws Exception
    {
        c.send(b -> io.dispatch.netty.ByteBufFrames.status(b, 77, id));
        while (true)
        {
            final RawConnection.Frame f = c.readAnyWithTimeout(30_000);
            if (f.type == MessageType.STATUS_RESULT && f.correlationId == 77)
            {
                return f;
            }
        }
    }

    private Settings settings(final int smscPort) throws Exception
    {
        final Path password = dir.resolve("smsc.password");
        Files.writeString(password, "secret");
        return SmppEngineSettings.of(dir, smscPort, "esme", password).set("lane.sms.connector.reconnectInitialMs", "50");
    }
}
