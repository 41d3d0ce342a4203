package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.config.Settings;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.GrafanaDashboard;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.PrometheusTextParser;
import io.dispatch.testing.PrometheusTextParser.Family;
import io.dispatch.testing.PrometheusTextParser.Sample;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.TargetingFrames;
import io.dispatch.testing.TargetingFrames.CampaignResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.dispatch.testing.PrometheusTextParser.sample;
import static io.dispatch.testing.PrometheusTextParser.with;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real {@code /metrics} page of an engine with traffic on its lanes, provider refusals and a campaign, read by a
 * strict Prometheus text-format parser: every family declared (HELP and TYPE) before its samples, its samples
 * together, counters named {@code _total}, labels carrying names rather than numeric codes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MetricsExpositionIT
{
    /** Labels whose values are numbers by nature: a summary's quantile and a campaign's id (its name is a label too). */
    private static final Set<String> NUMERIC_LABELS = Set.of("quantile", "id");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");

    @Test
    void shouldServeEveryFamilyWholeAndDeclaredWithCountersNamedTotalAndNamedLabels() throws Exception
    {
        // the chat provider refuses everything: rejections and dead letters by reason appear on the page
        final Settings settings = CampaignIT.settings(dir).set("lane.chat.connector.rejectRate", "1.0");
        try (Dispatcher engine = EngineFixture.launch(settings, clock);
             RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            for (int i = 0; i < 10; i++)
            {
                c.submit(1_000 + i, MessageKind.INFORMATIONAL, ChannelType.SMS, "", String.format("0109999%04d", i), "hi");
                c.submit(2_000 + i, MessageKind.INFORMATIONAL, ChannelType.CHAT, "", String.format("0108888%04d", i), "hi");
            }
            for (int i = 0; i < 20; i++)
            {
                assertThat(c.read().type).isEqualTo(MessageType.ACK);
            }
            final List<byte[]> ops = new ArrayList<>();
            for (int i = 0; i < 60; i++)
            {
                ops.add(CampaignIT.recipient(i));
            }
            assertThat(CampaignIT.update(c, ops).applied()).isEqualTo(60);
            c.send(b -> TargetingFrames.campaign(b, 77, false, 0, 0, "winter \"sale\"", "",
                new byte[] {ChannelType.SMS.code()}, "gender = 'F' and age between 20 and 29 and not tag('vip')",
                (int)ChannelType.SMS.code(), "promo"));
            final long campaignId = CampaignResult.of(c.read()).id();
            CampaignIT.awaitState(c, campaignId, CampaignDescriptor.STATE_FANNED_OUT);

            Map<String, Family> families = PrometheusTextParser.parse(metrics(engine));
            final long end = System.currentTimeMillis() + 30_000;
            while (!settled(families) && System.currentTimeMillis() < end)
            {
                Thread.sleep(50);
                families = PrometheusTextParser.parse(metrics(engine));
            }
            assertThat(settled(families)).as("traffic and campaign counted: %s", families.keySet()).isTrue();

            for (final Family f : families.values())
            {
                assertThat(f.help()).as("HELP of %s", f.name()).isNotBlank();
                assertThat(f.type()).as("TYPE of %s", f.name()).isNotNull();
                assertThat(f.name().endsWith("_total")).as("%s is a %s: only counters are named _total", f.name(), f.type())
                    .isEqualTo(f.type().equals("counter"));
                for (final Sample s : f.samples())
                {
                    s.labels().forEach((name, value) -> assertThat(NUMERIC_LABELS.contains(name) || !value.matches("-?[0-9.]+"))
                        .as("%s%s: label %s carries a numeric code, not a name", s.name(), s.labels(), name).isTrue());
                }
            }

            assertThat(sample(families, "dispatch_acked_total", Map.of())).isEqualTo(20 + 0.0);
            assertThat(sample(families, "dispatch_lane_rejected_total", Map.of("lane", "chat-simulated",
                "reason", "INVALID_RECIPIENT"))).isEqualTo(10.0);
            assertThat(families.get("dispatch_lane_accept_latency_seconds").type()).isEqualTo("summary");
            assertThat(families.get("dispatch_e2e_latency_seconds").type()).isEqualTo("summary");
            final Map<String, String> campaign = Map.of("id", Long.toString(campaignId), "tenant", "demo",
                "campaign", "winter \"sale\"");
            assertThat(sample(families, "dispatch_campaign_state", with(campaign, "state", "FANNED_OUT"))).isEqualTo(1.0);
            assertThat(sample(families, "dispatch_campaign_targeted", campaign)).isEqualTo(8.0);
            assertThat(sample(families, "dispatch_campaign_suppressed_total", with(campaign, "reason", "NO_CONSENT")))
                .isEqualTo(4.0);
            assertThat(sample(families, "dispatch_campaign_messages_total",
                with(with(campaign, "channel", "sms"), "outcome", "fanned_out"))).isEqualTo(8.0);
            assertThat(sample(families, "dispatch_campaign_messages_total",
                with(with(campaign, "channel", "sms"), "outcome", "delivered"))).isEqualTo(4.0);
            // one lane per channel, two queues each
            final int lanes = io.dispatch.protocol.ChannelType.values().length;
            assertThat(families.get("dispatch_lane_queue_depth").samples()).hasSize(2 * lanes);
            assertThat(families.get("dispatch_lane_in_flight").samples()).hasSize(lanes);

            // the connector families come from provider connectors only: ConnectorMetricFamiliesTest checks those
            final Map<String, Family> page = families;
            assertThat(GrafanaDashboard.metricFamilies()).as("docs/grafana-dashboard.json queries families of this page")
                .filteredOn(name -> !name.startsWith("dispatch_connector_"))
                .hasSizeGreaterThan(40).allSatisfy(name -> assertThat(page).containsKey(name));
        }
    }

    /** Every SMS delivered (10 direct and the campaign's 4 with consent) and every chat refused by the provider. */
    private static boolean settled(final Map<String, Family> families)
    {
        return sample(families, "dispatch_delivered_total", Map.of()) == 14
            && sample(families, "dispatch_lane_rejected_total", Map.of("lane", "chat-simulated", "reason", "INVALID_RECIPIENT"))
            == 10;
    }


    private String metrics(final Dispatcher engine) throws Exception
    {
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.adminPort()
            + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4");
        return r.body();
    }
}
