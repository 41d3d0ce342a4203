package io.dispatch.connector.smpp;

import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.dispatch.connector.smpp.SmppConnectorTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Providers' quirks against the loopback SMSC: ids empty, missing, in another base or overtaken by their receipt;
 * parts refused after earlier parts were accepted; peers that hang up or bind slowly. Every test counts the
 * submit_sm the SMSC received per message: a part it accepted is never sent twice.
 */
@Timeout(90)
class SmppProviderQuirksTest
{
    @TempDir
    Path dir;
    private SmscSimulator smsc;
    private SmppConnector connector;
    private CapturingLane lane;

    @BeforeEach
    void startSmsc() throws Exception
    {
        smsc = new SmscSimulator("esme", "secret");
        lane = new CapturingLane(dir.resolve("connector"));
    }

    @AfterEach
    void stop() throws Exception
    {
        if (connector != null)
        {
            connector.stop();
        }
        smsc.close();
        assertThat(lane.duplicateCallback()).isNull();
    }

    @ParameterizedTest
    @EnumSource(value = SmscSimulator.IdForm.class, names = {"EMPTY", "MISSING"})
    void shouldNeverResendASubmitTheSmscAcceptedWithoutAMessageId(final SmscSimulator.IdForm form) throws Exception
    {
        smsc.submitIds(form);
        start(settings().with("windowPerBind", "2"));
        connector.send(lane.request(1, "01010000001", "single"), lane);
        connector.send(lane.request(2, "01010000002", "z".repeat(400)), lane); // three parts
        final Map<Long, CapturingLane.Outcome> outcomes = outcomesRetryingFailures(2, Map.of(1L, "single",
            2L, "z".repeat(400)), Map.of(1L, "01010000001", 2L, "01010000002"));
        assertThat(outcomes.values()).extracting(CapturingLane.Outcome::kind).containsOnly("ACCEPTED");
        assertThat(smsc.submitsTo("01010000001")).as("submit_sm for message 1").isEqualTo(1);
        assertThat(smsc.submitsTo("01010000002")).as("submit_sm for message 2 (three parts)").isEqualTo(3);
        assertThat(connector.submitter().missingIds()).isEqualTo(4);
        // the SMSC's receipts name ids we were never given: nothing can match them
        assertThat(lane.pollReceipt(300)).isNull();
    }

    @Test
    void shouldSendOnlyTheMissingPartsWhenAPartFailsAfterEarlierPartsWereAccepted() throws Exception
    {
        final String text = "y".repeat(400); // three parts of 153 septets
        smsc.failAfterParts("01020000000", 1, 0x58, 1); // part 2 throttled once
        start(settings().with("windowPerBind", "1"));
        connector.send(lane.request(5, "01020000000", text), lane);
        assertThat(lane.awaitOutcome()).isEqualTo(new CapturingLane.Outcome(5, "FAILED", Reason.PROVIDER_THROTTLED));
        assertThat(connector.submitter().unfinished()).isEqualTo(1);

        lane.retrying(5);
        connector.send(lane.request(5, "01020000000", text), lane);
        assertThat(lane.awaitOutcome()).isEqualTo(new CapturingLane.Outcome(5, "ACCEPTED", Reason.NONE));
        assertThat(smsc.submitsTo("01020000000")).as("part 1 once, part 2 twice (refused, accepted), part 3 once")
            .isEqualTo(4);
        final List<SmscSimulator.Submitted> accepted = smsc.submitted();
        assertThat(accepted).extracting(s -> s.shortMessage()[5]).containsExactly((byte)1, (byte)2, (byte)3);
        assertThat(accepted).extracting(s -> s.shortMessage()[3]).as("one concatenation reference")
            .containsOnly(accepted.get(0).shortMessage()[3]);
        assertThat(connector.submitter().unfinished()).isZero();
        // part 1's receipt counts for the message, whether it came before the retry or after
        assertThat(lane.awaitReceipt()).isEqualTo(new CapturingLane.Receipt(5, DeliveryState.DELIVERED, Reason.NONE));
        assertThat(lane.pollReceipt(300)).isNull();
    }

    @Test
    void shouldRejectWithoutResendingWhenAPartIsRefusedForGoodAfterEarlierPartsWereAccepted() throws Exception
    {
        smsc.failAfterParts("01030000000", 2, 0x0B, 1); // part 3: invalid destination
        start(settings());
        connector.send(lane.request(6, "01030000000", "w".repeat(400)), lane);
        assertThat(lane.awaitOutcome()).isEqualTo(new CapturingLane.Outcome(6, "REJECTED", Reason.INVALID_RECIPIENT));
        assertThat(smsc.submitsTo("01030000000")).isEqualTo(3);
        assertThat(connector.submitter().unfinished()).isZero();
        assertThat(lane.pollReceipt(300)).as("the accepted parts' receipts do not speak for a rejected message").isNull();
    }

    @ParameterizedTest(name = "submit_sm_resp {0}, receipt {1}, messageIds={2}, receipt first: {3}")
    @CsvSource({
        "HEX, HEX, auto, false",
        "HEX, DECIMAL, auto, false",
        "HEX, DECIMAL, auto, true",
        "DECIMAL, HEX, auto, true",
        "PADDED_HEX, DECIMAL, auto, true",
        "PADDED_HEX, HEX, auto, true",
        "HEX, DECIMAL, hex-decimal, true",
        "DECIMAL, HEX, decimal-hex, false",
        "DECIMAL, DECIMAL, decimal, true"})
    void shouldMatchReceiptsWhateverTheirOrderAndIdBase(
        final SmscSimulator.IdForm submitForm, final SmscSimulator.IdForm receiptForm, final String messageIds,
        final boolean receiptFirst) throws Exception
    {
        smsc.submitIds(submitForm).receiptIds(receiptForm);
        if (receiptFirst)
        {
            smsc.receiptBeforeResp();
        }
        start(settings().with("messageIds", messageIds).with("windowPerBind", "3"));
        final Set<Long> ids = new HashSet<>();
        for (long id = 1; id <= 6; id++)
        {
            final String text = id == 6 ? "v".repeat(300) : "receipt " + id; // message 6 has two parts
            connector.send(lane.request(id, "0104000000" + id, text), lane);
            ids.add(id);
        }
        for (int i = 0; i < ids.size(); i++)
        {
            assertThat(lane.awaitOutcome().kind()).isEqualTo("ACCEPTED");
        }
        final Set<Long> delivered = new HashSet<>();
        for (int i = 0; i < ids.size(); i++)
        {
            final CapturingLane.Receipt r = lane.awaitReceipt();
            assertThat(r.state()).isEqualTo(DeliveryState.DELIVERED);
            delivered.add(r.messageId());
        }
        assertThat(delivered).isEqualTo(ids);
        for (long id = 1; id <= 6; id++)
        {
            assertThat(smsc.submitsTo("0104000000" + id)).as("submit_sm for message %d", id).isEqualTo(id == 6 ? 2 : 1);
        }
        assertThat(lane.pollReceipt(200)).isNull();
    }

    @Test
    void shouldFailABindAtOnceWhenThePeerAcceptsTcpAndHangsUp() throws Exception
    {
        smsc.hangUpOnConnect(true);
        // far beyond the test's timeout: only a bind that fails on the hang-up lets start return
        start(settings().with("bindTimeoutMs", "300000").with("binds", "2"));
        assertThat(connector.boundCount()).isZero();
        awaitTrue(() -> smsc.hangUps() >= 6, "the binds fail and are tried again, each attempt ending with the hang-up");

        smsc.hangUpOnConnect(false);
        awaitTrue(() -> connector.boundCount() == 2, "both binds up once the SMSC answers");
        connector.send(lane.request(1, "01050000001", "after the hang-ups"), lane);
        assertThat(lane.awaitOutcome()).isEqualTo(new CapturingLane.Outcome(1, "ACCEPTED", Reason.NONE));
        assertThat(smsc.submitsTo("01050000001")).isEqualTo(1);
    }

    @Test
    void shouldBindAllSessionsInParallel() throws Exception
    {
        // the SMSC answers no bind until three wait at once: one after the other, the first would time out
        smsc.holdBindsUntilConcurrent(3);
        start(settings().with("binds", "3").with("bindTimeoutMs", "20000"));
        assertThat(smsc.mostConcurrentBinds()).isEqualTo(3);
        assertThat(smsc.bindsAccepted()).isEqualTo(3);
        assertThat(connector.boundCount()).isEqualTo(3);
        for (long id = 1; id <= 3; id++)
        {
            connector.send(lane.request(id, "0106000000" + id, "bound"), lane);
        }
        for (int i = 0; i < 3; i++)
        {
            assertThat(lane.awaitOutcome().kind()).isEqualTo("ACCEPTED");
        }
        for (long id = 1; id <= 3; id++)
        {
            assertThat(smsc.submitsTo("0106000000" + id)).isEqualTo(1);
        }
    }

    // ---- helpers ----

    /** What the runtime does: a failed send is sent again until every message is accepted or rejected. */
    private Map<Long, CapturingLane.Outcome> outcomesRetryingFailures(
        final int messages, final Map<Long, String> texts, final Map<Long, String> recipients) throws Exception
    {
        final Map<Long, CapturingLane.Outcome> outcomes = new HashMap<>();
        int retries = 0;
        while (outcomes.size() < messages)
        {
            final CapturingLane.Outcome o = lane.awaitOutcome();
            if (o.kind().equals("FAILED") && retries++ < 3)
            {
                lane.retrying(o.messageId());
                connector.send(lane.request(o.messageId(), recipients.get(o.messageId()), texts.get(o.messageId())), lane);
                continue;
            }
            outcomes.put(o.messageId(), o);
        }
        return outcomes;
    }

    private void start(final SmppConnectorTest.Config config)
    {
        connector = new SmppConnector(SmppSettings.parse(config));
        connector.start(lane);
    }

    private SmppConnectorTest.Config settings() throws Exception
    {
        final Path password = dir.resolve("smsc.password");
        Files.writeString(password, "secret\n", StandardCharsets.US_ASCII);
        final SmppConnectorTest.Config c = new SmppConnectorTest.Config();
        c.put("host", "127.0.0.1");
        c.put("port", Integer.toString(smsc.port()));
        c.put("systemId", "esme");
        c.put("passwordFile", password.toString());
        c.put("sourceAddr", "1588");
        c.put("enquireLinkMs", "1000");
        c.put("requestTimeoutMs", "5000");
        c.put("bindTimeoutMs", "2000");
        c.put("reconnectInitialMs", "50");
        c.put("reconnectMaxMs", "200");
        return c;
    }
}
