package io.dispatch.connector.talktalk;

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
import io.dispatch.testing.TestTls;
import io.netty.handler.ssl.SslContextBuilder;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The talktalk connector against {@link TalkTalkPeer} over loopback HTTPS both ways: send shapes, every documented
 * result code, throttling, a hanging peer, and the webhook's events reaching the inbound sink before the answer.
 */
@Timeout(120)
class TalkTalkConnectorTest
{
    static final String KEY = "ct_wc8b1i_test-key";
    static final String USER = "al-2eGuGr5WQOnco1_V-FQ";

    @TempDir
    Path dir;

    private TestTls tls;
    private TalkTalkPeer peer;
    private TalkTalkConnector connector;
    private final long[] now = {1_000_000};
    private final CapturingLane lane = new CapturingLane(ChannelType.TALKTALK).clock(() -> now[0]);
    private final InboundRecorder inbound = new InboundRecorder();

    @BeforeEach
    void startPeer() throws Exception
    {
        tls = TestTls.create(dir);
        peer = new TalkTalkPeer(KEY, SslContextBuilder.forServer(tls.serverKey, tls.server).build());
        peer.trustWebhookCa(tls.ca);
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

    private Map<String, String> settings() throws Exception
    {
        final Map<String, String> s = new HashMap<>();
        s.put("baseUrl", peer.baseUrl());
        s.put("trustCertFile", tls.caFile.toString());
        s.put("authorizationFile", Files.writeString(dir.resolve("talktalk.key"), KEY + "\n").toString());
        s.put("partnerId", "wc1234");
        s.put("tenant", "demo");
        s.put("webhook.port", "0");
        s.put("webhook.tlsCertFile", tls.serverCertFile.toString());
        s.put("webhook.tlsKeyFile", tls.serverKeyFile.toString());
        s.put("requestTimeoutMs", "20000");
        return s;
    }

    private void start(final Map<String, String> extra) throws Exception
    {
        final Map<String, String> s = settings();
        s.putAll(extra);
        connector = (TalkTalkConnector)new TalkTalkConnectorFactory().create(s);
        connector.start(lane);
        peer.webhook(URI.create("https://127.0.0.1:" + connector.webhookPort() + "/talktalk/webhook"));
    }

    private static DeliveryRequest text(final long id, final String user, final String text)
    {
        return CapturingLane.request(id, MessageKind.INFORMATIONAL, user, null, text, Map.of());
    }

    private Object lastBody()
    {
        final List<ChatPlatformPeer.Received> r = peer.received();
        return Json.parse(r.get(r.size() - 1).body());
    }

    @Test
    void shouldSendTextWithTheAuthorizationKeyAndNotification() throws Exception
    {
        start(Map.of());
        lane.send(connector, text(1, USER, "주문하신 상품이 출발했습니다"));
        assertThat(lane.next()).isEqualTo(new Event("ACCEPTED", 1, Reason.NONE, 0, null));

        final ChatPlatformPeer.Received sent = peer.received().get(0);
        assertThat(sent.uri()).isEqualTo("/chatbot/v1/event");
        assertThat(sent.headers()).containsEntry("authorization", KEY);
        final Object body = Json.parse(sent.body());
        assertThat(Json.string(body, "event")).isEqualTo("send");
        assertThat(Json.string(body, "user")).isEqualTo(USER);
        assertThat(Json.string(Json.member(body, "textContent"), "text")).isEqualTo("주문하신 상품이 출발했습니다");
        assertThat(Json.member(Json.member(body, "options"), "notification")).isEqualTo(Boolean.TRUE);
    }

    @Test
    void shouldLeaveNotificationOutWhenOff() throws Exception
    {
        start(Map.of("notification", "false"));
        lane.send(connector, text(2, USER, "hi"));
        assertThat(lane.next().kind()).isEqualTo("ACCEPTED");
        assertThat(Json.member(lastBody(), "options")).isNull();
    }

    @Test
    void shouldSendImageAndCompositeContentFromTheVariables() throws Exception
    {
        start(Map.of());
        lane.send(connector, CapturingLane.request(3, MessageKind.INFORMATIONAL, USER, null, "caption",
            Map.of("content", "image", "image_url", "https://img.example.com/a.png")));
        assertThat(lane.next().kind()).isEqualTo("ACCEPTED");
        assertThat(Json.string(Json.member(lastBody(), "imageContent"), "imageUrl")).isEqualTo("https://img.example.com/a.png");
        assertThat(Json.member(lastBody(), "textContent")).isNull();

        lane.send(connector, CapturingLane.request(4, MessageKind.INFORMATIONAL, USER, null, "배송이 시작되었습니다",
            Map.of("title", "배송 안내", "image_url", "https://img.example.com/b.png",
                "button_title", "배송 조회", "button_url", "https://shop.example.com/track/1")));
        assertThat(lane.next().kind()).isEqualTo("ACCEPTED");
        final Object card = ((List<?>)Json.member(Json.member(lastBody(), "compositeContent"), "compositeList")).get(0);
        assertThat(Json.string(card, "title")).isEqualTo("배송 안내");
        assertThat(Json.string(card, "description")).isEqualTo("배송이 시작되었습니다");
        assertThat(Json.string(Json.member(card, "image"), "imageUrl")).isEqualTo("https://img.example.com/b.png");
        final Object button = ((List<?>)Json.member(card, "buttonList")).get(0);
        assertThat(Json.string(button, "type")).isEqualTo("LINK");
        assertThat(Json.string(Json.member(button, "data"), "mobileUrl")).isEqualTo("https://shop.example.com/track/1");
    }

    @ParameterizedTest
    @CsvSource({
        "01, REJECTED, PROVIDER_AUTH_FAILED",
        "02, REJECTED, CONTENT_REJECTED",
        "99, REJECTED, PROVIDER_ERROR",
        "IMG-01, REJECTED, CONTENT_REJECTED",
        "IMG-02, FAILED, PROVIDER_UNAVAILABLE",
        "IMG-03, REJECTED, PAYLOAD_TOO_LARGE"})
    void shouldMapEveryDocumentedResultCode(final String code, final String kind, final Reason reason) throws Exception
    {
        start(Map.of());
        lane.send(connector, text(10, "code-" + code + "-u1", "hello"));
        assertThat(lane.next()).isEqualTo(new Event(kind, 10, reason, 0, null));
    }

    @Test
    void shouldRejectAWrongKeyAsAuthFailure() throws Exception
    {
        final Map<String, String> s = settings();
        s.put("authorizationFile", Files.writeString(dir.resolve("wrong.key"), "nope").toString());
        connector = (TalkTalkConnector)new TalkTalkConnectorFactory().create(s);
        connector.start(lane);
        lane.send(connector, text(11, USER, "hello"));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 11, Reason.PROVIDER_AUTH_FAILED, 0, null));
    }

    @Test
    void shouldPassHttpThrottlingAndUnavailabilityAsTransient() throws Exception
    {
        start(Map.of());
        peer.answerNext(429, "", Map.of("Retry-After", "3"));
        peer.answerNext(503, "", Map.of());
        peer.answerNext(500, "{}", Map.of());
        lane.send(connector, text(20, USER, "a"));
        assertThat(lane.next()).isEqualTo(new Event("FAILED", 20, Reason.PROVIDER_THROTTLED, 3000, null));
        lane.send(connector, text(21, USER, "b"));
        assertThat(lane.next()).isEqualTo(new Event("FAILED", 21, Reason.PROVIDER_UNAVAILABLE, 0, null));
        lane.send(connector, text(22, USER, "c"));
        assertThat(lane.next()).isEqualTo(new Event("FAILED", 22, Reason.PROVIDER_UNAVAILABLE, 0, null));
        assertThat(connector.counters().throttledCount()).isEqualTo(1);
    }

    @Test
    void shouldThrottleLocallyAtTheConfiguredRateWithoutARequest() throws Exception
    {
        start(Map.of("ratePerSecond", "2"));
        lane.send(connector, text(30, USER, "a"));
        lane.send(connector, text(31, USER, "b"));
        lane.send(connector, text(32, USER, "c"));
        final Event third = lane.next();
        assertThat(third.messageId()).as("the refusal is synchronous, before the answers").isEqualTo(32);
        assertThat(third.kind()).isEqualTo("FAILED");
        assertThat(third.reason()).isEqualTo(Reason.PROVIDER_THROTTLED);
        assertThat(third.retryAfterMs()).isBetween(1L, 1000L);
        assertThat(lane.next().kind()).isEqualTo("ACCEPTED");
        assertThat(lane.next().kind()).isEqualTo("ACCEPTED");
        assertThat(peer.received()).hasSize(2);

        now[0] += 1000;
        lane.send(connector, text(33, USER, "d"));
        assertThat(lane.next()).isEqualTo(new Event("ACCEPTED", 33, Reason.NONE, 0, null));
    }

    @Test
    void shouldNeverResendWhatAHangingPeerMayHaveShown() throws Exception
    {
        start(Map.of("requestTimeoutMs", "1000", "maxConnections", "1"));
        // a first send opens the one connection, so the stalled one is written at once, whatever the machine's load
        lane.send(connector, text(39, USER, "warm"));
        assertThat(lane.next().kind()).isEqualTo("ACCEPTED");
        peer.stallNext(1);
        lane.send(connector, text(40, USER, "once"));
        assertThat(lane.next()).as("uncertain: ends, for a deliberate re-drive")
            .isEqualTo(new Event("REJECTED", 40, Reason.PROVIDER_TIMEOUT, 0, null));
        assertThat(peer.received()).hasSize(2);
        assertThat(connector.uncertainCount()).isEqualTo(1);
    }

    @Test
    void shouldRetryWhatNeverReachedThePeer() throws Exception
    {
        final Map<String, String> s = settings();
        s.put("baseUrl", "https://127.0.0.1:1");
        connector = (TalkTalkConnector)new TalkTalkConnectorFactory().create(s);
        connector.start(lane);
        lane.send(connector, text(41, USER, "x"));
        assertThat(lane.next()).isEqualTo(new Event("FAILED", 41, Reason.PROVIDER_UNAVAILABLE, 0, null));
        assertThat(connector.uncertainCount()).isZero();
    }

    @Test
    void shouldRefuseLocallyWhatTalkTalkWouldRefuse() throws Exception
    {
        start(Map.of());
        lane.send(connector, text(50, "not a user id", "x"));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 50, Reason.INVALID_RECIPIENT, 0, null));
        lane.send(connector, text(51, USER, "x".repeat(10_001)));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 51, Reason.PAYLOAD_TOO_LARGE, 0, null));
        lane.send(connector, CapturingLane.request(52, MessageKind.INFORMATIONAL, USER, null, "x",
            Map.of("button_title", "a button title over eighteen", "button_url", "https://a.example")));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 52, Reason.CONTENT_REJECTED, 0, null));
        lane.send(connector, CapturingLane.request(53, MessageKind.INFORMATIONAL, USER, null, "x",
            Map.of("content", "image", "image_url", "file:///etc/passwd")));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 53, Reason.CONTENT_REJECTED, 0, null));
        assertThat(peer.received()).isEmpty();
    }

    @Test
    void shouldTurnWebhookEventsIntoInboundEventsOverTls() throws Exception
    {
        start(Map.of());
        final String[][] cases = {
            {TalkTalkPeer.friend("u1", "off"), "CONSENT_WITHDRAWN", ""},
            {TalkTalkPeer.friend("u1", "on"), "CONSENT_GRANTED", ""},
            {TalkTalkPeer.leave("u1"), "CONSENT_WITHDRAWN", ""},
            {TalkTalkPeer.send("u1", "주문 취소할게요"), "MESSAGE", "주문 취소할게요"},
            {TalkTalkPeer.open("u1"), "EVENT", ""},
            {"{\"event\":\"echo\",\"echoedEvent\":\"send\",\"user\":\"u1\",\"textContent\":{\"text\":\"hi\"}}", "EVENT", ""},
            {"{\"event\":\"action\",\"user\":\"u1\",\"options\":{\"action\":\"typingOn\"}}", "EVENT", ""}};
        for (final String[] c : cases)
        {
            final HttpResponse<String> answer = peer.event(c[0]).get(30, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(c[0]).isEqualTo(200);
            assertThat(answer.body()).as("an empty body: TalkTalk would send a JSON one to the user").isEmpty();
            final InboundEvent e = inbound.next().event();
            assertThat(e.kind()).as(c[0]).isEqualTo(InboundEvent.Kind.valueOf(c[1]));
            assertThat(e.channel()).isEqualTo(ChannelType.TALKTALK);
            assertThat(e.tenant()).isEqualTo("demo");
            assertThat(e.from()).isEqualTo("u1");
            assertThat(e.to()).isEqualTo("wc1234");
            assertThat(e.text()).isEqualTo(c[2]);
            assertThat(e.payload()).isEqualTo(c[0]);
            assertThat(e.receivedAtMs()).isEqualTo(now[0]);
        }
    }

    @Test
    void shouldAnswerOnlyOnceJournaledAndARetriableErrorWhenRefused() throws Exception
    {
        start(Map.of());
        inbound.hold();
        final CompletableFuture<HttpResponse<String>> answer = peer.event(TalkTalkPeer.friend("u2", "off"));
        final InboundRecorder.Offer offer = inbound.next();
        assertThat(answer).as("no answer before the journal confirms").isNotDone();
        offer.answer().complete(Boolean.TRUE);
        assertThat(answer.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

        inbound.refuse();
        assertThat(peer.event(TalkTalkPeer.friend("u2", "on")).get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
        inbound.next();
    }

    @Test
    void shouldAnswerRetriableWhenTheJournalDoesNotConfirmInTime() throws Exception
    {
        start(Map.of("webhook.answerTimeoutMs", "200"));
        inbound.hold();
        final HttpResponse<String> answer = peer.event(TalkTalkPeer.send("u3", "hi")).get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(503);
        inbound.next();
    }

    @Test
    void shouldRefuseWhatIsNotAnEventWithoutJournalingIt() throws Exception
    {
        start(Map.of());
        assertThat(peer.event("{not json").get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(400);
        assertThat(peer.event("{\"event\":\"send\"}").get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(400);
        assertThat(peer.event(TalkTalkPeer.friend("u4", "maybe")).get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(400);
        assertThat(peer.postWebhook(URI.create("https://127.0.0.1:" + connector.webhookPort() + "/other"),
            TalkTalkPeer.leave("u4"), Map.of()).get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
        assertThat(inbound.isEmpty()).isTrue();
    }

    @Test
    void shouldNameTheBadSetting()
    {
        final Map<String, String> s = new HashMap<>(Map.of("authorizationEnv", "PATH", "webhook.port", "0"));
        assertThatThrownBy(() -> new TalkTalkConnectorFactory().validate(s))
            .hasMessageContaining("'tenant'").hasMessageContaining("webhook.port");
        s.put("tenant", "demo");
        s.put("webhook.tlsCertFile", "/nonexistent.pem");
        assertThatThrownBy(() -> new TalkTalkConnectorFactory().validate(s))
            .hasMessageContaining("webhook.tlsKeyFile");
        s.put("webhook.tlsKeyFile", "/nonexistent-key.pem");
        assertThatThrownBy(() -> new TalkTalkConnectorFactory().validate(s))
            .hasMessageContaining("webhook.tlsCertFile").hasMessageContaining("/nonexistent.pem");
    }
}
