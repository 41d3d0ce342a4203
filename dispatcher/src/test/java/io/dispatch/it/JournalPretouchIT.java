package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.PrometheusTextParser;
import io.dispatch.testing.RawConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine touches its journal's pages ahead of the appender by default ({@code journal.pretouchBytes}), and shows
 * it on {@code /metrics}; {@code 0} turns it off.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalPretouchIT
{
    private static final String TOUCHED = "dispatch_journal_pretouched_bytes_total";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldTouchTheJournalAheadOfTheAppenderOnceMessagesAreJournaled() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir.resolve("on")));
            RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            submitAndAck(c);
            double touched = 0;
            final long end = System.currentTimeMillis() + 20_000;
            while (touched == 0 && System.currentTimeMillis() < end)
            {
                final Map<String, PrometheusTextParser.Family> page = PrometheusTextParser.parse(metrics(engine));
                assertThat(page).containsKey(TOUCHED);
                touched = PrometheusTextParser.sample(page, TOUCHED, Map.of());
                Thread.sleep(20);
            }
            assertThat(touched).as("bytes touched ahead of the first records").isPositive();
        }
    }

    @Test
    void shouldNotTouchWhenTurnedOff() throws Exception
    {
        final Settings settings = EngineFixture.settings(dir.resolve("off")).set("journal.pretouchBytes", "0");
        try (Dispatcher engine = EngineFixture.launch(settings);
            RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            submitAndAck(c);
            assertThat(PrometheusTextParser.parse(metrics(engine))).doesNotContainKey(TOUCHED);
        }
    }

    private static void submitAndAck(final RawConnection c) throws Exception
    {
        for (int i = 0; i < 10; i++)
        {
            c.submit(i + 1, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "0101234" + (1000 + i), "code 1234");
        }
        for (int i = 0; i < 10; i++)
        {
            assertThat(c.read().type).isEqualTo(MessageType.ACK);
        }
    }

    private String metrics(final Dispatcher engine) throws Exception
    {
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.adminPort()
            + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
