package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.PrometheusTextParser.Family;
import io.dispatch.testing.PrometheusTextParser;
import io.dispatch.testing.RawConnection;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.dispatch.testing.PrometheusTextParser.sample;
import static io.dispatch.testing.PrometheusTextParser.with;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12: the engine's own latency breakdown on {@code /metrics}. Messages of every class acked and sent on the SMS
 * lane appear, per class, in the frame read → ACK summary and the lane's hand-off → send summary, and in the histograms
 * {@code /latency} serves.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LatencyBreakdownIT
{
    private static final String PROMO = "(광고)[shop] 50% sale 무료수신거부 080-000-0000";
    private static final int PER_CLASS = 20;
    private static final String ACK = "dispatch_ack_latency_seconds";
    private static final String HANDOFF = "dispatch_lane_handoff_latency_seconds";
    private static final Map<String, String> SMS = Map.of("lane", "sms-simulated");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldExposeFrameReadToAckAndHandoffToSendPerClass() throws Exception
    {
        // daytime in Seoul: marketing is sent, not deferred to the morning
        final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir), clock);
            DispatchClient admin = DispatchClient.connect(ClientConfig.builder().port(engine.port()).tenant("demo")
                .apiKey("demo-key").build());
            RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            for (int i = 0; i < PER_CLASS; i++)
            {
                admin.updateConsent(recipient(MessageKind.MARKETING, i), ChannelType.SMS, ConsentFlags.AD, 0, "test")
                    .get(10, TimeUnit.SECONDS);
            }
            long correlationId = 1;
            for (final MessageKind kind : MessageKind.values())
            {
                for (int i = 0; i < PER_CLASS; i++)
                {
                    c.submit(correlationId++, kind, ChannelType.SMS, "", recipient(kind, i),
                        kind == MessageKind.MARKETING ? PROMO : "code 1234");
                }
            }
            for (int i = 0; i < PER_CLASS * MessageKind.values().length; i++)
            {
                assertThat(c.read().type).isEqualTo(MessageType.ACK);
            }

            // every ACK is counted before it is queued; the sends come a little later: wait for the lane's counts
            Map<String, Family> page = PrometheusTextParser.parse(metrics(engine));
            final long end = System.currentTimeMillis() + 30_000;
            while (!allSent(page) && System.currentTimeMillis() < end)
            {
                Thread.sleep(50);
                page = PrometheusTextParser.parse(metrics(engine));
            }
            assertThat(allSent(page)).as("every class handed off and sent: %s", page.get(HANDOFF)).isTrue();

            assertThat(page.get(ACK).type()).isEqualTo("summary");
            assertThat(page.get(HANDOFF).type()).isEqualTo("summary");
            for (final MessageKind kind : MessageKind.values())
            {
                final Map<String, String> cls = Map.of("class", kind.name().toLowerCase(Locale.ROOT));
                assertThat(sample(page, ACK + "_count", cls)).as("%s acks", kind).isEqualTo(PER_CLASS);
                assertThat(sample(page, ACK, with(cls, "quantile", "0.5"))).as("%s ack p50", kind).isPositive();
                assertThat(sample(page, ACK, with(cls, "quantile", "1.0")))
                    .isGreaterThanOrEqualTo(sample(page, ACK, with(cls, "quantile", "0.99")));
                assertThat(sample(page, ACK + "_sum", cls)).isPositive();
                final Map<String, String> lane = with(SMS, "class", kind.name().toLowerCase(Locale.ROOT));
                assertThat(sample(page, HANDOFF, with(lane, "quantile", "1.0"))).as("%s hand-off max", kind).isPositive();
            }
            // the other lanes carried nothing: their summaries are there, empty
            assertThat(sample(page, HANDOFF + "_count", Map.of("lane", "push-simulated", "class", "auth"))).isZero();

            // /latency (no token) serves the same histograms whole: each decodes to exactly the messages sent
            final Map<String, Histogram> log = latencyLog(engine);
            for (final MessageKind kind : MessageKind.values())
            {
                final String cls = kind.name().toLowerCase(Locale.ROOT);
                assertThat(log.get("ack;class=" + cls).getTotalCount()).as("%s acks", kind).isEqualTo(PER_CLASS);
                assertThat(log.get("ack;class=" + cls).getMinValue()).as("%s ack min, ns", kind).isPositive();
                assertThat(log.get("handoff;lane=sms-simulated;class=" + cls).getTotalCount()).as("%s hand-offs", kind)
                    .isEqualTo(PER_CLASS);
            }
            assertThat(log.get("handoff;lane=push-simulated;class=auth").getTotalCount()).isZero();
        }
    }

    private static String recipient(final MessageKind kind, final int i)
    {
        return String.format("010%d%07d", kind.code(), i);
    }

    private static boolean allSent(final Map<String, Family> page)
    {
        for (final MessageKind kind : MessageKind.values())
        {
            if (sample(page, HANDOFF + "_count", with(SMS, "class", kind.name().toLowerCase(Locale.ROOT))) != PER_CLASS)
            {
                return false;
            }
        }
        return true;
    }


    private Map<String, Histogram> latencyLog(final Dispatcher engine) throws Exception
    {
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.adminPort()
            + "/latency")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        final Map<String, Histogram> out = new java.util.HashMap<>();
        final HistogramLogReader reader = new HistogramLogReader(
            new java.io.ByteArrayInputStream(r.body().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        while (reader.hasNext())
        {
            final Histogram h = (Histogram)reader.nextIntervalHistogram();
            out.put(h.getTag(), h);
        }
        return out;
    }

    private String metrics(final Dispatcher engine) throws Exception
    {
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.adminPort()
            + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
