package io.dispatch.client.cli;

import io.dispatch.client.ScriptedPeer;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SendCommandTest
{
    private ScriptedPeer peer;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final SendCommand command = new SendCommand(
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    @BeforeEach
    void startPeer() throws InterruptedException
    {
        peer = new ScriptedPeer();
    }

    @AfterEach
    void stopPeer()
    {
        peer.close();
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
        assertThat(out()).contains("--template ID").contains("--wait-timeout").contains("exit codes");
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
