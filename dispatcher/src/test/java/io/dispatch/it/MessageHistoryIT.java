package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.RawConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /messages/<id>/history} read from the real journal, before and after a restart, and the dead letters
 * {@code GET /deadletters} shows again after a restart (recovery refills them from the journal).
 */
@Timeout(90)
class MessageHistoryIT
{
    private static final long WAIT_MS = 20_000;
    private static final Pattern STATE = Pattern.compile(
        "\\{\"at\":\"[^\"]+\",\"at_ms\":\\d+,\"state\":\"(\\w+)\",\"attempt\":(\\d+),\"channel\":\"(\\w+)\",\"reason\":\"(\\w+)\"}");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int adminPort;

    @Test
    void shouldShowEveryStateOfARetriedThenDeliveredMessageInOrderAcrossARestart() throws Exception
    {
        final long id;
        final String before;
        try (Dispatcher d = EngineFixture.launch(EngineFixture.settings(dir));
            RawConnection c = RawConnection.open(d.port(), "demo", "demo-key"))
        {
            adminPort = d.adminPort();
            c.submit(1, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "flaky-01011112222", "retried then delivered");
            id = c.read().messageId();
            before = awaitEnd(id, "terminal");

            assertThat(states(before)).containsExactly(
                "DISPATCHED 1 sms NONE",
                "RETRYING 1 sms PROVIDER_UNAVAILABLE",
                "DISPATCHED 2 sms NONE",
                "PROVIDER_ACCEPTED 2 sms NONE",
                "DELIVERED 2 sms NONE");
            assertThat(before).contains("\"message_id\":" + id + ",\"tenant\":\"demo\",\"kind\":\"INFORMATIONAL\"",
                "\"decision\":\"SEND\"", "\"end\":\"terminal\"");

            final String text = get("/messages/" + id + "/history?format=text").body();
            assertThat(text).contains("tenant demo", "RETRYING", "PROVIDER_UNAVAILABLE", "(complete:");
            assertThat(text.lines().filter(l -> l.matches("^\\d{4}-.*")).count()).as("ACCEPTED + 5 states").isEqualTo(6);

            final String cut = get("/messages/" + id + "/history?limit=1").body();
            assertThat(cut).as("one document holds at most the first states").contains("\"end\":\"cut\",\"documents_read\":1");
            assertThat(states(cut)).hasSizeLessThan(5);

            assertThat(get("/messages/" + id + "/history?tenant=other").statusCode()).as("another tenant's").isEqualTo(404);
            assertThat(get("/messages/" + id + "/history?tenant=demo").statusCode()).isEqualTo(200);
            assertThat(get("/messages/" + (id + 1_000_000) + "/history").statusCode()).isEqualTo(404);
            final HttpResponse<String> bad = get("/messages/abc/history");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("message id", "abc");
            assertThat(get("/messages/" + id + "/history?limit=0").body()).contains("limit");
            for (final String path : new String[] {"/messages/" + id + "/history", "/redrive"})
            {
                assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .as(path + " without the admin token").isEqualTo(401);
            }
        }
        try (Dispatcher d = EngineFixture.launch(EngineFixture.settings(dir)))
        {
            adminPort = d.adminPort();
            assertThat(get("/messages/" + id + "/history").body()).as("the same history after a restart")
                .isEqualTo(before);
        }
    }

    @Test
    void shouldSayAMessageNotYetFinalIsOpen() throws Exception
    {
        final Settings s = EngineFixture.settings(dir);
        s.set("lane.sms.connector.receiptDelayMs", "600000");
        try (Dispatcher d = EngineFixture.launch(s);
            RawConnection c = RawConnection.open(d.port(), "demo", "demo-key"))
        {
            adminPort = d.adminPort();
            c.submit(1, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01011112222", "receipt comes late");
            final long id = c.read().messageId();
            String body = "";
            final long deadline = System.currentTimeMillis() + WAIT_MS;
            while (!body.contains("PROVIDER_ACCEPTED") && System.currentTimeMillis() < deadline)
            {
                Thread.sleep(20);
                body = get("/messages/" + id + "/history").body();
            }
            assertThat(states(body)).containsExactly("DISPATCHED 1 sms NONE", "PROVIDER_ACCEPTED 1 sms NONE");
            assertThat(body).contains("\"end\":\"open\"");
        }
    }

    @Test
    void shouldListDeadLettersAgainAfterARestart() throws Exception
    {
        final Settings s = EngineFixture.settings(dir);
        s.set("lane.sms.maxAttempts", "2");
        final long failed;
        final long rejected;
        try (Dispatcher d = EngineFixture.launch(s);
            RawConnection c = RawConnection.open(d.port(), "demo", "demo-key"))
        {
            adminPort = d.adminPort();
            c.submit(1, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "fail-01011112222", "retried then dead");
            failed = c.read().messageId();
            c.submit(2, MessageKind.AUTH, ChannelType.SMS, "", "reject-01011112222", "인증번호 123456");
            rejected = c.read().messageId();
            c.submit(3, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01011112222", "delivered");
            final long delivered = c.read().messageId();
            awaitEnd(failed, "terminal");
            awaitEnd(rejected, "terminal");
            awaitEnd(delivered, "terminal");
        }
        try (Dispatcher d = EngineFixture.launch(s))
        {
            adminPort = d.adminPort();
            final String body = get("/deadletters?limit=10").body();
            assertThat(body).contains("{\"message_id\":" + failed + ",")
                .contains("\"tenant\":\"demo\",\"state\":\"FAILED\",\"reason\":\"RETRIES_EXHAUSTED\",\"attempts\":2,"
                    + "\"kind\":\"INFORMATIONAL\"")
                .contains("{\"message_id\":" + rejected + ",")
                .contains("\"tenant\":\"demo\",\"state\":\"REJECTED\",\"reason\":\"INVALID_RECIPIENT\",\"attempts\":1,"
                    + "\"kind\":\"AUTH\"");
            assertThat(Pattern.compile("\"message_id\"").matcher(body).results().count()).as("only the two").isEqualTo(2);
            assertThat(get("/lanes").body()).contains("\"dead_letters\":2");
        }
    }

    /** Polls the history until its end is {@code end}; bounded. */
    private String awaitEnd(final long id, final String end) throws Exception
    {
        String body = "";
        final long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!body.contains("\"end\":\"" + end + "\"") && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(20);
            body = get("/messages/" + id + "/history").body();
        }
        assertThat(body).as("history of " + id).contains("\"end\":\"" + end + "\"");
        return body;
    }

    private static java.util.List<String> states(final String json)
    {
        final java.util.List<String> out = new java.util.ArrayList<>();
        final Matcher m = STATE.matcher(json);
        while (m.find())
        {
            out.add(m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(4));
        }
        return out;
    }

    private HttpResponse<String> get(final String path) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
            .header("Authorization", "Bearer " + EngineFixture.adminToken(dir))
            .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
