package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.config.Settings;
import io.dispatch.connector.smpp.SmppEngineSettings;
import io.dispatch.connector.smpp.SmscSimulator;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.status.Counter;
import io.dispatch.testing.ChildEngine;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.RawConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Receipts the SMSC holds while the engine restarts: the real engine with the smpp connector submits to the loopback
 * SMSC, which keeps every receipt; the engine stops (or is killed with SIGKILL) and starts again on the same data
 * directory; the SMSC hands the receipts to the new bind, and each message ends with its receipt's state — not by
 * the lane's receipt timeout. An SMSC that delivered but never sends the receipt is asked with query_sm.
 */
@Timeout(180)
class SmppReceiptsAcrossRestartIT
{
    private static final int MESSAGES = 30;
    private static final String FAILING = "01099999999";
    private static final String LONG_TEXT = "Your parcel 42 has left our warehouse and will arrive tomorrow between 9 and 12. "
        .repeat(3); // 246 characters: two concatenated parts

    @TempDir
    Path dir;

    @Test
    void shouldEndMessagesByReceiptsDeliveredAfterARestart() throws Exception
    {
        try (SmscSimulator smsc = new SmscSimulator("esme", "secret").holdReceipts())
        {
            smsc.receiptStat(FAILING, "UNDELIV");
            final List<Long> ids;
            final long failing;
            try (Dispatcher engine = EngineFixture.launch(settings(smsc.port()));
                RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
            {
                ids = submit(c, MESSAGES);
                failing = submit(c, 1000, FAILING, "never arrives");
                awaitProviderAccepted(c, ids, failing);
                awaitTrue(() -> smsc.heldReceipts() == MESSAGES + 2, "the SMSC holds every part's receipt");
            }

            try (Dispatcher engine = EngineFixture.launch(settings(smsc.port()));
                RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
            {
                // asked about each part after the restart; ENROUTE (this SMSC's answer) leaves them to their receipts
                awaitTrue(() -> smsc.queries() == MESSAGES + 2, "a query_sm per part awaiting its receipt");
                assertThat(smsc.releaseReceipts()).isEqualTo(MESSAGES + 2);
                assertThat(StatusPoller.awaitTerminal(c, ids, 60_000)).as("every message ends by its receipt")
                    .containsOnly((int)DeliveryState.DELIVERED.code());
                assertThat(StatusPoller.awaitTerminal(c, List.of(failing), 60_000))
                    .containsExactly((int)DeliveryState.FAILED.code());
                assertThat(engine.counters().get(Counter.LATE_RECEIPTS)).isZero();
            }
        }
    }

    @Test
    void shouldCountReceiptsForMessagesThatTheReceiptTimeoutEndedAfterARestartAsLate() throws Exception
    {
        try (SmscSimulator smsc = new SmscSimulator("esme", "secret").holdReceipts())
        {
            final List<Long> ids;
            try (Dispatcher engine = EngineFixture.launch(settings(smsc.port()));
                RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
            {
                ids = submit(c, 5);
                awaitProviderAccepted(c, ids);
            }

            try (Dispatcher engine = EngineFixture.launch(settings(smsc.port()).set("lane.sms.receiptTimeoutMs", "1000"));
                RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
            {
                assertThat(StatusPoller.awaitTerminal(c, ids, 30_000)).containsOnly((int)DeliveryState.EXPIRED.code());
                assertThat(smsc.releaseReceipts()).isEqualTo(6);
                awaitTrue(() -> engine.counters().get(Counter.LATE_RECEIPTS) == 5, "five late receipts counted");
                assertThat(StatusPoller.awaitTerminal(c, ids, 30_000)).containsOnly((int)DeliveryState.EXPIRED.code());
            }
        }
    }

    @Test
    void shouldEndMessagesByReceiptsDeliveredAfterKillNine() throws Exception
    {
        try (SmscSimulator smsc = new SmscSimulator("esme", "secret").holdReceipts())
        {
            final Path data = dir.resolve("data");
            final String[] smpp = childArgs(smsc.port());
            final List<Long> ids;
            try (ChildEngine child = ChildEngine.start(data, smpp);
                RawConnection c = RawConnection.open(child.port(), "demo", "demo-key"))
            {
                ids = submit(c, MESSAGES);
                awaitProviderAccepted(c, ids);
                awaitTrue(() -> smsc.heldReceipts() == MESSAGES + 1, "the SMSC holds every part's receipt");
                // the correlation record reaches the file within about a millisecond; a margin for a loaded machine
                Thread.sleep(300);
                child.kill();
                assertThat(child.awaitExit(10_000)).isTrue();
            }

            try (ChildEngine child = ChildEngine.start(data, smpp);
                RawConnection c = RawConnection.open(child.port(), "demo", "demo-key"))
            {
                awaitTrue(() -> smsc.boundSessions() == 1, "the restarted engine bound");
                assertThat(smsc.releaseReceipts()).isEqualTo(MESSAGES + 1);
                assertThat(StatusPoller.awaitTerminal(c, ids, 60_000)).as("every message ends by its receipt")
                    .containsOnly((int)DeliveryState.DELIVERED.code());
            }
        }
    }

    @Test
    void shouldEndMessagesTheSmscDeliveredWithoutReceiptsByQueryingItAfterKillNine() throws Exception
    {
        // the SMSC delivered every message but sends no receipt: only query_sm can tell
        try (SmscSimulator smsc = new SmscSimulator("esme", "secret").holdReceipts().answerQueriesWithOutcome())
        {
            smsc.receiptStat(FAILING, "UNDELIV");
            final Path data = dir.resolve("data");
            final String[] smpp = childArgs(smsc.port());
            final List<Long> ids;
            final long failing;
            try (ChildEngine child = ChildEngine.start(data, smpp);
                RawConnection c = RawConnection.open(child.port(), "demo", "demo-key"))
            {
                ids = submit(c, MESSAGES);
                failing = submit(c, 1000, FAILING, "never arrives");
                awaitProviderAccepted(c, ids, failing);
                awaitTrue(() -> smsc.heldReceipts() == MESSAGES + 2, "the SMSC accepted every part");
                // the correlation record reaches the file within about a millisecond; a margin for a loaded machine
                Thread.sleep(300);
                child.kill();
                assertThat(child.awaitExit(10_000)).isTrue();
            }
            assertThat(smsc.queries()).isZero();

            // the default receipt timeout (25 h): only the answers to query_sm can end these within the test
            try (ChildEngine child = ChildEngine.start(data, smpp);
                RawConnection c = RawConnection.open(child.port(), "demo", "demo-key"))
            {
                assertThat(StatusPoller.awaitTerminal(c, ids, 60_000)).as("every message ends by its query_sm answer")
                    .containsOnly((int)DeliveryState.DELIVERED.code());
                assertThat(StatusPoller.awaitTerminal(c, List.of(failing), 60_000))
                    .containsExactly((int)DeliveryState.FAILED.code());
                assertThat(smsc.queries()).as("one query_sm per part awaiting its receipt").isEqualTo(MESSAGES + 2);
                assertThat(smsc.heldReceipts()).as("no receipt was sent").isEqualTo(MESSAGES + 2);
            }
        }
    }

    @Test
    void shouldNotQueryWhenQueryOnRecoveryIsOff() throws Exception
    {
        try (SmscSimulator smsc = new SmscSimulator("esme", "secret").holdReceipts().answerQueriesWithOutcome())
        {
            final List<Long> ids;
            try (Dispatcher engine = EngineFixture.launch(settings(smsc.port()));
                RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
            {
                ids = submit(c, 3);
                awaitProviderAccepted(c, ids);
            }
            try (Dispatcher engine = EngineFixture.launch(settings(smsc.port())
                .set("lane.sms.connector.queryOnRecovery", "false"));
                RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
            {
                awaitTrue(() -> smsc.boundSessions() == 1, "the restarted engine bound");
                assertThat(smsc.releaseReceipts()).isEqualTo(4);
                assertThat(StatusPoller.awaitTerminal(c, ids, 60_000)).containsOnly((int)DeliveryState.DELIVERED.code());
                assertThat(smsc.queries()).isZero();
            }
        }
    }

    /** Submits {@code n} messages, the first one long (two parts). @return their ids. */
    private static List<Long> submit(final RawConnection c, final int n) throws Exception
    {
        final List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            ids.add(submit(c, i, "010555" + (10000 + i), i == 0 ? LONG_TEXT : "Your code is " + (100000 + i)));
        }
        return ids;
    }

    private static long submit(final RawConnection c, final long correlationId, final String to, final String text)
        throws Exception
    {
        c.submit(correlationId, MessageKind.INFORMATIONAL, ChannelType.SMS, "", to, text);
        final RawConnection.Frame ack = c.read();
        assertThat(ack.type).as("%s", ack).isEqualTo(MessageType.ACK);
        return ack.messageId();
    }

    private static void awaitProviderAccepted(final RawConnection c, final List<Long> ids, final long... more)
        throws Exception
    {
        final List<Long> all = new ArrayList<>(ids);
        for (final long id : more)
        {
            all.add(id);
        }
        assertThat(StatusPoller.await(c, all, 30_000, state -> state == DeliveryState.PROVIDER_ACCEPTED.code()))
            .as("accepted by the SMSC, receipt pending").isEqualTo(Collections.nCopies(all.size(),
                (int)DeliveryState.PROVIDER_ACCEPTED.code()));
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private Settings settings(final int smscPort) throws Exception
    {
        return SmppEngineSettings.of(dir, smscPort, "esme", passwordFile())
            .set("lane.sms.connector.reconnectInitialMs", "50");
    }

    private String[] childArgs(final int smscPort) throws Exception
    {
        return new String[] {
            "--set", "lane.sms.connector=smpp",
            "--set", "lane.sms.connector.host=127.0.0.1",
            "--set", "lane.sms.connector.port=" + smscPort,
            "--set", "lane.sms.connector.systemId=esme",
            "--set", "lane.sms.connector.passwordFile=" + passwordFile(),
            "--set", "lane.sms.connector.reconnectInitialMs=50"};
    }

    private Path passwordFile() throws Exception
    {
        final Path password = dir.resolve("smsc.password");
        Files.writeString(password, "secret");
        return password;
    }
}
