package io.dispatch.connector.smsrelay;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.connector.CapturingLane;
import io.dispatch.connector.CapturingLane.Event;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.json.Json;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.JumpClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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

/** The smsrelay connector against {@link SmsRelayPeer} over loopback: type choice, limits, result codes, receipts. */
@Timeout(120)
class SmsRelayConnectorTest
{
    static final String APP_KEY = "smsApp1";
    static final String SECRET = "sms-s3cret";
    static final String SEND_NO = "0212345678";
    static final String SIGNATURE = "hook-signature";
    static final String AD = "(광고) 주말 특가 30% 할인\n무료수신거부 080-123-4567";

    @TempDir
    Path dir;

    private SmsRelayPeer peer;
    private SmsRelayConnector connector;
    private final CapturingLane lane = new CapturingLane(ChannelType.SMS);

    @BeforeEach
    void startPeer() throws Exception
    {
        peer = new SmsRelayPeer(APP_KEY, SECRET, SEND_NO);
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

    static Map<String, String> settings(final SmsRelayPeer peer, final Path dir) throws Exception
    {
        final Path secret = Files.writeString(dir.resolve("sms.secret"), SECRET + "\n");
        final Path signature = Files.writeString(dir.resolve("sms.signature"), SIGNATURE);
        final Map<String, String> s = new HashMap<>();
        s.put("baseUrl", peer.baseUrl());
        s.put("appKey", APP_KEY);
        s.put("sendNo", "02-1234-5678");
        s.put("secretKeyFile", secret.toString());
        s.put("webhook.port", "0");
        s.put("webhook.signatureFile", signature.toString());
        s.put("requestTimeoutMs", "20000");
        s.put("images.dir", dir.resolve("images").toString());
        return s;
    }

    private void start(final Map<String, String> extra) throws Exception
    {
        final Map<String, String> s = settings(peer, dir);
        s.putAll(extra);
        connector = (SmsRelayConnector)new SmsRelayConnectorFactory().create(s);
        connector.start(lane);
        peer.webhookTarget(URI.create("http://127.0.0.1:" + connector.webhookPort() + "/sms/webhook"), SIGNATURE);
    }

    static DeliveryRequest request(final long id, final int attempt, final MessageKind kind, final String to,
        final String text, final Map<String, String> vars)
    {
        final ByteBuf b = Unpooled.buffer();
        final int n = ByteBufFrames.submitBody(b, kind, ChannelType.SMS, 0, "", to, "", text, vars);
        final byte[] body = new byte[n];
        b.getBytes(0, body);
        final DeliveryRequest request = new DeliveryRequest((int)(id & 0xFFFF));
        request.fill(id, attempt, "demo", kind, ChannelType.SMS, System.currentTimeMillis(), Long.MAX_VALUE, body, n);
        return request;
    }

    static DeliveryRequest sms(final long id, final String to, final String text)
    {
        return request(id, 1, MessageKind.INFORMATIONAL, to, text, Map.of());
    }

    private static Object recipient(final SmsRelayPeer.Received r)
    {
        return ((List<?>)Json.member(r.body(), "recipientList")).get(0);
    }

    @Test
    void shouldSendShortTextAsSmsAndReportDeliveredFromTheWebhook() throws Exception
    {
        start(Map.of());
        lane.send(connector, sms(101, "010-1234-5678", "주문하신 상품이 발송되었습니다. 송장 123-45"));

        assertThat(lane.next()).isEqualTo(new Event("ACCEPTED", 101, Reason.NONE, 0, null));
        assertThat(lane.next()).isEqualTo(new Event("RECEIPT", 101, Reason.NONE, 0, DeliveryState.DELIVERED));
        final SmsRelayPeer.Received sent = peer.sends().get(0);
        assertThat(sent.path()).isEqualTo("/sms/v3.0/appKeys/" + APP_KEY + "/sender/sms");
        assertThat(sent.headers()).containsEntry("X-Secret-Key", SECRET);
        assertThat(Json.member(sent.body(), "sendNo")).isEqualTo(SEND_NO);
        assertThat(Json.member(sent.body(), "title")).isNull();
        assertThat(Json.member(recipient(sent), "recipientNo")).isEqualTo("01012345678");
        assertThat(Json.member(recipient(sent), "recipientGroupingKey")).isEqualTo("101");
        assertThat(connector.sent(SmsType.SMS)).isEqualTo(1);
    }

    @Test
    void shouldSendTextOver90EucKrBytesAsLmsWithItsTitle() throws Exception
    {
        start(Map.of());
        final String body = "가".repeat(46); // 92 bytes in EUC-KR, 46 characters
        lane.send(connector, request(7, 1, MessageKind.INFORMATIONAL, "01012345678", body, Map.of("sms.title", "배송 안내")));
        lane.send(connector, sms(8, "01012345678", "첫 줄이 제목이 됩니다\n" + "나".repeat(45)));

        assertThat(List.of(lane.next().kind(), lane.next().kind(), lane.next().kind(), lane.next().kind()))
            .containsOnly("ACCEPTED", "RECEIPT");
        final List<SmsRelayPeer.Received> sends = peer.sends();
        assertThat(sends).extracting(SmsRelayPeer.Received::path).containsOnly("/sms/v3.0/appKeys/" + APP_KEY + "/sender/mms");
        final Map<Object, Object> titles = new HashMap<>();
        sends.forEach(s -> titles.put(Json.member(recipient(s), "recipientGroupingKey"), Json.member(s.body(), "title")));
        assertThat(titles).containsEntry("7", "배송 안내").containsEntry("8", "첫 줄이 제목이 됩니다");
        assertThat(connector.sent(SmsType.LMS)).isEqualTo(2);
        assertThat(connector.sent(SmsType.SMS)).isZero();
    }

    @Test
    void shouldSplitLongTextIntoSmsPartsForATenantThatChoseSplitAndReportOneReceipt() throws Exception
    {
        start(Map.of("longText.demo", "split"));
        final String body = "가".repeat(45) + "나".repeat(45) + "end";
        lane.send(connector, sms(9, "01012345678", body));

        assertThat(lane.next()).isEqualTo(new Event("ACCEPTED", 9, Reason.NONE, 0, null));
        assertThat(lane.next()).isEqualTo(new Event("RECEIPT", 9, Reason.NONE, 0, DeliveryState.DELIVERED));
        final List<SmsRelayPeer.Received> sends = peer.sends();
        assertThat(sends).extracting(s -> Json.member(s.body(), "body"))
            .containsExactly("가".repeat(45), "나".repeat(45), "end");
        assertThat(sends).extracting(s -> Json.member(recipient(s), "recipientGroupingKey"))
            .containsExactly("9:1/3", "9:2/3", "9:3/3");
        assertThat(connector.sent(SmsType.SMS)).isEqualTo(3);
        assertThat(lane.poll(300)).as("one receipt per message, not per part").isNull();
    }

    @Test
    void shouldResumeASplitMessageAfterTheFirstPartNotTakenWithoutResendingTheOthers() throws Exception
    {
        start(Map.of("longText.demo", "split"));
        final String body = "가".repeat(45) + "나".repeat(45) + "end";
        peer.throttleAfter(1, 1, 429, "1");   // part 1 is taken, part 2 is throttled
        lane.send(connector, sms(9, "01012345678", body));
        assertThat(nextOutcome(9)).isEqualTo(new Event("FAILED", 9, Reason.PROVIDER_THROTTLED, 1_000, null));

        lane.send(connector, request(9, 2, MessageKind.INFORMATIONAL, "01012345678", body, Map.of()));
        assertThat(nextOutcome(9)).isEqualTo(new Event("ACCEPTED", 9, Reason.NONE, 0, null));
        assertThat(peer.accepted()).isEqualTo(3);
        final List<Object> taken = peer.sends().stream().map(s -> Json.member(recipient(s), "recipientGroupingKey")).toList();
        assertThat(taken).as("part 1 once; part 2 throttled, then sent").containsExactly("9:1/3", "9:2/3", "9:2/3", "9:3/3");
        assertThat(connector.lookupsFound()).isEqualTo(1);
    }

    @Test
    void shouldRefuseWhatNoRelayCanSendWithoutARequest() throws Exception
    {
        start(Map.of("longText.demo", "split", "split.maxParts", "2", "longText.other", "lms"));
        lane.send(connector, sms(1, "01012345678", "가".repeat(1001)));                 // 2,002 bytes
        lane.send(connector, sms(2, "01012345678", "이모지 😀"));                        // not EUC-KR
        lane.send(connector, request(3, 1, MessageKind.MARKETING, "01012345678", "나".repeat(60),
            Map.of("sms.title", "제".repeat(21))));                                     // title 42 bytes
        lane.send(connector, sms(4, "01012345678", "다".repeat(136)));                 // 3 parts > split.maxParts
        lane.send(connector, sms(5, "+82 10 1234", "hello"));                          // not a number
        lane.send(connector, request(6, 1, MessageKind.INFORMATIONAL, "01012345678", "사진",
            Map.of("sms.images", "a,b,c,d")));                                          // more than 3 images

        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 1, Reason.PAYLOAD_TOO_LARGE, 0, null));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 2, Reason.CONTENT_REJECTED, 0, null));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 3, Reason.PAYLOAD_TOO_LARGE, 0, null));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 4, Reason.PAYLOAD_TOO_LARGE, 0, null));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 5, Reason.INVALID_RECIPIENT, 0, null));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 6, Reason.CONTENT_REJECTED, 0, null));
        assertThat(peer.received()).isEmpty();
    }

    @Test
    void shouldSendMarketingToTheAdEndpointsWhereThePeerEnforcesTheMarking() throws Exception
    {
        start(Map.of());
        lane.send(connector, request(11, 1, MessageKind.MARKETING, "01012345678", AD, Map.of()));
        lane.send(connector, request(12, 1, MessageKind.MARKETING, "01012345678", AD + "\n" + "쿠".repeat(40), Map.of()));
        lane.send(connector, request(13, 1, MessageKind.MARKETING, "01012345678", "주말 특가", Map.of()));
        lane.send(connector, request(14, 1, MessageKind.AUTH, "01012345678", "[Shop] 인증번호 482913", Map.of()));

        final Map<Long, Event> outcomes = outcomes(4);
        assertThat(outcomes.get(11L).kind()).isEqualTo("ACCEPTED");
        assertThat(outcomes.get(12L).kind()).isEqualTo("ACCEPTED");
        assertThat(outcomes.get(13L)).isEqualTo(new Event("REJECTED", 13, Reason.AD_MARKING_MISSING, 0, null));
        assertThat(outcomes.get(14L).kind()).isEqualTo("ACCEPTED");
        assertThat(peer.sends()).extracting(r -> r.path().substring(r.path().indexOf("/sender/")))
            .containsExactlyInAnyOrder("/sender/ad-sms", "/sender/ad-mms", "/sender/ad-sms", "/sender/auth/sms");
    }

    @Test
    void shouldUploadARegisteredImageOnceAndSendMms() throws Exception
    {
        final Path images = Files.createDirectories(dir.resolve("images").resolve("demo"));
        Files.write(images.resolve("banner.jpg"), jpeg(2048));
        Files.write(images.resolve("big.jpg"), jpeg(300 * 1024 + 1));
        start(Map.of());
        lane.send(connector, request(21, 1, MessageKind.INFORMATIONAL, "01012345678", "신상품 안내",
            Map.of("sms.images", "banner", "sms.title", "신상품")));
        assertThat(lane.next()).isEqualTo(new Event("ACCEPTED", 21, Reason.NONE, 0, null));
        lane.send(connector, request(22, 1, MessageKind.INFORMATIONAL, "01012345678", "두 번째", Map.of("sms.images", "banner")));
        assertThat(nextOutcome(22)).isEqualTo(new Event("ACCEPTED", 22, Reason.NONE, 0, null));
        lane.send(connector, request(23, 1, MessageKind.INFORMATIONAL, "01012345678", "없는 그림", Map.of("sms.images", "missing")));
        assertThat(nextOutcome(23)).isEqualTo(new Event("REJECTED", 23, Reason.CONTENT_REJECTED, 0, null));
        lane.send(connector, request(24, 1, MessageKind.INFORMATIONAL, "01012345678", "큰 그림", Map.of("sms.images", "big")));
        assertThat(nextOutcome(24)).isEqualTo(new Event("REJECTED", 24, Reason.CONTENT_REJECTED, 0, null));
        lane.send(connector, request(25, 1, MessageKind.INFORMATIONAL, "01012345678", "경로",
            Map.of("sms.images", "file:" + images.resolve("banner.jpg"))));
        assertThat(nextOutcome(25)).as("paths need images.allowedDir").isEqualTo(new Event("REJECTED", 25, Reason.CONTENT_REJECTED, 0, null));

        assertThat(connector.uploads()).isEqualTo(1);
        assertThat(connector.sent(SmsType.MMS)).isEqualTo(2);
        final List<SmsRelayPeer.Received> sends = peer.sends();
        assertThat(sends).extracting(SmsRelayPeer.Received::path).containsOnly("/sms/v3.0/appKeys/" + APP_KEY + "/sender/mms");
        assertThat(Json.member(sends.get(1).body(), "attachFileIdList")).isEqualTo(Json.member(sends.get(0).body(), "attachFileIdList"));
        assertThat(Json.member(sends.get(1).body(), "title")).as("derived from the text").isEqualTo("두 번째");

        // the relay expires its copy: the send fails transiently, and the retry uploads again
        peer.expireAttachments();
        lane.send(connector, request(26, 1, MessageKind.INFORMATIONAL, "01012345678", "만료", Map.of("sms.images", "banner")));
        assertThat(nextOutcome(26)).isEqualTo(new Event("FAILED", 26, Reason.PROVIDER_UNAVAILABLE, 0, null));
        lane.send(connector, request(26, 2, MessageKind.INFORMATIONAL, "01012345678", "만료", Map.of("sms.images", "banner")));
        assertThat(nextOutcome(26)).isEqualTo(new Event("ACCEPTED", 26, Reason.NONE, 0, null));
        assertThat(connector.uploads()).isEqualTo(2);
    }

    @ParameterizedTest(name = "send answer {0} -> {1} {2}")
    @CsvSource({
        "09906001, REJECTED, OPTED_OUT",
        "09902019, REJECTED, INVALID_RECIPIENT",
        "09902015, REJECTED, PAYLOAD_TOO_LARGE",
        "09901004, REJECTED, PROVIDER_AUTH_FAILED",
        "09902313, REJECTED, PROVIDER_AUTH_FAILED",
        "09902023, REJECTED, CONTENT_REJECTED",
        "09909999, FAILED, PROVIDER_UNAVAILABLE",
        "09902021, FAILED, PROVIDER_UNAVAILABLE",
        "09904321, REJECTED, PROVIDER_ERROR"})
    void shouldMapTheRelaysSendAnswerCodes(final String to, final String kind, final Reason reason) throws Exception
    {
        start(Map.of());
        lane.send(connector, sms(31, to, "안내"));
        assertThat(lane.next()).isEqualTo(new Event(kind, 31, reason, 0, null));
    }

    @ParameterizedTest(name = "carrier result {0} -> {1} {2}")
    @CsvSource({
        "09913006, FAILED, RECIPIENT_BLOCKED",
        "09913003, FAILED, INVALID_RECIPIENT",
        "09913012, FAILED, CONTENT_REJECTED",
        "09913018, FAILED, PROVIDER_AUTH_FAILED",
        "09912003, FAILED, UNDELIVERABLE",
        "09912000, EXPIRED, RECEIPT_TIMEOUT"})
    void shouldMapCarrierResultsFromTheWebhook(final String to, final DeliveryState state, final Reason reason) throws Exception
    {
        start(Map.of());
        lane.send(connector, sms(32, to, "안내"));
        assertThat(lane.next().kind()).isEqualTo("ACCEPTED");
        assertThat(lane.next()).isEqualTo(new Event("RECEIPT", 32, reason, 0, state));
    }

    @Test
    void shouldRefuseAWrongSenderNumberOrSecretAsAuthFailures() throws Exception
    {
        final Map<String, String> s = settings(peer, dir);
        s.put("sendNo", "0299999999");
        connector = (SmsRelayConnector)new SmsRelayConnectorFactory().create(s);
        connector.start(lane);
        lane.send(connector, sms(41, "01012345678", "안내"));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 41, Reason.PROVIDER_AUTH_FAILED, 0, null));
        connector.stop();

        Files.writeString(dir.resolve("sms.secret"), "wrong");
        s.put("sendNo", SEND_NO);
        connector = (SmsRelayConnector)new SmsRelayConnectorFactory().create(s);
        connector.start(lane);
        lane.send(connector, sms(42, "01012345678", "안내"));
        assertThat(lane.next()).isEqualTo(new Event("REJECTED", 42, Reason.PROVIDER_AUTH_FAILED, 0, null));
    }

    @Test
    void shouldPassThrottlingOnWithRetryAfter() throws Exception
    {
        start(Map.of());
        peer.throttleNext(1, 429, "7");
        lane.send(connector, sms(51, "01012345678", "안내"));
        assertThat(lane.next()).isEqualTo(new Event("FAILED", 51, Reason.PROVIDER_THROTTLED, 7_000, null));
        peer.throttleNext(1, 503, null);
        lane.send(connector, sms(52, "01012345678", "안내"));
        assertThat(lane.next()).isEqualTo(new Event("FAILED", 52, Reason.PROVIDER_UNAVAILABLE, 0, null));
        assertThat(peer.accepted()).isZero();
    }

    @Test
    void shouldReportAHangingPeerAsUncertainAndNeverResendWhatTheRelayTook() throws Exception
    {
        // long enough that only the stalled requests time out, even on a busy machine
        start(Map.of("requestTimeoutMs", "3000"));
        // the relay takes the message but its answer never comes
        peer.stallAfterAccepting(1);
        lane.send(connector, sms(61, "01012345678", "안내"));
        assertThat(nextOutcome(61)).isEqualTo(new Event("FAILED", 61, Reason.PROVIDER_TIMEOUT, 0, null));
        // the runtime retries: the connector asks first, finds it, and does not send again
        lane.send(connector, request(61, 2, MessageKind.INFORMATIONAL, "01012345678", "안내", Map.of()));
        assertThat(nextOutcome(61)).isEqualTo(new Event("ACCEPTED", 61, Reason.NONE, 0, null));
        assertThat(lane.next()).as("the look-up carried the relay's result").isEqualTo(
            new Event("RECEIPT", 61, Reason.NONE, 0, DeliveryState.DELIVERED));
        assertThat(peer.sends()).hasSize(1);
        assertThat(connector.lookupsFound()).isEqualTo(1);

        // the relay hangs without taking it: the retry's look-up finds nothing, and it is sent
        peer.stallNext(1);
        lane.send(connector, sms(62, "01012345678", "안내"));
        assertThat(nextOutcome(62)).isEqualTo(new Event("FAILED", 62, Reason.PROVIDER_TIMEOUT, 0, null));
        lane.send(connector, request(62, 2, MessageKind.INFORMATIONAL, "01012345678", "안내", Map.of()));
        assertThat(nextOutcome(62)).isEqualTo(new Event("ACCEPTED", 62, Reason.NONE, 0, null));
        assertThat(peer.sends()).hasSize(3).extracting(r -> Json.member(recipient(r), "recipientGroupingKey"))
            .containsExactly("61", "62", "62");
        assertThat(peer.accepted()).isEqualTo(2);
    }

    @Test
    void shouldEndEachTypeAfterItsOwnReceiptTimeout() throws Exception
    {
        final JumpClock clock = new JumpClock(System.currentTimeMillis());
        lane.clock(clock);
        final Map<String, String> s = settings(peer, dir);
        s.remove("webhook.port");
        s.put("receiptTimeout.smsMs", "90000000");   // 25 h
        s.put("receiptTimeout.lmsMs", "288000000");  // 80 h
        connector = (SmsRelayConnector)new SmsRelayConnectorFactory().create(s);
        connector.start(lane);
        lane.send(connector, sms(71, "01012345678", "짧은 안내"));
        lane.send(connector, sms(72, "01012345678", "긴 안내 ".repeat(20)));
        assertThat(List.of(lane.next().kind(), lane.next().kind())).containsOnly("ACCEPTED");

        clock.jump(90_000_001);
        assertThat(lane.next()).isEqualTo(new Event("RECEIPT", 71, Reason.RECEIPT_TIMEOUT, 0, DeliveryState.EXPIRED));
        clock.jump(288_000_000 - 90_000_000);
        assertThat(lane.next()).isEqualTo(new Event("RECEIPT", 72, Reason.RECEIPT_TIMEOUT, 0, DeliveryState.EXPIRED));
    }

    @Test
    void shouldRefuseWebhookCallsWithoutTheSignature() throws Exception
    {
        start(Map.of());
        final HttpClient client = HttpClient.newHttpClient();
        final URI hook = URI.create("http://127.0.0.1:" + connector.webhookPort() + "/sms/webhook");
        final String body = "{\"event\":\"MESSAGE_RESULT_UPDATE\",\"hooks\":[{\"recipientGroupingKey\":\"1\",\"resultCode\":\"1000\"}]}";
        final HttpResponse<String> unsigned = client.send(HttpRequest.newBuilder(hook)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        final HttpResponse<String> malformed = client.send(HttpRequest.newBuilder(hook)
            .header("X-Toast-Webhook-Signature", SIGNATURE)
            .POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"MESSAGE_RESULT_UPDATE\",\"hooks\":[{\"resultCode\":\"1000\"}]}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(lane.poll(200)).isNull();
    }

    static byte[] jpeg(final int size)
    {
        final byte[] b = new byte[size];
        b[0] = (byte)0xFF;
        b[1] = (byte)0xD8;
        b[2] = (byte)0xFF;
        return b;
    }

    /** @return the next callback (not receipt) for the message, skipping receipts of earlier ones. */
    private Event nextOutcome(final long id) throws InterruptedException
    {
        while (true)
        {
            final Event e = lane.next();
            if (e.messageId() == id && !e.kind().equals("RECEIPT"))
            {
                return e;
            }
        }
    }

    private Map<Long, Event> outcomes(final int count) throws InterruptedException
    {
        final Map<Long, Event> out = new HashMap<>();
        while (out.size() < count)
        {
            final Event e = lane.next();
            if (!e.kind().equals("RECEIPT"))
            {
                out.put(e.messageId(), e);
            }
        }
        return out;
    }
}
