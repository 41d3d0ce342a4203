package io.dispatch.client.cli;

import io.dispatch.Dispatcher;
import io.dispatch.connector.InboundEvent;
import io.dispatch.connector.InboundSink;
import io.dispatch.protocol.ChannelType;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code scripts/send --listen} against a real engine: one line per inbound message, resumable by position. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SendListenIT
{
    @TempDir
    Path dir;

    private static InboundEvent mo(final String id, final String text)
    {
        return new InboundEvent(InboundEvent.Kind.MESSAGE, "demo", ChannelType.SMS, "01055550001", "15881234", 0, text,
            "", id, 1_800_000_000_000L);
    }

    private static String run(final String... args) throws Exception
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = new SendCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        assertThat(code).as("exit code; stderr: %s", err).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPrintEachInboundMessageAndResumeFromThePositionOfTheLastLine() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir)))
        {
            final String port = String.valueOf(engine.port());
            final InboundSink sink = engine.lane(ChannelType.SMS).inbound();
            assertThat(sink.offer(mo("mo-1", "STOP \"now\"")).get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sink.offer(mo("mo-2", "네 감사합니다")).get(10, TimeUnit.SECONDS)).isTrue();

            final String all = run("--listen", "--from-position", "0", "--count", "2", "--port", port);
            final String[] lines = all.split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[0]).matches("inbound position=\\d+ kind=message channel=sms from=01055550001 to=15881234 " +
                "at=2027-01-15T08:00:00.000Z event=mo-1 text=\"STOP \\\\\"now\\\\\"\"");
            assertThat(lines[1]).endsWith("event=mo-2 text=\"네 감사합니다\"");

            final String firstPosition = lines[0].split(" ")[1].substring("position=".length());
            final CompletableFuture<String> resumed = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return run("--listen", "--from-position", firstPosition, "--count", "2", "--port", port);
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            assertThat(sink.offer(mo("mo-3", "")).get(10, TimeUnit.SECONDS)).isTrue();
            final String[] after = resumed.get(30, TimeUnit.SECONDS).split("\n");
            assertThat(after[0]).contains("event=mo-2");
            assertThat(after[1]).contains("event=mo-3").doesNotContain("text=");
        }
    }
}
