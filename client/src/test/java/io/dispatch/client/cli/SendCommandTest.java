package io.dispatch.client.cli;

import io.dispatch.client.ScriptedPeer;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SendCommandTest extends CommandTestBase
{
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T03:00:00Z"), ZoneOffset.UTC);
    private final SendCommand command = new SendCommand(outStream, errStream, clock);

    @Test
    void shouldDescribeWhatTheFallbackWouldDo()
    {
        assertThat(SendCommand.describe(new io.dispatch.client.Explanation(io.dispatch.protocol.Decision.SEND,
            io.dispatch.protocol.ChannelType.CHAT, false, io.dispatch.protocol.Reason.NONE, 0, -1,
            io.dispatch.protocol.ChannelType.SMS, io.dispatch.protocol.Decision.SUPPRESS,
            io.dispatch.protocol.Reason.NO_CONSENT)))
            .isEqualTo("SEND on lane chat bulk; fallback to sms: SUPPRESS (NO_CONSENT)");
        assertThat(SendCommand.describe(new io.dispatch.client.Explanation(io.dispatch.protocol.Decision.SEND,
            io.dispatch.protocol.ChannelType.CHAT, true, io.dispatch.protocol.Reason.NONE, 0, -1,
            io.dispatch.protocol.ChannelType.SMS, io.dispatch.protocol.Decision.SEND, io.dispatch.protocol.Reason.NONE,
            "01055550001", null)))
            .as("a chat key's fallback goes to the directory's phone")
            .isEqualTo("SEND on lane chat priority; fallback to sms at 01055550001: SEND");
        assertThat(SendCommand.describe(new io.dispatch.client.Explanation(io.dispatch.protocol.Decision.SEND,
            io.dispatch.protocol.ChannelType.SMS, true, io.dispatch.protocol.Reason.NONE, 0, -1)))
            .isEqualTo("SEND on lane sms priority");
    }

    @Test
    void shouldDescribeTheMessagesFallbackDeadline()
    {
        assertThat(SendCommand.describe(new io.dispatch.client.Explanation(io.dispatch.protocol.Decision.SEND,
            io.dispatch.protocol.ChannelType.PUSH, true, io.dispatch.protocol.Reason.NONE, 0, -1,
            io.dispatch.protocol.ChannelType.SMS, io.dispatch.protocol.Decision.SEND, io.dispatch.protocol.Reason.NONE,
            "01055550001", null), 90_000))
            .isEqualTo("SEND on lane push priority; fallback to sms at 01055550001 if not DELIVERED within 90 s: SEND");
    }

    @Test
    void shouldDescribeTheConversationWindow()
    {
        assertThat(SendCommand.describe(new io.dispatch.client.Explanation(io.dispatch.protocol.Decision.SUPPRESS,
            io.dispatch.protocol.ChannelType.MESSENGER, false, io.dispatch.protocol.Reason.OUTSIDE_CONVERSATION_WINDOW,
            0, -1, null, null, io.dispatch.protocol.Reason.NONE, null,
            new io.dispatch.client.Explanation.ConversationWindow(false, 1_764_039_600_000L, null))))
            .startsWith("SUPPRESS (OUTSIDE_CONVERSATION_WINDOW)")
            .contains("; window closed (last message ")
            .endsWith("), no tag for its template");
        assertThat(SendCommand.describe(new io.dispatch.client.Explanation(io.dispatch.protocol.Decision.SEND,
            io.dispatch.protocol.ChannelType.MESSENGER, true, io.dispatch.protocol.Reason.NONE, 0, -1, null, null,
            io.dispatch.protocol.Reason.NONE, null,
            new io.dispatch.client.Explanation.ConversationWindow(false, 0, "ACCOUNT_UPDATE"))))
            .isEqualTo("SEND on lane messenger priority; window closed (last message none), tag ACCOUNT_UPDATE");
    }

    @Test
    void shouldPrintTheAcceptedMessageId()
    {
        final int exit = command.run("--port", port(), "--to", "01012345678", "--text", "hi", "--key", "k1");

        assertThat(exit).as(err()).isEqualTo(0);
        assertThat(out()).isEqualTo("message 1000 accepted (journaled)\n");
    }

    @Test
    void shouldSubscribeBeforeSubmittingAndPrintReceiptsUntilTerminal() throws Exception
    {
        final CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
            command.run("--port", port(), "--to", "01012345678", "--template", "otp", "--var", "code=1", "--wait"));
        final ScriptedPeer.Request subscribe = peer.nextRequest(MessageType.SUBSCRIBE, 5000);
        final ScriptedPeer.Request submit = peer.nextRequest(MessageType.SUBMIT, 5000);
        assertThat(subscribe.scope()).isZero();
        assertThat(submit.vars()).containsEntry("code", "1");

        final ScriptedPeer.Session session = submit.session();
        session.receipt(999, DeliveryState.DELIVERED.code(), 1, 0, 0);
        session.receipt(1000, DeliveryState.RETRYING.code(), 1, Reason.PROVIDER_TIMEOUT.code(), 1_795_000_000_000L);
        session.receipt(1000, DeliveryState.DELIVERED.code(), 2, 0, 1_795_000_001_123L);

        assertThat(exit.get(10, TimeUnit.SECONDS)).as(err()).isEqualTo(0);
        assertThat(out()).isEqualTo(
            "message 1000 accepted (journaled)\n" +
            "receipt 1000 RETRYING attempts=1 reason=PROVIDER_TIMEOUT at 2026-11-18T11:06:40.000Z\n" +
            "receipt 1000 DELIVERED attempts=2 at 2026-11-18T11:06:41.123Z\n");
    }

    @Test
    void shouldExitThreeWhenNoTerminalReceiptArrivesInTime()
    {
        final int exit = command.run("--port", port(), "--to", "x", "--text", "hi", "--wait", "--wait-timeout", "1");

        assertThat(exit).isEqualTo(3);
        assertThat(err()).contains("no terminal state for message 1000 within 1 s");
    }

    @Test
    void shouldPrintNackCodeAndDetailAndExitOne()
    {
        peer.submitRule = r -> ErrorCode.UNKNOWN_TEMPLATE;

        final int exit = command.run("--port", port(), "--to", "x", "--template", "nope");

        assertThat(exit).isEqualTo(1);
        assertThat(err()).isEqualTo("send: refused: UNKNOWN_TEMPLATE (11): refused by rule: x\n");
    }

    @Test
    void shouldExplainEachDecisionAndExitZeroWithoutSubmitting() throws Exception
    {
        final long eightAm = Instant.parse("2026-11-25T23:00:00Z").toEpochMilli();
        assertThat(explain(new ScriptedPeer.ExplainAnswer(Decision.SEND, ChannelType.PUSH, true, Reason.NONE, 0)))
            .isEqualTo("SEND on lane push priority\n");
        assertThat(explain(new ScriptedPeer.ExplainAnswer(Decision.SEND, ChannelType.SMS, false, Reason.NONE, 0)))
            .isEqualTo("SEND on lane sms bulk\n");
        assertThat(explain(new ScriptedPeer.ExplainAnswer(
            Decision.DEFER, ChannelType.SMS, false, Reason.NIGHT_WINDOW, eightAm)))
            .isEqualTo("DEFER until 2026-11-26T08:00:00+09:00 (NIGHT_WINDOW)\n");
        assertThat(explain(new ScriptedPeer.ExplainAnswer(
            Decision.SUPPRESS, ChannelType.SMS, false, Reason.NO_CONSENT, 0)))
            .isEqualTo("SUPPRESS (NO_CONSENT)\n");
        assertThat(explain(new ScriptedPeer.ExplainAnswer(
            Decision.REFUSE, ChannelType.SMS, false, Reason.RATE_LIMITED, 0)))
            .isEqualTo("REFUSE (RATE_LIMITED)\n");
        assertThat(explain(new ScriptedPeer.ExplainAnswer(Decision.DUPLICATE, ChannelType.SMS, true, Reason.NONE, 77)))
            .isEqualTo("DUPLICATE of 77\n");

        final ScriptedPeer.Request dryRun = peer.nextRequest(MessageType.SUBMIT, 5000);
        assertThat(dryRun.dryRun()).isTrue();
        assertThat(dryRun.text()).isEqualTo("sale");
        assertThat(dryRun.sendAtEpochMs()).isEqualTo(clock.millis() + 30_000);
        assertThat(peer.nextMessageId.get()).as("nothing accepted").isEqualTo(1000);
    }

    @Test
    void shouldSendTheSendAtTimeAndSayWhenItIsDue() throws Exception
    {
        final int exit = command.run("--port", port(), "--to", "x", "--text", "hi", "--send-at", "2026-11-25T12:30");

        assertThat(exit).as(err()).isZero();
        assertThat(out()).isEqualTo("message 1000 accepted (journaled), to be sent at 2026-11-25T12:30:00+09:00\n");
        assertThat(peer.nextRequest(MessageType.SUBMIT, 5000).sendAtEpochMs())
            .isEqualTo(Instant.parse("2026-11-25T03:30:00Z").toEpochMilli());
    }

    @Test
    void shouldCancelByIdAndByKey() throws Exception
    {
        peer.cancelRule = r -> new ScriptedPeer.CancelAnswer(r.key() == null ? r.statusId() : 1001, true);

        assertThat(command.run("--port", port(), "--cancel", "1000")).as(err()).isZero();
        assertThat(command.run("--port", port(), "--cancel-key", "reminder-1")).as(err()).isZero();

        assertThat(out()).isEqualTo("message 1000 cancelled\nmessage 1001 cancelled\n");
        assertThat(peer.nextRequest(MessageType.CANCEL, 5000).statusId()).isEqualTo(1000);
        assertThat(peer.nextRequest(MessageType.CANCEL, 5000).key()).isEqualTo("reminder-1");
    }

    @Test
    void shouldExitOneWhenTheMessageIsNotDeferredOrTheKeyUnknown()
    {
        peer.cancelRule = r -> new ScriptedPeer.CancelAnswer(r.key() == null ? r.statusId() : -1, false);

        assertThat(command.run("--port", port(), "--cancel", "1000")).isEqualTo(1);
        assertThat(command.run("--port", port(), "--cancel-key", "nope")).isEqualTo(1);

        assertThat(out()).isEqualTo(
            "message 1000 not cancelled: it is not deferred (already handed to a connector, ended or unknown); " +
            "see scripts/send --status 1000\n" +
            "not cancelled: no message with key nope\n");
    }

    @Test
    void shouldUpdateConsentOnEveryChannelOrOne() throws Exception
    {
        assertThat(command.run("--port", port(), "--consent", "ad,night-ad", "--to", "01012345678")).as(err()).isZero();
        assertThat(command.run("--port", port(), "--consent", "-ad,opted-out", "--to", "01012345678",
            "--channel", "push", "--source", "080-call")).as(err()).isZero();

        assertThat(out()).isEqualTo(
            "consent updated for 01012345678 on every channel: set ad,night-ad\n" +
            "consent updated for 01012345678 on push: set opted-out cleared ad\n");
        assertThat(peer.consents.poll(5, TimeUnit.SECONDS))
            .isEqualTo(new ScriptedPeer.Consent(0, 1 | 2, 0, "01012345678", "scripts/send"));
        assertThat(peer.consents.poll(5, TimeUnit.SECONDS))
            .isEqualTo(new ScriptedPeer.Consent(ChannelType.PUSH.code(), 4, 1, "01012345678", "080-call"));
    }

    @Test
    void shouldPrintStatus()
    {
        final int exit = command.run("--port", port(), "--status", "77");

        assertThat(exit).as(err()).isEqualTo(0);
        assertThat(out()).isEqualTo(
            "message 77 DELIVERED attempts=1 channel=SMS kind=INFORMATIONAL updated 2023-11-14T22:13:20.123Z\n");
    }

    @Test
    void shouldExplainARefusedConnection() throws Exception
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            port = socket.getLocalPort();
        }

        final int exit = command.run("--port", String.valueOf(port), "--to", "x", "--text", "hi");

        assertThat(exit).isEqualTo(1);
        assertThat(err()).startsWith("send: cannot connect to 127.0.0.1:" + port)
            .contains("is the engine running? start it with scripts/dispatcher");
    }

    @Test
    void shouldReportAuthFailure()
    {
        final int exit = command.run("--port", port(), "--api-key", "bad", "--to", "x", "--text", "hi");

        assertThat(exit).isEqualTo(1);
        assertThat(err()).startsWith("send: engine error: AUTH_FAILED (6)");
    }

    @Test
    void shouldExitTwoOnBadArgumentsWithoutConnecting()
    {
        final int exit = command.run("--port", port(), "--to", "x", "--text", "hi", "--kind", "urgent");

        assertThat(exit).isEqualTo(2);
        assertThat(err()).startsWith("send: --kind must be informational|auth|marketing, was 'urgent'\n");
        assertThat(peer.sessions).isEmpty();
    }

    @Test
    void shouldPrintUsageOnHelp()
    {
        assertThat(command.run("--help")).isZero();
        assertThat(out()).contains("--template ID").contains("--wait-timeout").contains("exit codes")
            .contains("--explain").contains("--send-at TIME").contains("Asia/Seoul").contains("--cancel MESSAGE_ID")
            .contains("--cancel-key KEY").contains("--consent FLAGS").contains("--source TEXT");
    }

    private String explain(final ScriptedPeer.ExplainAnswer answer)
    {
        peer.explainAnswer = answer;
        out.reset();
        final int exit = command.run("--port", port(), "--explain", "--kind", "marketing", "--to", "01012345678",
            "--text", "sale", "--send-at", "+30");
        assertThat(exit).as(err()).isZero();
        return out();
    }

    private String port()
    {
        return String.valueOf(peer.port());
    }

    private String out()
    {
        return out.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    private String err()
    {
        return err.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
