package io.dispatch.connector.messenger;

import io.dispatch.connector.CapturingLane;
import io.dispatch.connector.CapturingLane.Event;
import io.dispatch.connector.ChatPlatformPeer;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.InboundEvent;
import io.dispatch.connector.InboundRecorder;
import io.dispatch.json.Json;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The messenger connector against {@link MessengerPeer} over loopback HTTP: messaging types and tags, every error
 * class, the Page's rate, a hanging peer, and the signed webhook.
 */
@Timeout(120)
class MessengerConnectorTest
{
    static final String PAGE = "1234567890";
    static final String TOKEN = "EAAG-page-token";
    static final String APP_SECRET = "app-secret-1";
    static final String PSID = "24681357";

    @TempDir
    Path dir;

    private MessengerPeer peer;
    private MessengerConnector connector;
    private final long[] now = {5_000_000};
    private final CapturingLane lane = new CapturingLane(ChannelType.MESSENGER).clock(() -> now[0]);
    private final InboundRecorder inbound = new InboundRecorder();

    @BeforeEach
    void startPeer() throws Exception
    {
        peer = new MessengerPeer(PAGE, TOKEN, APP_SECRET);
        lane.inbound(inbound);
    }

    @AfterEach
    void stop()
    {
        if (connector != null)
        {
            connector.stop();
        }
        peer.close();
        assertThat(lane.violations()).isEmpty();
    }

    static Map<String, String> settings(final MessengerPeer peer, final Path dir) throws Exception
    {
        final Map<String, String> s = new HashMap<>();
        s.put("baseUrl", peer.baseUrl());
        s.put("pageId", PAGE);
        s.put("pageAccessTokenFile", Files.writeString(dir.resolve("page.token"), TOKEN).toString());
        s.put("appSecretFile", Files.writeString(dir.resolve("app.secret"), APP_SECRET).toString());
        s.put("verifyTokenFile", Files.writeString(dir.resolve("verify.token"), "verify-me").toString());
        s.put("tenant", "demo");
        s.put("tag.order-shipped", "POST_PURCHASE_UPDATE");
        s.put("webhook.port", "0");
        s.put("requestTimeoutMs", "20000");
        return s;
    }

    private void start(final Map<String, String> extra) throws Exception
    {
        final Map<String, String> s = settings(peer, dir);
        s.putAll(extra);
        connector = (MessengerConnector)new MessengerConnectorFactory().create(s);
        connector.start(lane);
        peer.webhook(webhookUri());
    }

    private URI webhookUri()
    {
        return URI.create("http://127.0.0.1:" + connector.webhookPort() + "/messenger/webhook");
    }

    private static DeliveryRequest text(final long id, final MessageKind kind, final String text)
    {
        return CapturingLane.request(id, kind, PSID, null, text, Map.of());
    }

    private Object lastBody()
    {
        final List<ChatPlatformPeer.Received> r = peer.received();
        return Json.parse(r.get(r.size() - 1).body());
    }

    @Test
    void shouldSendUntaggedAsResponseAndTaggedTemplatesAsMessageTag() throws Exception
    {
        start(Map.of());
        lane.send(connector, text(1, MessageKind.MARKETING, "오늘만 20% 할인"));
        assertThat(lane.next()).isEqualTo(new Event("ACCEPTED", 1, Reason.NONE, 0, null));
        assertThat(Json.string(lastBody(), "messaging_type")).isEqualTo("RESPONSE");
        assertThat(Json.member(lastBody(), "tag")).isNull();
        assertThat(Json.string(Json.member(lastBody(), "recipient"), "id")).isEqualTo(PSID);
        assertThat(peer.received().get(0).headers()).containsEntry("authorization", "Bearer " + TOKEN);
        assertThat(peer.received().get(0).uri()).isEqualTo("/v21.0/" + PAGE + "/messages");

        lane.send(connector, CapturingLane.request(2, MessageKind.INFORMATIONAL, PSID, "order-shipped", null,
            Map.of("order", "A-1")));
        assertThat(lane.next().kind()).isEqualTo("ACCEPTED");
        assertThat(Json.string(lastBody(), "messaging_type")).isEqualTo("MESSAGE_TAG");
        assertThat(Json.string(lastBody(), "tag")).isEqualTo("POST_PURCHASE_UPDATE");
        assertThat(Json.string(Json.member(lastBody(), "message"), "text")).isEqualTo("template order-shipped");
    }

    @Test
    void shouldSendUpdateWhenConfiguredAndImagesAsAttachments() throws Exception
    {
        start(Map.of("messagingType", "UPDATE"));
        lane.send(connector, CapturingLane.request(3, MessageKind.INFORMATIONAL, PSID, null, "photo",
            Map.of("content", "image", "image_url", "https://img.example.com/a.jpg")));
        assertThat(lane.next().kind()).isEqualTo("ACCEPTED");
        assertThat(Json.string(lastBody(), "messaging_type")).isEqualTo("UPDATE");
        final Object attachment = Json.member(Json.member(lastBody(), "message"), "attachment");
        assertThat(Json.string(attachment, "type")).isEqualTo("image");
        assertThat(Json.string(Json.member(attachment, "payload"), "url")).isEqualTo("https://img.example.com/a.jpg");
    }

    @ParameterizedTest
    @CsvSource({
        "400, 10, 2018278, REJECTED, OUTSIDE_CONVERSATION_WINDOW",
        "400, 100, 2018001, REJECTED, INVALID_RECIPIENT",
        "400, 551, 0, REJECTED, RECIPIENT_UNREACHABLE",
        "400, 200, 1545041, REJECTED, RECIPIENT_UNREACHABLE",
        "400, 100, 0, REJECTED, CONTENT_REJECTED",
        "401, 190, 0, REJECTED, PROVIDER_AUTH_FAILED",
        "403, 10, 0, REJECTED, PROVIDER_AUTH_FAILED",
        "400, 613, 0, FAILED, PROVIDER_THROTTLED",
        "400, 32, 0, FAILED, PROVIDER_THROTTLED",
        "400, 4, 0, FAILED, PROVIDER_THROTTLED",
        "500, 1200, 0, FAILED, PROVIDER_UNAVAILABLE",
        "503, 2, 0, FAILED, PROVIDER_UNAVAILABLE",
        "400, 99999, 0, REJECTED, PROVIDER_ERROR"})
    void shouldMapEveryErrorClass(
        final int status, final long code, final long subcode, final String kind, final Reason reason) throws Exception
    {
        start(Map.of());
        peer.answerNext(status, MessengerPeer.error(status, code, subcode).body(), Map.of());
        lane.send(connector, text(10, MessageKind.INFORMATIONAL, "x"));
        assertThat(lane.next()).isEqualTo(new Event(kind, 10, reason, 0, null));
    }

    @Test
    void shouldRejectAWrongTokenAsAuthFailureAndPass429WithRetryAfter() throws Exception
    {
        final Map<String, String> s = settings(peer, dir);
        s.put("pageAccessTokenFile", Files.writeString(dir.resolve("wrong.token"), "nope").toString());
        connector = (MessengerConnector)new MessengerConnectorFactory().create(s);
        connector.start(lane);
        lane.send(connector, text(11, MessageKind.INFORMATIONAL, "x"));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 11, Reason.PROVIDER_AUTH_FAILED, 0, null));

        peer.answerNext(429, "", Map.of("Retry-After", "2"));
        lane.send(connector, text(12, MessageKind.INFORMATIONAL, "x"));
        assertThat(lane.next()).isEqualTo(new Event("FAILED", 12, Reason.PROVIDER_THROTTLED, 2000, null));
    }

    @Test
    void shouldKeepThePagesDocumentedRateLocally() throws Exception
    {
        start(Map.of());
        for (int i = 0; i < 300; i++)
        {
            lane.send(connector, text(100 + i, MessageKind.INFORMATIONAL, "x"));
        }
        lane.send(connector, text(400, MessageKind.INFORMATIONAL, "over"));
        int accepted = 0;
        Event over = null;
        for (int i = 0; i < 301; i++)
        {
            final Event e = lane.next();
            if (e.messageId() == 400)
            {
                over = e;
            }
            else if (e.kind().equals("ACCEPTED"))
            {
                accepted++;
            }
        }
        assertThat(accepted).as("300 calls/s per Page").isEqualTo(300);
        assertThat(over.kind()).isEqualTo("FAILED");
        assertThat(over.reason()).isEqualTo(Reason.PROVIDER_THROTTLED);
        assertThat(over.retryAfterMs()).isBetween(1L, 1000L);
        assertThat(peer.received()).hasSize(300);
        assertThat(connector.counters().throttledCount()).isEqualTo(1);
    }

    @Test
    void shouldNeverResendWhatAHangingPeerMayHaveDelivered() throws Exception
    {
        start(Map.of("requestTimeoutMs", "1000", "maxConnections", "1"));
        // a first send opens the one connection, so the stalled one is written at once, whatever the machine's load
        lane.send(connector, text(19, MessageKind.INFORMATIONAL, "warm"));
        assertThat(lane.next().kind()).isEqualTo("ACCEPTED");
        peer.stallNext(1);
        lane.send(connector, text(20, MessageKind.INFORMATIONAL, "once"));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 20, Reason.PROVIDER_TIMEOUT, 0, null));
        assertThat(peer.received()).hasSize(2);
        assertThat(connector.uncertainCount()).isEqualTo(1);
    }

    @Test
    void shouldRefuseLocallyWhatTheSendApiWouldRefuse() throws Exception
    {
        start(Map.of());
        lane.send(connector, CapturingLane.request(30, MessageKind.INFORMATIONAL, "not-a-psid", null, "x", Map.of()));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 30, Reason.INVALID_RECIPIENT, 0, null));
        lane.send(connector, text(31, MessageKind.INFORMATIONAL, "x".repeat(2_001)));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 31, Reason.PAYLOAD_TOO_LARGE, 0, null));
        assertThat(peer.received()).isEmpty();
    }

    @Test
    void shouldJournalSignedEventsAndOpenTheWindowOnlyForUserMessages() throws Exception
    {
        start(Map.of());
        final String[][] cases = {
            {peer.message(PSID, "m_1", "배송 언제 와요?", 1), "MESSAGE", PSID, "배송 언제 와요?", "m_1"},
            {peer.postback(PSID, "m_2", "주문 조회"), "MESSAGE", PSID, "주문 조회", "m_2"},
            {peer.echo(PSID, "m_3"), "EVENT", PSID, "", "echo:m_3"},
            {peer.read(PSID), "EVENT", PSID, "", ""}};
        for (final String[] c : cases)
        {
            final HttpResponse<String> answer = peer.event(c[0]).get(30, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(c[0]).isEqualTo(200);
            final InboundEvent e = inbound.next().event();
            assertThat(e.kind()).as(c[0]).isEqualTo(InboundEvent.Kind.valueOf(c[1]));
            assertThat(e.channel()).isEqualTo(ChannelType.MESSENGER);
            assertThat(e.from()).isEqualTo(c[2]);
            assertThat(e.text()).isEqualTo(c[3]);
            assertThat(e.providerEventId()).isEqualTo(c[4]);
            assertThat(e.tenant()).isEqualTo("demo");
            assertThat(e.receivedAtMs()).isEqualTo(now[0]);
        }
    }

    @Test
    void shouldRefuseABadSignatureWith403AndNeverJournalIt() throws Exception
    {
        start(Map.of());
        final String body = peer.message(PSID, "m_9", "hi", 1);
        final String tampered = body.replace("hi", "ho");
        assertThat(peer.postWebhook(webhookUri(), tampered, Map.of("X-Hub-Signature-256", peer.sign(body)))
            .get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(403);
        assertThat(peer.postWebhook(webhookUri(), body, Map.of()).get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(403);
        assertThat(peer.postWebhook(webhookUri(), body, Map.of("X-Hub-Signature-256", "sha256=zz"))
            .get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(403);
        assertThat(connector.badSignatures()).isEqualTo(3);
        assertThat(inbound.isEmpty()).isTrue();
    }

    @Test
    void shouldSayWhichOfOurMessagesAUserReplyAnswers() throws Exception
    {
        start(Map.of());
        lane.send(connector, text(77, MessageKind.INFORMATIONAL, "주문이 접수되었습니다"));
        assertThat(lane.next().kind()).isEqualTo("ACCEPTED");
        assertThat(peer.event(peer.reply(PSID, "m_u1", "취소할게요", "m_1")).get(30, TimeUnit.SECONDS).statusCode())
            .isEqualTo(200);
        assertThat(inbound.next().event().inReplyTo()).as("the peer's first message id, m_1, was our 77").isEqualTo(77);
        assertThat(peer.event(peer.reply(PSID, "m_u2", "?", "m_unknown")).get(30, TimeUnit.SECONDS).statusCode())
            .isEqualTo(200);
        assertThat(inbound.next().event().inReplyTo()).isZero();
    }

    @Test
    void shouldServeTheSignedWebhookOverTls() throws Exception
    {
        final io.dispatch.testing.TestTls tls = io.dispatch.testing.TestTls.create(dir);
        start(Map.of("webhook.tlsCertFile", tls.serverCertFile.toString(), "webhook.tlsKeyFile", tls.serverKeyFile.toString()));
        peer.trustWebhookCa(tls.ca);
        peer.webhook(URI.create("https://127.0.0.1:" + connector.webhookPort() + "/messenger/webhook"));
        assertThat(peer.event(peer.message(PSID, "m_tls", "hi", 1)).get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(inbound.next().event().providerEventId()).isEqualTo("m_tls");
    }

    @Test
    void shouldAnswerTheSubscriptionCheckOnlyWithTheVerifyToken() throws Exception
    {
        start(Map.of());
        final HttpResponse<String> ok = peer.getWebhook(URI.create(webhookUri()
            + "?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("1158201444");
        assertThat(peer.getWebhook(URI.create(webhookUri()
            + "?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1")).statusCode()).isEqualTo(403);
    }

    @Test
    void shouldAnswer503WhenTheEngineRefusesSoMetaRedelivers() throws Exception
    {
        start(Map.of());
        inbound.refuse();
        assertThat(peer.event(peer.message(PSID, "m_5", "hi", 1)).get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
        inbound.next();
    }

    @Test
    void shouldNameTheBadSetting() throws Exception
    {
        final Map<String, String> s = settings(peer, dir);
        s.put("tag.order-shipped", "PROMOTION");
        assertThatThrownBy(() -> new MessengerConnectorFactory().validate(s)).hasMessageContaining("tag.order-shipped")
            .hasMessageContaining("ACCOUNT_UPDATE");
        s.put("tag.order-shipped", "ACCOUNT_UPDATE");
        s.remove("appSecretFile");
        assertThatThrownBy(() -> new MessengerConnectorFactory().validate(s)).hasMessageContaining("appSecretFile");
        s.put("appSecretFile", dir.resolve("app.secret").toString());
        s.put("pageId", "my-page");
        assertThatThrownBy(() -> new MessengerConnectorFactory().validate(s)).hasMessageContaining("pageId");
        s.put("pageId", PAGE);
        assertThat(MessengerConnectorFactory.tags(s)).containsExactly(Map.entry("order-shipped", "ACCOUNT_UPDATE"));
    }
}
