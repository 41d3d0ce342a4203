package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.AdminHttp;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.RawConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The lane endpoints of the admin server: rate changes at runtime, dead letters, lane metrics and health. */
@Timeout(60)
class LaneAdminIT
{
    @TempDir
    Path dir;

    private int adminPort;

    @Test
    void shouldChangeALaneRateAtRuntimeAndRejectBadInputNamingTheField() throws Exception
    {
        try (Dispatcher d = EngineFixture.launch(EngineFixture.settings(dir));
            RawConnection c = RawConnection.open(d.port(), "demo", "demo-key"))
        {
            adminPort = d.adminPort();
            assertThat(get("/lanes/sms/rate").body()).contains("\"per_second\":0", "\"reserved_percent\":20");

            final HttpResponse<String> changed = post("/lanes/sms/rate?perSecond=20&burst=2&reservedPercent=0");
            assertThat(changed.statusCode()).isEqualTo(200);
            assertThat(changed.body()).contains("\"applied\":true", "\"per_second\":20", "\"burst\":2");
            assertThat(get("/lanes/sms/rate").body()).contains("\"per_second\":20", "\"reserved_percent\":0");
            assertThat(get("/metrics").body()).contains("dispatch_lane_rate_per_second{lane=\"sms-simulated\"} 20.0");

            // the new rate holds the lane back: sends stay within rate x time + burst
            final long start = System.nanoTime();
            for (int i = 0; i < 60; i++)
            {
                c.submit(100 + i, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "0101234" + i, "rated");
            }
            for (int i = 0; i < 60; i++)
            {
                assertThat(c.read().type).isEqualTo(MessageType.ACK);
            }
            Thread.sleep(500);
            final long sent =
                AdminHttp.metric(get("/metrics").body(), "dispatch_lane_sent_total{lane=\"sms-simulated\"}");
            final double elapsedS = (System.nanoTime() - start) / 1e9;
            assertThat(sent).isPositive().isLessThanOrEqualTo((long)(20 * elapsedS) + 2 + 1);

            assertThat(post("/lanes/sms/rate?perSecond=0").statusCode()).isEqualTo(200);
            final long deadline = System.currentTimeMillis() + 10_000;
            while (AdminHttp.metric(get("/metrics").body(), "dispatch_lane_accepted_total{lane=\"sms-simulated\"}") < 60
                && System.currentTimeMillis() < deadline)
            {
                Thread.sleep(50);
            }
            assertThat(AdminHttp.metric(get("/metrics").body(), "dispatch_lane_accepted_total{lane=\"sms-simulated\"}"))
                .isEqualTo(60);

            assertBadRequest(post("/lanes/sms/rate?perSecond=abc"), 400, "perSecond");
            assertBadRequest(post("/lanes/sms/rate?reservedPercent=150"), 400, "reservedPercent");
            assertBadRequest(post("/lanes/sms/rate?perSecnd=5"), 400, "perSecnd");
            assertBadRequest(post("/lanes/fax/rate?perSecond=5"), 404, "fax");
            assertBadRequest(get("/deadletters?limit=0"), 400, "limit");
            assertBadRequest(post("/deadletters"), 405, "POST");
            assertThat(get("/lanes/sms/rate").body()).as("bad requests changed nothing").contains("\"per_second\":0");
        }
    }

    @Test
    void shouldListDeadLettersWithTheirReasonAndExportLaneMetrics() throws Exception
    {
        final Settings s = EngineFixture.settings(dir);
        s.set("lane.sms.maxAttempts", "2");
        try (Dispatcher d = EngineFixture.launch(s);
            RawConnection c = RawConnection.open(d.port(), "demo", "demo-key"))
        {
            adminPort = d.adminPort();
            c.submit(1, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "fail-01011112222", "retried then dead");
            final long failed = c.read().messageId();
            c.submit(2, MessageKind.AUTH, ChannelType.SMS, "", "reject-01011112222", "인증번호 123456");
            final long rejected = c.read().messageId();
            c.submit(3, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01011112222", "delivered");
            c.read();

            String body = "";
            final long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline && !(body.contains("RETRIES_EXHAUSTED") && body.contains("INVALID")))
            {
                Thread.sleep(50);
                body = get("/deadletters?limit=10").body();
            }
            assertThat(body).contains("{\"message_id\":" + failed + ",")
                .contains("\"state\":\"FAILED\",\"reason\":\"RETRIES_EXHAUSTED\",\"attempts\":2,\"kind\":\"INFORMATIONAL\"")
                .contains("{\"message_id\":" + rejected + ",")
                .contains("\"state\":\"REJECTED\",\"reason\":\"INVALID_RECIPIENT\",\"attempts\":1,\"kind\":\"AUTH\"")
                .contains("\"tenant\":\"demo\"");
            assertThat(get("/deadletters?limit=1&lane=push").body()).contains("\"dead_letters\":[]");

            final String metrics = get("/metrics").body();
            assertThat(metrics)
                .contains("dispatch_lane_dead_letters_total{lane=\"sms-simulated\",reason=\"RETRIES_EXHAUSTED\"} 1")
                .contains("dispatch_lane_dead_letters_total{lane=\"sms-simulated\",reason=\"INVALID_RECIPIENT\"} 1")
                .contains("dispatch_lane_rejected_total{lane=\"sms-simulated\",reason=\"INVALID_RECIPIENT\"} 1")
                .contains("dispatch_lane_failures_total{lane=\"sms-simulated\",reason=\"PROVIDER_UNAVAILABLE\"} 2")
                .contains("dispatch_lane_breaker_state{lane=\"sms-simulated\"} 0")
                .contains("dispatch_lane_accept_latency_seconds{lane=\"sms-simulated\",quantile=\"0.99\"}")
                .contains("dispatch_lane_accept_latency_seconds_count{lane=\"sms-simulated\"} 1");
            assertThat(metrics.lines().filter(l -> l.startsWith("# TYPE dispatch_lane_sent_total")).count())
                .as("one TYPE line per family").isEqualTo(1);
            assertThat(get("/health").body()).contains("\"status\":\"UP\"", "\"breaker\":\"CLOSED\"");
            assertThat(get("/lanes").body()).contains("\"lane\":\"chat-simulated\"", "\"dead_letters\":2");
        }
    }

    private static void assertBadRequest(final HttpResponse<String> r, final int status, final String names)
    {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.body()).contains("\"error\"", names);
    }

    private HttpResponse<String> get(final String path) throws Exception
    {
        return AdminHttp.get(adminPort, dir, path);
    }

    private HttpResponse<String> post(final String path) throws Exception
    {
        return AdminHttp.post(adminPort, dir, path);
    }
}
