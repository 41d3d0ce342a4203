package io.dispatch.connector.kakao;

import io.dispatch.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The test relay refuses malformed sends as NHN documents them, so connector tests against it mean something. */
@Timeout(30)
class KakaoRelayPeerTest
{
    private static final String SENDER = KakaoConnectorTest.SENDER_KEY;
    private final HttpClient client = HttpClient.newHttpClient();
    private KakaoRelayPeer peer;

    @BeforeEach
    void start() throws Exception
    {
        peer = new KakaoRelayPeer("app", "secret", SENDER);
    }

    @AfterEach
    void stop()
    {
        peer.close();
    }

    private HttpResponse<String> post(final String path, final String secret, final String body) throws Exception
    {
        return client.send(HttpRequest.newBuilder(URI.create(peer.baseUrl() + path)).header("X-Secret-Key", secret)
            .header("Content-Type", "application/json;charset=UTF-8").POST(HttpRequest.BodyPublishers.ofString(body))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String alimtalk(final String sender, final String template, final String recipients)
    {
        return "{\"senderKey\":\"" + sender + "\",\"templateCode\":\"" + template + "\",\"recipientList\":" + recipients + "}";
    }

    @Test
    void shouldAcceptAWellFormedSendWithPerRecipientResults() throws Exception
    {
        final HttpResponse<String> r = post("/alimtalk/v2.3/appkeys/app/messages", "secret", alimtalk(SENDER, "t1",
            "[{\"recipientNo\":\"01012345678\"},{\"recipientNo\":\"09903018\"}]"));
        assertThat(r.statusCode()).isEqualTo(200);
        final Object json = Json.parse(r.body());
        assertThat(Json.member(Json.member(json, "header"), "isSuccessful")).isEqualTo(true);
        final var results = (java.util.List<?>)Json.member(Json.member(json, "message"), "sendResults");
        assertThat(results).extracting(x -> Json.member(x, "resultCode")).containsExactly(0L, 3018L);
        assertThat(results).extracting(x -> Json.member(x, "recipientSeq")).containsExactly(1L, 2L);
    }

    @Test
    void shouldRefuseMalformedSends() throws Exception
    {
        final String ok = "[{\"recipientNo\":\"01012345678\"}]";
        assertThat(post("/alimtalk/v2.3/appkeys/other/messages", "secret", alimtalk(SENDER, "t", ok)).statusCode()).isEqualTo(404);
        assertThat(post("/alimtalk/v2.3/appkeys/app/messages", "wrong", alimtalk(SENDER, "t", ok)).statusCode()).isEqualTo(401);
        assertThat(post("/alimtalk/v2.3/appkeys/app/messages", "secret", "{oops").statusCode()).isEqualTo(400);
        assertThat(post("/alimtalk/v2.3/appkeys/app/messages", "secret", alimtalk(SENDER, "", ok)).body())
            .contains("templateCode");
        assertThat(post("/alimtalk/v2.3/appkeys/app/messages", "secret", alimtalk(SENDER, "x".repeat(21), ok)).statusCode())
            .isEqualTo(400);
        assertThat(post("/alimtalk/v2.3/appkeys/app/messages", "secret", alimtalk("short", "t", ok)).body())
            .contains("senderKey");
        assertThat(post("/alimtalk/v2.3/appkeys/app/messages", "secret", alimtalk(SENDER, "t", "[]")).body())
            .contains("recipientList");
        assertThat(post("/alimtalk/v2.3/appkeys/app/messages", "secret",
            alimtalk(SENDER, "t", "[{\"recipientNo\":\"010-1234\"}]")).body()).contains("recipientNo");
        assertThat(post("/alimtalk/v2.3/appkeys/app/messages", "secret", alimtalk(SENDER, "t",
            "[{\"recipientNo\":\"010\",\"resendParameter\":{\"isResend\":true}}]")).body()).contains("resendSendNo");
        assertThat(post("/brand-message/v1.0/appkeys/app/freestyle-messages", "secret",
            "{\"senderKey\":\"" + SENDER + "\",\"chatBubbleType\":\"TEXT\",\"content\":\"" + "x".repeat(1301)
                + "\",\"recipientList\":" + ok + "}").body()).contains("content");
        assertThat(post("/alimtalk/v2.3/appkeys/app/messages", "secret", alimtalk("y".repeat(40), "t", ok)).body())
            .contains("\"resultCode\":1003");
        assertThat(peer.accepted()).isZero();
    }

    @Test
    void shouldAnswerARepeatedIdempotencyKeyWithMinus1005() throws Exception
    {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(peer.baseUrl() + "/alimtalk/v2.3/appkeys/app/messages"))
            .header("X-Secret-Key", "secret").header("X-NC-API-IDEMPOTENCY-KEY", "42")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(alimtalk(SENDER, "t", "[{\"recipientNo\":\"010\"}]"))).build();
        assertThat(client.send(request, HttpResponse.BodyHandlers.ofString()).body()).contains("\"isSuccessful\":true");
        assertThat(client.send(request, HttpResponse.BodyHandlers.ofString()).body()).contains("\"resultCode\":-1005");
    }
}
