package io.dispatch.connector.smpp;

import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The smpp connector against the loopback SMSC simulator: real jSMPP sessions on both sides. */
@Timeout(60)
class SmppConnectorTest
{
    private static final String KOREAN = "주문하신 상품이 오늘 발송되었습니다. 배송 조회는 앱에서 확인하실 수 있습니다. ";

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

    @Test
    void shouldBindEverySessionSubmitAndReportDeliveredReceiptsThenUnbind() throws Exception
    {
        start(settings(smsc.port()).with("binds", "2").with("windowPerBind", "3"));
        assertThat(smsc.bindsAccepted()).isEqualTo(2);
        assertThat(connector.boundCount()).isEqualTo(2);

        final Set<Long> ids = new HashSet<>();
        for (long id = 1; id <= 20; id++)
        {
            connector.send(lane.request(id, "0101234" + (5000 + id), "order " + id + " shipped"), lane);
            ids.add(id);
        }
        final Set<Long> accepted = new HashSet<>();
        for (int i = 0; i < 20; i++)
        {
            final CapturingLane.Outcome o = lane.awaitOutcome();
            assertThat(o.kind()).as("%s", o).isEqualTo("ACCEPTED");
            accepted.add(o.messageId());
        }
        assertThat(accepted).isEqualTo(ids);
        final Set<Long> delivered = new HashSet<>();
        for (int i = 0; i < 20; i++)
        {
            final CapturingLane.Receipt r = lane.awaitReceipt();
            assertThat(r.state()).isEqualTo(DeliveryState.DELIVERED);
            delivered.add(r.messageId());
        }
        assertThat(delivered).isEqualTo(ids);

        final SmscSimulator.Submitted first = smsc.submitted().get(0);
        assertThat(first.source()).isEqualTo("1588");
        assertThat(first.dataCoding()).isEqualTo((byte)0x00);
        assertThat(first.esmClass()).isEqualTo((byte)0x00);
        assertThat(first.registeredDelivery()).isEqualTo((byte)0x01);
        assertThat(first.validityPeriod()).endsWith("R"); // relative, from the message's TTL

        connector.stop();
        connector = null;
        awaitTrue(() -> smsc.boundSessions() == 0, "the connector unbinds on stop");
    }

    @Test
    void shouldSendKoreanAsUcs2AndSplitLongTextIntoConcatenatedParts() throws Exception
    {
        start(settings(smsc.port()));
        final String longText = KOREAN + KOREAN + KOREAN; // > 67 UCS2 characters per part
        connector.send(lane.request(1, "01011112222", "인증번호 482913"), lane);
        connector.send(lane.request(2, "01011113333", longText), lane);
        assertThat(List.of(lane.awaitOutcome().kind(), lane.awaitOutcome().kind())).containsOnly("ACCEPTED");

        final SmscSimulator.Submitted single = only(smsc.submitted(), "01011112222");
        assertThat(single.dataCoding()).isEqualTo((byte)0x08);
        assertThat(single.udhi()).isFalse();
        assertThat(single.text()).isEqualTo("인증번호 482913");

        final List<SmscSimulator.Submitted> parts = all(smsc.submitted(), "01011113333");
        final int expectedParts = (longText.length() + 66) / 67;
        assertThat(parts).hasSize(expectedParts);
        final StringBuilder joined = new StringBuilder();
        for (int i = 0; i < parts.size(); i++)
        {
            final SmscSimulator.Submitted p = parts.get(i);
            assertThat(p.dataCoding()).isEqualTo((byte)0x08);
            assertThat(p.esmClass()).isEqualTo((byte)0x40);
            final byte[] sm = p.shortMessage();
            assertThat(new byte[] {sm[0], sm[1], sm[2], sm[4], sm[5]})
                .containsExactly(0x05, 0x00, 0x03, expectedParts, i + 1);
            assertThat(sm[3]).isEqualTo(parts.get(0).shortMessage()[3]); // one reference for all parts
            assertThat(sm.length).isLessThanOrEqualTo(140);
            joined.append(p.text());
        }
        assertThat(joined.toString()).isEqualTo(longText);

        // one receipt per message: the multipart one only once every part is delivered
        final Map<Long, DeliveryState> receipts = new HashMap<>();
        for (int i = 0; i < 2; i++)
        {
            final CapturingLane.Receipt r = lane.awaitReceipt();
            assertThat(receipts.put(r.messageId(), r.state())).isNull();
        }
        assertThat(receipts).containsEntry(1L, DeliveryState.DELIVERED).containsEntry(2L, DeliveryState.DELIVERED);
        assertThat(lane.pollReceipt(200)).isNull();
    }

    @Test
    void shouldCarryPartsInSarTlvsWhenConfigured() throws Exception
    {
        start(settings(smsc.port()).with("concatenation", "sar"));
        final String text = "SAR parts carry no UDH. ".repeat(10);
        connector.send(lane.request(3, "01033334444", text), lane);
        assertThat(lane.awaitOutcome().kind()).isEqualTo("ACCEPTED");
        final List<SmscSimulator.Submitted> parts = all(smsc.submitted(), "01033334444");
        assertThat(parts).hasSize(2);
        final StringBuilder joined = new StringBuilder();
        for (int i = 0; i < parts.size(); i++)
        {
            final SmscSimulator.Submitted p = parts.get(i);
            assertThat(p.esmClass()).isEqualTo((byte)0x00);
            assertThat(p.sarRef()).isEqualTo(parts.get(0).sarRef()).isNotNegative();
            assertThat(p.sarTotal()).isEqualTo(2);
            assertThat(p.sarSeq()).isEqualTo(i + 1);
            joined.append(p.text());
        }
        assertThat(joined.toString()).isEqualTo(text);
        assertThat(lane.awaitReceipt().state()).isEqualTo(DeliveryState.DELIVERED);
    }

    @Test
    void shouldEndAMultipartMessageOnItsFirstFailedPartWithTextOnlyReceipts() throws Exception
    {
        smsc.receiptTextOnly().receiptStat("01099990000", "UNDELIV");
        start(settings(smsc.port()));
        connector.send(lane.request(7, "01099990000", "x".repeat(400)), lane);
        assertThat(lane.awaitOutcome().kind()).isEqualTo("ACCEPTED");
        assertThat(all(smsc.submitted(), "01099990000")).hasSize(3);
        final CapturingLane.Receipt r = lane.awaitReceipt();
        assertThat(r).isEqualTo(new CapturingLane.Receipt(7, DeliveryState.FAILED, Reason.UNDELIVERABLE));
        assertThat(lane.pollReceipt(300)).as("one receipt per message").isNull();
    }

    @Test
    void shouldReportThrottlingAsThrottledFailureAndAcceptTheSameMessageLater() throws Exception
    {
        smsc.throttleNext(3);
        start(settings(smsc.port()).with("windowPerBind", "1"));
        for (long id = 1; id <= 3; id++)
        {
            connector.send(lane.request(id, "01012345678", "hello"), lane);
            final CapturingLane.Outcome o = lane.awaitOutcome();
            assertThat(o).isEqualTo(new CapturingLane.Outcome(id, "FAILED", Reason.PROVIDER_THROTTLED));
        }
        assertThat(smsc.throttled()).isEqualTo(3);
        for (long id = 1; id <= 3; id++)
        {
            lane.retrying(id);
            connector.send(lane.request(id, "01012345678", "hello"), lane);
            assertThat(lane.awaitOutcome()).isEqualTo(new CapturingLane.Outcome(id, "ACCEPTED", Reason.NONE));
        }
    }

    @Test
    void shouldNeverRejectOrLoseMessagesWhileTheSmscThrottlesAShareOfSubmits() throws Exception
    {
        smsc.throttleShare(0.5);
        start(settings(smsc.port()).with("binds", "2").with("windowPerBind", "4"));
        final int messages = 40;
        for (long id = 1; id <= messages; id++)
        {
            connector.send(lane.request(id, "01012345678", "m" + id), lane);
        }
        final Set<Long> accepted = new HashSet<>();
        int throttled = 0;
        while (accepted.size() < messages)
        {
            final CapturingLane.Outcome o = lane.awaitOutcome();
            if (o.kind().equals("ACCEPTED"))
            {
                accepted.add(o.messageId());
                continue;
            }
            // what the runtime does: slow down and send the same message again
            assertThat(o.reason()).as("%s", o).isEqualTo(Reason.PROVIDER_THROTTLED);
            assertThat(o.kind()).isEqualTo("FAILED");
            throttled++;
            lane.retrying(o.messageId());
            connector.send(lane.request(o.messageId(), "01012345678", "m" + o.messageId()), lane);
        }
        assertThat(throttled).isEqualTo(smsc.throttled()).isPositive();
        assertThat(smsc.submitted()).hasSize(messages);
    }

    @Test
    void shouldMapRefusalsToReasonsAndRejectWhatCannotBeSent() throws Exception
    {
        smsc.refuse("01000000001", 0x0B).refuse("01000000002", 0x14).refuse("01000000003", 0x400)
            .refuse("01000000004", 0x401);
        start(settings(smsc.port()).with("maxParts", "2").with("statusMap", "0x401=failed:PROVIDER_UNAVAILABLE"));
        final Map<Long, CapturingLane.Outcome> outcomes = new HashMap<>();
        final String[] recipients = {"01000000001", "01000000002", "01000000003", "01000000004", "not-a-number",
            "01000000005"};
        for (int i = 0; i < recipients.length; i++)
        {
            final String text = i == 5 ? "y".repeat(307) : "hi"; // 307 septets need three parts of 153
            connector.send(lane.request(i + 1, recipients[i], text), lane);
        }
        for (int i = 0; i < recipients.length; i++)
        {
            final CapturingLane.Outcome o = lane.awaitOutcome();
            outcomes.put(o.messageId(), o);
        }
        assertThat(outcomes.get(1L)).isEqualTo(new CapturingLane.Outcome(1, "REJECTED", Reason.INVALID_RECIPIENT));
        assertThat(outcomes.get(2L)).isEqualTo(new CapturingLane.Outcome(2, "FAILED", Reason.PROVIDER_UNAVAILABLE));
        assertThat(outcomes.get(3L)).isEqualTo(new CapturingLane.Outcome(3, "REJECTED", Reason.PROVIDER_ERROR));
        assertThat(outcomes.get(4L)).isEqualTo(new CapturingLane.Outcome(4, "FAILED", Reason.PROVIDER_UNAVAILABLE));
        assertThat(outcomes.get(5L)).isEqualTo(new CapturingLane.Outcome(5, "REJECTED", Reason.INVALID_RECIPIENT));
        assertThat(outcomes.get(6L)).isEqualTo(new CapturingLane.Outcome(6, "REJECTED", Reason.PAYLOAD_TOO_LARGE));
        assertThat(smsc.submitted()).isEmpty();
    }

    @Test
    void shouldFailInFlightSubmitsWhenTheBindDropsAndBindAgain() throws Exception
    {
        start(settings(smsc.port()).with("binds", "2").with("requestTimeoutMs", "20000"));
        smsc.responseDelayMs(1_000);
        connector.send(lane.request(1, "01012345678", "in flight"), lane);
        awaitTrue(() -> smsc.submits() == 1, "the submit reached the SMSC");
        final long dropAt = System.nanoTime();
        smsc.dropBinds();
        final CapturingLane.Outcome inFlight = lane.awaitOutcome();
        assertThat(inFlight).isEqualTo(new CapturingLane.Outcome(1, "FAILED", Reason.PROVIDER_UNAVAILABLE));
        assertThat((System.nanoTime() - dropAt) / 1_000_000).as("ms, far below the 20 s request timeout").isLessThan(5_000);

        smsc.responseDelayMs(0);
        awaitTrue(() -> connector.boundCount() == 2, "both binds are back");
        assertThat(smsc.bindsAccepted()).isEqualTo(4);
        lane.retrying(1);
        connector.send(lane.request(1, "01012345678", "after rebind"), lane);
        assertThat(lane.awaitOutcome()).isEqualTo(new CapturingLane.Outcome(1, "ACCEPTED", Reason.NONE));
        assertThat(lane.awaitReceipt().state()).isEqualTo(DeliveryState.DELIVERED);
    }

    @Test
    void shouldProbeAnIdleBindWithEnquireLinkAndRebindWhenThePeerStopsAnswering() throws Exception
    {
        start(settings(smsc.port()).with("enquireLinkMs", "200").with("requestTimeoutMs", "500"));
        awaitTrue(() -> smsc.enquireLinks() >= 2, "enquire_link on an idle bind");
        assertThat(smsc.bindsAccepted()).isEqualTo(1);

        smsc.silentEnquireLinks(true);
        awaitTrue(() -> smsc.bindsAccepted() >= 2, "a new bind after enquire_link went unanswered");
        smsc.silentEnquireLinks(false);
        awaitTrue(() -> connector.boundCount() == 1, "bound again");
        connector.send(lane.request(1, "01012345678", "still here"), lane);
        assertThat(lane.awaitOutcome()).isEqualTo(new CapturingLane.Outcome(1, "ACCEPTED", Reason.NONE));
    }

    @Test
    void shouldFailSendsWhileNoBindIsUpAndBindOnceTheSmscAppears() throws Exception
    {
        final int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        start(settings(port));
        assertThat(connector.boundCount()).isZero();
        connector.send(lane.request(1, "01012345678", "nobody home"), lane);
        assertThat(lane.awaitOutcome()).isEqualTo(new CapturingLane.Outcome(1, "FAILED", Reason.PROVIDER_UNAVAILABLE));
    }

    @Test
    void shouldFailStartNamingTheCredentialsWhenTheSmscRefusesTheBind() throws Exception
    {
        final SmppConnector c = new SmppConnector(SmppSettings.parse(settings(smsc.port()).with("systemId", "intruder")));
        assertThatThrownBy(() -> c.start(lane))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("refused the bind of systemId 'intruder'")
            .hasMessageContaining("0x0000000f")
            .hasMessageContaining("passwordFile/passwordEnv")
            .hasMessageNotContaining("secret");
    }

    // ---- helpers ----

    private void start(final Config config)
    {
        connector = new SmppConnector(SmppSettings.parse(config));
        connector.start(lane);
    }

    private Config settings(final int port) throws Exception
    {
        final Path password = dir.resolve("smsc.password");
        Files.writeString(password, "secret\n", StandardCharsets.US_ASCII);
        final Config c = new Config();
        c.put("host", "127.0.0.1");
        c.put("port", Integer.toString(port));
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

    private static SmscSimulator.Submitted only(final List<SmscSimulator.Submitted> all, final String destination)
    {
        final List<SmscSimulator.Submitted> found = all(all, destination);
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static List<SmscSimulator.Submitted> all(final List<SmscSimulator.Submitted> all, final String destination)
    {
        final List<SmscSimulator.Submitted> found = new ArrayList<>();
        for (final SmscSimulator.Submitted s : all)
        {
            if (s.destination().equals(destination))
            {
                found.add(s);
            }
        }
        return found;
    }

    static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Connector settings under construction. */
    static final class Config extends HashMap<String, String>
    {
        private static final long serialVersionUID = 1L;

        Config with(final String key, final String value)
        {
            put(key, value);
            return this;
        }
    }
}
