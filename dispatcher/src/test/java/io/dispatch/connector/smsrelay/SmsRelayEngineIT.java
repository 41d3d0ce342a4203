package io.dispatch.connector.smsrelay;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.json.Json;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.AdminHttp;
import io.dispatch.testing.EngineFixture;
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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real engine with {@code lane.sms.connector=smsrelay} against the loopback relay: SUBMITs through the real
 * client reach the relay as SMS, LMS, MMS (with an image registered through the admin API) and ad SMS, and the
 * relay's result webhooks come back as receipts and STATUS answers.
 */
@Timeout(60)
class SmsRelayEngineIT
{
    @TempDir
    Path dir;

    record Change(DeliveryState state, Reason reason)
    {
    }

    static Settings engineSettings(final Path dir, final SmsRelayPeer peer) throws Exception
    {
        final Settings s = new Settings(new Properties());
        EngineFixture.settings(dir.resolve("engine")).withPrefix("").forEach((k, v) ->
        {
            if (!k.startsWith("lane.sms.connector."))
            {
                s.set(k, v);
            }
        });
        s.set("lane.sms.connector", "smsrelay");
        s.set("lane.sms.receiptTimeoutMs", "291600000"); // the LMS/MMS timeout: the connector ends SMS earlier
        // this test is about the connector: let the marketing message through the policy stage at any hour
        s.set("tenant.demo.consentRequired", "false");
        s.set("policy.night.sms", "off");
        SmsRelayConnectorTest.settings(peer, dir).forEach((k, v) -> s.set("lane.sms.connector." + k, v));
        s.set("lane.sms.connector.images.dir", "");
        s.set("template.spring", "#{shop} 봄 신상품이 입고되었습니다.");   // the default: <data.dir>/mms-images, where the admin API stores
        return s;
    }

    @Test
    void shouldCarrySmsLmsMmsAndAdSmsFromSubmitToDeliveredStatus() throws Exception
    {
        try (SmsRelayPeer peer = new SmsRelayPeer(SmsRelayConnectorTest.APP_KEY, SmsRelayConnectorTest.SECRET,
                SmsRelayConnectorTest.SEND_NO);
            Dispatcher engine = EngineFixture.launch(engineSettings(dir, peer)))
        {
            final SmsRelayConnector connector = (SmsRelayConnector)engine.lane(ChannelType.SMS).connector();
            peer.webhookTarget(URI.create("http://127.0.0.1:" + connector.webhookPort() + "/sms/webhook"),
                SmsRelayConnectorTest.SIGNATURE);
            final Path dataDir = dir.resolve("engine");
            assertThat(putImage(engine.adminPort(), dataDir, "/mms-images/demo/spring", SmsRelayConnectorTest.jpeg(4096))
                .statusCode()).isEqualTo(200);
            final HttpResponse<String> notJpeg = putImage(engine.adminPort(), dataDir, "/mms-images/demo/bad", new byte[] {1, 2, 3});
            assertThat(notJpeg.statusCode()).isEqualTo(400);
            assertThat(notJpeg.body()).contains("not a JPEG");
            assertThat(putImage(engine.adminPort(), dataDir, "/mms-images/nobody/spring", SmsRelayConnectorTest.jpeg(10))
                .statusCode()).isEqualTo(404);

            final Map<Long, List<Change>> changes = new ConcurrentHashMap<>();
            try (DispatchClient client = DispatchClient.connect(ClientConfig.builder().host("127.0.0.1")
                .port(engine.port()).tenant("demo").apiKey("demo-key").build()))
            {
                client.subscribeReceipts(Frames.SCOPE_CONNECTION, (id, state, attempts, reason, at) ->
                    changes.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(new Change(state, reason))).join();

                final long sms = submit(client, MessageKind.INFORMATIONAL, "010-1234-5678", "주문이 발송되었습니다.", Map.of());
                final long lms = submit(client, MessageKind.INFORMATIONAL, "01012345678", "배송 안내 ".repeat(20),
                    Map.of("sms.title", "배송 안내"));
                // a template fills the text; the image rides along as a variable the template does not use
                final Submit.Builder spring = Submit.builder().kind(MessageKind.INFORMATIONAL).channel(ChannelType.SMS)
                    .to("01012345678").template("spring").var("shop", "[가게]").var("sms.images", "spring");
                final long mms = client.submit(spring.build()).join().messageId();
                final long ad = submit(client, MessageKind.MARKETING, "01012345678", SmsRelayConnectorTest.AD, Map.of());
                final long blocked = submit(client, MessageKind.INFORMATIONAL, "09913006", "안내", Map.of());
                final long optedOut = submit(client, MessageKind.MARKETING, "09906001", SmsRelayConnectorTest.AD, Map.of());

                awaitTerminal(changes, List.of(sms, lms, mms, ad, blocked, optedOut));
                for (final long id : List.of(sms, lms, mms, ad))
                {
                    assertThat(changes.get(id)).containsSubsequence(
                        new Change(DeliveryState.PROVIDER_ACCEPTED, Reason.NONE), new Change(DeliveryState.DELIVERED, Reason.NONE));
                    assertThat(client.status(id).join().state()).isEqualTo(DeliveryState.DELIVERED);
                }
                assertThat(last(changes, blocked)).isEqualTo(new Change(DeliveryState.FAILED, Reason.RECIPIENT_BLOCKED));
                final StatusResult status = client.status(optedOut).join();
                assertThat(status.state()).isEqualTo(DeliveryState.REJECTED);
                assertThat(status.reason()).isEqualTo(Reason.OPTED_OUT);
            }
            assertThat(peer.sends()).extracting(r -> r.path().substring(r.path().indexOf("/sender/")))
                .containsExactlyInAnyOrder("/sender/sms", "/sender/mms", "/sender/mms", "/sender/ad-sms",
                    "/sender/sms", "/sender/ad-sms");
            assertThat(peer.sends()).filteredOn(r -> Json.member(r.body(), "attachFileIdList") != null)
                .extracting(r -> Json.member(r.body(), "body")).containsExactly("[가게] 봄 신상품이 입고되었습니다.");

            final String metrics = AdminHttp.get(engine.adminPort(), dataDir, "/metrics").body();
            for (final String type : List.of("SMS", "LMS", "MMS"))
            {
                assertThat(AdminHttp.metric(metrics, "dispatch_connector_sms_relay_sent_total{lane=\"sms-smsrelay\",connector=\"smsrelay\",type=\""
                    + type + "\"}")).as(type).isEqualTo(type.equals("SMS") ? 3 : 1);
            }
        }
    }

    private static HttpResponse<String> putImage(final int port, final Path dataDir, final String path, final byte[] image)
        throws Exception
    {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + EngineFixture.adminToken(dataDir))
            .timeout(Duration.ofSeconds(10))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(image)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long submit(
        final DispatchClient client, final MessageKind kind, final String to, final String text, final Map<String, String> vars)
    {
        final Submit.Builder b = Submit.builder().kind(kind).channel(ChannelType.SMS).to(to).text(text);
        vars.forEach(b::var);
        return client.submit(b.build()).join().messageId();
    }

    private static Change last(final Map<Long, List<Change>> changes, final long id)
    {
        final List<Change> list = changes.get(id);
        return list.get(list.size() - 1);
    }

    private static void awaitTerminal(final Map<Long, List<Change>> changes, final List<Long> ids) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline)
        {
            if (ids.stream().allMatch(id -> changes.containsKey(id) && last(changes, id).state().isTerminal()))
            {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not all terminal within 30 s: " + changes);
    }
}
