package io.dispatch.connector.smsrelay;

import io.dispatch.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loopback relay refuses what NHN documents as refused, so connector tests against it mean something: limits the
 * connector checks before sending are checked here again, on raw requests.
 */
class SmsRelayPeerTest
{
    private static final String API = "/sms/v3.0/appKeys/app/";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final SmsRelayPeer peer;

    SmsRelayPeerTest() throws Exception
    {
        peer = new SmsRelayPeer("app", "secret", "0212345678");
    }

    @AfterEach
    void close()
    {
        peer.close();
    }

    private long code(final String path, final String body) throws Exception
    {
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(peer.baseUrl() + API + path))
            .header("X-Secret-Key", "secret").header("Content-Type", "application/json;charset=UTF-8")
            .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        return (Long)Json.member(Json.member(Json.parse(r.body()), "header"), "resultCode");
    }

    private static String send(final String extra, final String text)
    {
        return "{" + extra + "\"body\":\"" + text + "\",\"sendNo\":\"0212345678\",\"recipientList\":[{\"recipientNo\":\"01012345678\"}]}";
    }

    @Test
    void shouldEnforceTheDocumentedLimits() throws Exception
    {
        assertThat(code("sender/sms", send("", "가".repeat(45)))).isZero();
        assertThat(code("sender/sms", send("", "가".repeat(46)))).as("SMS over 90 bytes").isEqualTo(-2015);
        assertThat(code("sender/sms", send("", "😀"))).as("not EUC-KR").isEqualTo(-2023);
        assertThat(code("sender/mms", send("", "본문"))).as("LMS without title").isEqualTo(-2014);
        assertThat(code("sender/mms", send("\"title\":\"" + "제".repeat(21) + "\",", "본문"))).as("title over 40 bytes").isEqualTo(-2015);
        assertThat(code("sender/mms", send("\"title\":\"t\",", "가".repeat(1001)))).as("LMS over 2,000 bytes").isEqualTo(-2015);
        assertThat(code("sender/mms", send("\"title\":\"t\",\"attachFileIdList\":[1,2,3,4],", "본문"))).isEqualTo(-2002);
        assertThat(code("sender/mms", send("\"title\":\"t\",\"attachFileIdList\":[9999],", "본문"))).isEqualTo(-2004);
        assertThat(code("sender/sms", send("\"attachFileIdList\":[],", "본문"))).as("no attachments on SMS").isEqualTo(-2002);
        assertThat(code("sender/ad-sms", send("", "주말 특가"))).as("ad without marking").isEqualTo(-6003);
        assertThat(code("sender/ad-sms", send("", "(광고) 특가 무료수신거부 0801234567"))).isZero();
        assertThat(code("sender/auth/sms", send("", "코드 1234"))).as("auth without an auth word").isEqualTo(-8000);
        assertThat(code("sender/sms", send("", "안내").replace("0212345678", "0299999999"))).isEqualTo(-2312);
        assertThat(code("attachfile/binaryUpload", "{\"fileName\":\"a.png\",\"createUser\":\"u\",\"fileBody\":\"/9j/\"}")).isEqualTo(-2003);
        assertThat(code("attachfile/binaryUpload", "{\"fileName\":\"a.jpg\",\"createUser\":\"u\",\"fileBody\":\"\"}")).isEqualTo(-2005);
    }
}
