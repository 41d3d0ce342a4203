package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.Submit;
import io.dispatch.client.SubmitResult;
import io.dispatch.config.Settings;
import io.dispatch.connector.smpp.SmppEngineSettings;
import io.dispatch.connector.smpp.SmscSimulator;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.PrometheusTextParser;
import io.dispatch.testing.PrometheusTextParser.Family;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import static io.dispatch.testing.PrometheusTextParser.sample;
import static io.dispatch.testing.PrometheusTextParser.with;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14 item 7: the engine's end-to-end latency by class on {@code /metrics}. Auth and informational messages go
 * through the real engine to the loopback SMSC simulator, which answers submit_sm and sends each delivery receipt
 * (deliver_sm) {@value #RECEIPT_DELAY_MS} ms later; every message is counted once per span and class. A receipt held
 * across a restart is timed from the message's journaled acceptance.
 */
@Timeout(90)
class EndToEndLatencyIT
{
    private static final String E2E = "dispatch_e2e_latency_seconds";
    private static final int PER_CLASS = 15;
    private static final long RECEIPT_DELAY_MS = 300;
    private static final List<MessageKind> SENT = List.of(MessageKind.AUTH, MessageKind.INFORMATIONAL);
    private static final int RESTARTED = 5;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldCountEachMessageOnceByClassFromAcceptanceToHandOffAndToItsReceipt() throws Exception
    {
        try (SmscSimulator smsc = new SmscSimulator("esme", "secret").receiptDelayMs(RECEIPT_DELAY_MS))
        {
            final Path password = dir.resolve("smsc.password");
            Files.writeString(password, "secret");
            try (Dispatcher engine = EngineFixture.launch(SmppEngineSettings.of(dir, smsc.port(), "esme", password));
                DispatchClient client = DispatchClient.connect(ClientConfig.builder().port(engine.port()).build()))
            {
                final List<CompletableFuture<SubmitResult>> acks = new ArrayList<>();
                for (int i = 0; i < PER_CLASS; i++)
                {
                    for (final MessageKind kind : SENT)
                    {
                        acks.add(client.submit(Submit.builder().kind(kind).channel(ChannelType.SMS)
                            .to(String.format("010%d%07d", kind.code(), i)).text("code " + i).build()));
                    }
                }
                acks.forEach(CompletableFuture::join);

                final Map<String, Family> page = awaitPage(engine, EndToEndLatencyIT::allDelivered);

                assertThat(page.get(E2E).type()).isEqualTo("summary");
                assertThat(sample(page, "dispatch_delivered_total", Map.of())).isEqualTo(2 * PER_CLASS);
                for (final MessageKind kind : SENT)
                {
                    final Map<String, String> handedOff = series("provider_accepted", kind);
                    final Map<String, String> delivered = series("delivered", kind);
                    assertThat(sample(page, E2E + "_count", handedOff)).as("%s handed off", kind).isEqualTo(PER_CLASS);
                    assertThat(sample(page, E2E + "_count", delivered)).as("%s delivered", kind).isEqualTo(PER_CLASS);
                    // no receipt leaves the SMSC before the delay: every delivery took at least that long
                    assertThat(sample(page, E2E, with(delivered, "quantile", "0.5")))
                        .as("%s delivered p50", kind).isGreaterThanOrEqualTo((RECEIPT_DELAY_MS - 50) / 1000.0);
                    for (final String q : List.of("0.5", "0.99", "1.0"))
                    {
                        // each message was delivered after it was handed off
                        assertThat(sample(page, E2E, with(delivered, "quantile", q)))
                            .as("%s delivered q%s", kind, q)
                            .isGreaterThanOrEqualTo(sample(page, E2E, with(handedOff, "quantile", q)));
                    }
                }
                assertThat(sample(page, E2E + "_count", series("provider_accepted", MessageKind.MARKETING))).isZero();
                assertThat(sample(page, E2E + "_count", series("delivered", MessageKind.MARKETING))).isZero();
            }
        }
    }

    @Test
    void shouldTimeADeliveryAfterARestartFromTheJournaledAcceptanceAndNotTheHandOffAgain() throws Exception
    {
        try (SmscSimulator smsc = new SmscSimulator("esme", "secret").holdReceipts())
        {
            final Path password = dir.resolve("smsc.password");
            Files.writeString(password, "secret");
            final Settings settings = SmppEngineSettings.of(dir, smsc.port(), "esme", password)
                .set("lane.sms.connector.queryOnRecovery", "false");
            final long ackedByMs;
            try (Dispatcher engine = EngineFixture.launch(settings);
                DispatchClient client = DispatchClient.connect(ClientConfig.builder().port(engine.port()).build()))
            {
                final List<CompletableFuture<SubmitResult>> acks = new ArrayList<>();
                for (int i = 0; i < RESTARTED; i++)
                {
                    acks.add(client.submit(Submit.builder().kind(MessageKind.AUTH).channel(ChannelType.SMS)
                        .to(String.format("0109%07d", i)).text("code " + i).build()));
                }
                acks.forEach(CompletableFuture::join);
                ackedByMs = System.currentTimeMillis();
                final Map<String, Family> page = awaitPage(engine,
                    p -> sample(p, E2E + "_count", series("provider_accepted", MessageKind.AUTH)) == RESTARTED);
                assertThat(sample(page, E2E + "_count", series("delivered", MessageKind.AUTH))).isZero();
            }

            try (Dispatcher engine = EngineFixture.launch(settings))
            {
                final long deadline = System.nanoTime() + 30_000_000_000L;
                while (smsc.boundSessions() != 1 && System.nanoTime() < deadline)
                {
                    Thread.sleep(20);
                }
                final long releasedAtMs = System.currentTimeMillis();
                assertThat(smsc.releaseReceipts()).isEqualTo(RESTARTED);
                final Map<String, Family> page = awaitPage(engine,
                    p -> sample(p, E2E + "_count", series("delivered", MessageKind.AUTH)) == RESTARTED);

                assertThat(sample(page, E2E + "_count", series("provider_accepted", MessageKind.AUTH)))
                    .as("handed off and timed before the restart").isZero();
                // accepted before its ACK, delivered after the release: the downtime is in every delivery's latency
                final double atLeastSeconds = (releasedAtMs - ackedByMs - 1) / 1000.0 * 0.99;
                assertThat(sample(page, E2E, with(series("delivered", MessageKind.AUTH), "quantile", "0.5")))
                    .isGreaterThanOrEqualTo(atLeastSeconds);
            }
        }
    }

    /** Reads /metrics until the condition holds (at most 60 s). @return the last page read. */
    private Map<String, Family> awaitPage(final Dispatcher engine, final Predicate<Map<String, Family>> condition)
        throws Exception
    {
        Map<String, Family> page = PrometheusTextParser.parse(metrics(engine));
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.test(page) && System.nanoTime() < deadline)
        {
            Thread.sleep(50);
            page = PrometheusTextParser.parse(metrics(engine));
        }
        assertThat(condition.test(page)).as("metrics reached the expected counts: %s", page.get(E2E)).isTrue();
        return page;
    }

    private static Map<String, String> series(final String until, final MessageKind kind)
    {
        return Map.of("until", until, "class", kind.name().toLowerCase(Locale.ROOT));
    }

    /**
     * Both the e2e counts and the delivered counter: one /metrics page is not one instant (the counters are written
     * before the latency families, and a burst of receipts can land in between), so wait for both.
     */
    private static boolean allDelivered(final Map<String, Family> page)
    {
        if (sample(page, "dispatch_delivered_total", Map.of()) != 2 * PER_CLASS)
        {
            return false;
        }
        for (final MessageKind kind : SENT)
        {
            if (sample(page, E2E + "_count", series("delivered", kind)) != PER_CLASS)
            {
                return false;
            }
        }
        return true;
    }

    private String metrics(final Dispatcher engine) throws Exception
    {
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + engine.adminPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
