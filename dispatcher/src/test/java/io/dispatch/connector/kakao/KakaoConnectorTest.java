package io.dispatch.connector.kakao;

import io.dispatch.connector.CapturingLane;
import io.dispatch.connector.CapturingLane.Event;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.json.Json;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The kakao connector against {@link KakaoRelayPeer} over loopback: request shapes, result codes, webhooks. */
@Timeout(120)
class KakaoConnectorTest
{
    static final String APP_KEY = "appKey123";
    static final String SECRET = "s3cret-key";
    static final String SENDER_KEY = "0123456789abcdef0123456789abcdef01234567";
    static final String SIGNATURE = "hook-signature";

    @TempDir
    Path dir;

    private KakaoRelayPeer peer;
    private KakaoConnector connector;
    private final CapturingLane lane = new CapturingLane(ChannelType.CHAT);

    @BeforeEach
    void startPeer() throws Exception
    {
        peer = new KakaoRelayPeer(APP_KEY, SECRET, SENDER_KEY);
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

    static Map<String, String> settings(final KakaoRelayPeer peer, final Path dir) throws Exception
    {
        final Path secret = Files.writeString(dir.resolve("kakao.secret"), SECRET + "\n");
        final Path signature = Files.writeString(dir.resolve("kakao.signature"), SIGNATURE);
        final Map<String, String> s = new HashMap<>();
        s.put("baseUrl", peer.baseUrl());
        s.put("appKey", APP_KEY);
        s.put("senderKey", SENDER_KEY);
        s.put("secretKeyFile", secret.toString());
        s.put("webhook.port", "0");
        s.put("webhook.signatureFile", signature.toString());
        s.put("requestTimeoutMs", "20000");
        return s;
    }

    private void start(final Map<String, String> extra) throws Exception
    {
        final Map<String, String> s = settings(peer, dir);
        s.putAll(extra);
        connector = (KakaoConnector)new KakaoConnectorFactory().create(s);
        connector.start(lane.dataDir(dir.resolve("connector")));
        peer.webhookTarget(URI.create("http://127.0.0.1:" + connector.webhookPort() + "/kakao/webhook"), SIGNATURE);
    }

    private static DeliveryRequest alimtalk(final long id, final String to)
    {
        return CapturingLane.request(id, MessageKind.INFORMATIONAL, to, "order-shipped", null,
            Map.of("shop", "가게", "tracking", "123-45"));
    }

    @Test
    void shouldSendAlimTalkTemplateAndReportDeliveredFromTheWebhook() throws Exception
    {
        start(Map.of());
        lane.send(connector, alimtalk(101, "010-1234-5678"));

        assertThat(lane.next()).isEqualTo(new Event("ACCEPTED", 101, Reason.NONE, 0, null));
        assertThat(lane.next()).isEqualTo(new Event("RECEIPT", 101, Reason.NONE, 0, DeliveryState.DELIVERED));

        final KakaoRelayPeer.Received sent = peer.received().get(0);
        assertThat(sent.path()).isEqualTo("/alimtalk/v2.3/appkeys/" + APP_KEY + "/messages");
        assertThat(sent.headers()).containsEntry("X-Secret-Key", SECRET).containsEntry("X-NC-API-IDEMPOTENCY-KEY", "101");
        assertThat(Json.member(sent.body(), "templateCode")).isEqualTo("order-shipped");
        assertThat(Json.member(sent.body(), "senderGroupingKey")).isEqualTo("demo");
        final Object recipient = ((List<?>)Json.member(sent.body(), "recipientList")).get(0);
        assertThat(Json.member(recipient, "recipientNo")).isEqualTo("01012345678");
        assertThat(Json.member(recipient, "recipientGroupingKey")).isEqualTo("101");
        assertThat(Json.member(recipient, "templateParameter")).isEqualTo(Map.of("shop", "가게", "tracking", "123-45"));
        assertThat(Json.member(recipient, "resendParameter")).isEqualTo(Map.of("isResend", false));
        awaitWebhooks(1);
        assertThat(peer.webhookStatuses()).containsExactly(200);
    }

    @Test
    void shouldSendAuthMessagesToTheAuthPool() throws Exception
    {
        start(Map.of());
        lane.send(connector, CapturingLane.request(7, MessageKind.AUTH, "01012345678", "otp", null, Map.of("code", "482913")));

        assertThat(lane.next().kind()).isEqualTo("ACCEPTED");
        assertThat(peer.received().get(0).path()).isEqualTo("/alimtalk/v2.3/appkeys/" + APP_KEY + "/auth/messages");
    }

    @Test
    void shouldSendMarketingAsBrandMessageWithRelayFallbackWhenEnabled() throws Exception
    {
        start(Map.of("resend.enabled", "true", "resend.type", "LMS", "resend.sendNo", "0212345678",
            "resend.unsubscribeNo", "0801234567", "brand.targeting", "M"));
        lane.send(connector, CapturingLane.request(9, MessageKind.MARKETING, "01012345678", null,
            "(광고) 주말 특가\n무료수신거부 0801234567", Map.of()));

        assertThat(lane.next().kind()).isEqualTo("ACCEPTED");
        final KakaoRelayPeer.Received sent = peer.received().get(0);
        assertThat(sent.path()).isEqualTo("/brand-message/v1.0/appkeys/" + APP_KEY + "/freestyle-messages");
        assertThat(Json.member(sent.body(), "chatBubbleType")).isEqualTo("TEXT");
        assertThat(Json.member(sent.body(), "content")).isEqualTo("(광고) 주말 특가\n무료수신거부 0801234567");
        final Object recipient = ((List<?>)Json.member(sent.body(), "recipientList")).get(0);
        assertThat(Json.member(recipient, "targeting")).isEqualTo("M");
        assertThat(Json.member(recipient, "resendParameter")).isEqualTo(Map.of("isResend", true, "resendType", "LMS",
            "resendSendNo", "0212345678", "resendUnsubscribeNo", "0801234567"));
    }

    @ParameterizedTest
    @CsvSource({
        "3018, NOT_CHANNEL_USER", "3019, NOT_CHANNEL_USER", "3020, RECIPIENT_BLOCKED", "3022, OUTSIDE_SEND_WINDOW",
        "3016, TEMPLATE_MISMATCH", "3008, INVALID_RECIPIENT", "1003, PROVIDER_AUTH_FAILED", "4321, PROVIDER_ERROR"})
    void shouldRejectWithTheMappedReasonWhenTheSendAnswerCarriesACode(final int code, final Reason reason) throws Exception
    {
        start(Map.of());
        lane.send(connector, alimtalk(5, "0990" + code));

        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 5, reason, 0, null));
        assertThat(lane.poll(100)).isNull();
    }

    @Test
    void shouldTreatSystemErrorsAndQuotaCodesAsTransient() throws Exception
    {
        start(Map.of());
        lane.send(connector, alimtalk(1, "09909999"));
        assertThat(lane.next()).isEqualTo(new Event("FAILED", 1, Reason.PROVIDER_UNAVAILABLE, 0, null));
        lane.send(connector, alimtalk(2, "09904156"));
        assertThat(lane.next()).isEqualTo(new Event("FAILED", 2, Reason.PROVIDER_THROTTLED, 0, null));
    }

    @Test
    void shouldAcceptWithoutReceiptWhenKakaoHasNotConfirmed3005() throws Exception
    {
        start(Map.of());
        lane.send(connector, alimtalk(11, "09903005"));
        lane.send(connector, alimtalk(12, "09913005"));

        final List<Event> events = List.of(lane.next(), lane.next());
        assertThat(events).extracting(Event::kind).containsOnly("ACCEPTED");
        awaitWebhooks(1);
        assertThat(lane.poll(200)).as("3005 is neither delivered nor failed").isNull();
        assertThat(connector.webhookUnconfirmed()).isEqualTo(1);
    }

    @Test
    void shouldReportFailedReceiptsWithTheMappedReasonFromTheWebhook() throws Exception
    {
        start(Map.of());
        lane.send(connector, alimtalk(21, "09913018"));
        lane.send(connector, alimtalk(22, "09913020"));

        final Map<Long, Event> receipts = new HashMap<>();
        for (int i = 0; i < 4; i++)
        {
            final Event e = lane.next();
            if (e.kind().equals("RECEIPT"))
            {
                receipts.put(e.messageId(), e);
            }
        }
        assertThat(receipts.get(21L)).isEqualTo(new Event("RECEIPT", 21, Reason.NOT_CHANNEL_USER, 0, DeliveryState.FAILED));
        assertThat(receipts.get(22L)).isEqualTo(new Event("RECEIPT", 22, Reason.RECIPIENT_BLOCKED, 0, DeliveryState.FAILED));
    }

    @Test
    void shouldMapResultsByRequestIdAndSequenceWhenHooksLackTheGroupingKey() throws Exception
    {
        start(Map.of());
        peer.groupingKeyInHooks(false).webhookDelayMs(50);
        lane.send(connector, alimtalk(31, "01012345678"));

        assertThat(lane.next().kind()).isEqualTo("ACCEPTED");
        assertThat(lane.next()).isEqualTo(new Event("RECEIPT", 31, Reason.NONE, 0, DeliveryState.DELIVERED));
    }

    @Test
    void shouldHoldAResultThatOvertakesTheSendAnswer() throws Exception
    {
        start(Map.of());
        peer.webhookDelayMs(0);
        for (int i = 0; i < 50; i++)
        {
            lane.send(connector, alimtalk(1000 + i, "01012345678"));
        }
        final Map<Long, String> last = new HashMap<>();
        for (int i = 0; i < 100; i++)
        {
            final Event e = lane.next();
            assertThat(last.get(e.messageId())).as("order for %d", e.messageId()).isEqualTo(
                e.kind().equals("RECEIPT") ? "ACCEPTED" : null);
            last.put(e.messageId(), e.kind());
        }
    }

    @Test
    void shouldPassThrottlingWithRetryAfterAndUnavailability() throws Exception
    {
        start(Map.of());
        peer.throttleNext(1, 429, "2");
        lane.send(connector, alimtalk(41, "01012345678"));
        assertThat(lane.next()).isEqualTo(new Event("FAILED", 41, Reason.PROVIDER_THROTTLED, 2000, null));

        peer.throttleNext(1, 503, null);
        lane.send(connector, alimtalk(42, "01012345678"));
        assertThat(lane.next()).isEqualTo(new Event("FAILED", 42, Reason.PROVIDER_UNAVAILABLE, 0, null));
    }

    @Test
    void shouldCountARepeatedIdempotencyKeyAsAccepted() throws Exception
    {
        start(Map.of());
        lane.send(connector, alimtalk(51, "01012345678"));
        assertThat(lane.next().kind()).isEqualTo("ACCEPTED");
        lane.send(connector, alimtalk(51, "01012345678"));

        Event e = lane.next();
        while (e.kind().equals("RECEIPT"))
        {
            e = lane.next();
        }
        assertThat(e).isEqualTo(new Event("ACCEPTED", 51, Reason.NONE, 0, null));
        assertThat(peer.accepted()).as("the relay sent it once").isEqualTo(1);
    }

    @Test
    void shouldFailWithTimeoutWhenTheRelayDoesNotAnswer() throws Exception
    {
        start(Map.of("requestTimeoutMs", "200"));
        peer.stallNext(1);
        lane.send(connector, alimtalk(61, "01012345678"));
        assertThat(lane.next()).isEqualTo(new Event("FAILED", 61, Reason.PROVIDER_TIMEOUT, 0, null));

        // the next sends work on a fresh connection; on a loaded box one may still exceed 200 ms, so allow a few
        Event next = null;
        for (int i = 0; i < 10 && (next == null || !next.kind().equals("ACCEPTED")); i++)
        {
            lane.send(connector, alimtalk(62 + i, "01012345678"));
            next = lane.next();
            assertThat(next.kind().equals("ACCEPTED") || next.reason() == Reason.PROVIDER_TIMEOUT).as("%s", next).isTrue();
        }
        assertThat(next.kind()).isEqualTo("ACCEPTED");
    }

    @Test
    void shouldFailTransientlyWhenTheRelayIsDown() throws Exception
    {
        final Map<String, String> s = settings(peer, dir);
        peer.close();
        s.put("baseUrl", "http://127.0.0.1:1");
        connector = (KakaoConnector)new KakaoConnectorFactory().create(s);
        connector.start(lane.dataDir(dir.resolve("connector")));
        lane.send(connector, alimtalk(71, "01012345678"));
        assertThat(lane.next()).isEqualTo(new Event("FAILED", 71, Reason.PROVIDER_UNAVAILABLE, 0, null));
        peer = new KakaoRelayPeer(APP_KEY, SECRET, SENDER_KEY);
    }

    @Test
    void shouldRejectWithAuthFailureWhenTheSecretIsWrong() throws Exception
    {
        start(Map.of());
        final Path wrong = Files.writeString(dir.resolve("wrong.secret"), "nope");
        connector.stop();
        final Map<String, String> s = settings(peer, dir);
        s.put("secretKeyFile", wrong.toString());
        connector = (KakaoConnector)new KakaoConnectorFactory().create(s);
        connector.start(lane.dataDir(dir.resolve("connector")));
        lane.send(connector, alimtalk(81, "01012345678"));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 81, Reason.PROVIDER_AUTH_FAILED, 0, null));
    }

    @Test
    void shouldRefuseLocallyWhatTheRelayWouldRefuse() throws Exception
    {
        start(Map.of());
        lane.send(connector, CapturingLane.request(91, MessageKind.INFORMATIONAL, "01012345678", null, "free text", Map.of()));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 91, Reason.TEMPLATE_MISMATCH, 0, null));
        lane.send(connector, alimtalk(92, "user@example.com"));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 92, Reason.INVALID_RECIPIENT, 0, null));
        lane.send(connector, CapturingLane.request(93, MessageKind.MARKETING, "01012345678", null, "x".repeat(1301), Map.of()));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 93, Reason.PAYLOAD_TOO_LARGE, 0, null));
        assertThat(peer.received()).isEmpty();
    }

    @Test
    void shouldRefuseWebhooksWithABadSignatureOrShape() throws Exception
    {
        start(Map.of());
        final HttpClient client = HttpClient.newHttpClient();
        final URI uri = URI.create("http://127.0.0.1:" + connector.webhookPort() + "/kakao/webhook");
        final String good = "{\"event\":\"MESSAGE_RESULT_UPDATE\",\"hooks\":[{\"recipientGroupingKey\":\"5\",\"resultCode\":\"1000\"}]}";

        assertThat(post(client, uri, "wrong", good)).isEqualTo(401);
        assertThat(post(client, uri, SIGNATURE, "{not json")).isEqualTo(400);
        assertThat(post(client, uri, SIGNATURE, "{\"event\":\"MESSAGE_RESULT_UPDATE\",\"hooks\":[{\"resultCode\":\"1000\"}]}"))
            .isEqualTo(400);
        assertThat(post(client, URI.create(uri + "x"), SIGNATURE, good)).isEqualTo(404);
        assertThat(post(client, uri, SIGNATURE, "{\"event\":\"TEMPLATE_STATUS_UPDATE\",\"hooks\":[]}")).isEqualTo(200);
        assertThat(lane.poll(100)).isNull();
        assertThat(connector.webhookRefused()).isEqualTo(4);

        assertThat(post(client, uri, SIGNATURE, good)).isEqualTo(200);
        assertThat(lane.next()).as("a result for a message of an earlier run still reaches the lane")
            .isEqualTo(new Event("RECEIPT", 5, Reason.NONE, 0, DeliveryState.DELIVERED));
    }

    private static int post(final HttpClient client, final URI uri, final String signature, final String body) throws Exception
    {
        return client.send(HttpRequest.newBuilder(uri).header("X-Toast-Webhook-Signature", signature)
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private void awaitWebhooks(final int count) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + 5_000;
        while (peer.webhookStatuses().size() < count && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(10);
        }
        assertThat(peer.webhookStatuses()).hasSize(count);
    }
}
