package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.testing.AdminHttp;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.RawConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /redrive} on a real engine and journal: explain counts, a redrive sends once, a second one none. */
@Timeout(90)
class RedriveIT
{
    private static final long WAIT_MS = 20_000;
    private static final String SENT = "dispatch_lane_sent_total{lane=\"sms-simulated\"}";

    @TempDir
    Path dir;

    private int adminPort;

    @Test
    void shouldRedriveADeadLetterOnceThroughTheRingAndCountFirstWithExplain() throws Exception
    {
        final Settings s = EngineFixture.settings(dir);
        s.set("lane.sms.maxAttempts", "2");
        try (Dispatcher d = EngineFixture.launch(s);
            RawConnection c = RawConnection.open(d.port(), "demo", "demo-key"))
        {
            adminPort = d.adminPort();
            c.submit(1, MessageKind.INFORMATIONAL, ChannelType.SMS, "order-7", "fail-01011112222", "provider down");
            final long failed = c.read().messageId();
            c.submit(2, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "reject-01011113333", "bad number");
            final long rejected = c.read().messageId();
            awaitBody("/messages/" + failed + "/history", "\"end\":\"terminal\"");
            awaitBody("/messages/" + rejected + "/history", "\"end\":\"terminal\"");
            final String before = Instant.now().plusMillis(1).toString();
            assertThat(metric(SENT)).as("two attempts and one").isEqualTo(3);

            final String explained = runJob("/redrive?explain=true&reason=provider_unavailable&to=" + before);
            assertThat(explained).as("selected by the reason of its last retry")
                .contains("\"explain\":true", "\"matched\":1", "\"selected\":1", "\"published\":0",
                "\"by_state_reason\":{\"FAILED RETRIES_EXHAUSTED after PROVIDER_UNAVAILABLE\":1}");
            assertThat(runJob("/redrive?explain=true&to=" + before)).as("both kinds of dead letter")
                .contains("\"selected\":2", "\"REJECTED INVALID_RECIPIENT\":1");
            assertThat(runJob("/redrive?explain=true&tenant=other")).contains("\"selected\":0");
            assertThat(metric(SENT)).as("explain sends nothing").isEqualTo(3);

            assertThat(runJob("/redrive?reason=RETRIES_EXHAUSTED&to=" + before))
                .contains("\"explain\":false", "\"selected\":1", "\"published\":1", "\"already_redriven\":0");
            // the copy fails again at the simulated provider: a new dead letter, keyed by its origin
            String letters = "";
            final long deadline = System.currentTimeMillis() + WAIT_MS;
            while (Pattern.compile("\"message_id\"").matcher(letters).results().count() < 3
                && System.currentTimeMillis() < deadline)
            {
                Thread.sleep(20);
                letters = get("/deadletters?limit=10").body();
            }
            final Matcher m = Pattern.compile("\"message_id\":(\\d+)").matcher(letters);
            long copy = -1;
            while (m.find())
            {
                final long id = Long.parseLong(m.group(1));
                copy = id != failed && id != rejected ? id : copy;
            }
            assertThat(copy).as("the copy is a new message: " + letters).isGreaterThan(rejected);
            assertThat(get("/messages/" + copy + "/history").body())
                .contains("\"tenant\":\"demo\"", "\"key\":\"redrive:" + failed + "\"", "\"end\":\"terminal\"");
            assertThat(metric(SENT)).as("the redrive sent it once (two attempts)").isEqualTo(5);

            assertThat(runJob("/redrive?reason=RETRIES_EXHAUSTED&to=" + before))
                .as("a second redrive of the same selection sends nothing")
                .contains("\"matched\":1", "\"already_redriven\":1", "\"selected\":0", "\"published\":0");
            assertThat(metric(SENT)).isEqualTo(5);

            final HttpResponse<String> bad = post("/redrive?reason=SLOW");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("reason", "SLOW");
            assertThat(post("/redrive?from=yesterday").body()).contains("from", "ISO-8601");
            assertThat(post("/redrive?tenant=nobody").body()).contains("tenant", "nobody");
            assertThat(post("/redrive?lane=sms").body()).contains("lane: unknown parameter");
        }
    }

    @Test
    void shouldPrintAHistoryAndRedriveFromTheScripts() throws Exception
    {
        final Settings s = EngineFixture.settings(dir);
        s.set("lane.sms.maxAttempts", "1");
        try (Dispatcher d = EngineFixture.launch(s);
            RawConnection c = RawConnection.open(d.port(), "demo", "demo-key"))
        {
            adminPort = d.adminPort();
            c.submit(1, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "fail-01011112222", "provider down");
            final long failed = c.read().messageId();
            awaitBody("/messages/" + failed + "/history", "\"end\":\"terminal\"");
            // an offset with '+': the script must send it encoded
            final String before = java.time.OffsetDateTime.now(java.time.ZoneOffset.ofHours(9)).plusSeconds(1).toString();

            final String history = script("send", "--history", Long.toString(failed), "--tenant", "demo");
            assertThat(history).contains("message " + failed + "  tenant demo", "FAILED", "RETRIES_EXHAUSTED", "(complete:");
            assertThat(script("send", "--history", Long.toString(failed), "--tenant", "other"))
                .contains("no message " + failed + " of tenant other");

            assertThat(script("redrive", "--explain", "--reason", "RETRIES_EXHAUSTED", "--to", before))
                .contains("\"state\":\"done\"", "\"selected\":1", "\"published\":0");
            assertThat(script("redrive", "--channel", "sms", "--to", before))
                .contains("\"state\":\"done\"", "\"published\":1");
            assertThat(script("redrive", "--channel", "fax")).contains("channel: unknown value 'fax'");
        }
    }

    /** Runs one of scripts/ against the test engine; bounded. @return its stdout and stderr. */
    private String script(final String name, final String... args) throws Exception
    {
        final java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("project.root", "..")).toAbsolutePath().resolve("scripts/" + name).toString());
        cmd.addAll(java.util.List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DISPATCH_ADMIN_URL", "http://127.0.0.1:" + adminPort);
        pb.environment().put("DISPATCH_DATA_DIR", dir.toString());
        pb.environment().remove("DISPATCH_ADMIN_TOKEN");
        final Process p = pb.start();
        final byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Starts a job and polls GET /redrive until it is done; bounded. */
    private String runJob(final String path) throws Exception
    {
        final HttpResponse<String> started = post(path);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        final String job = "\"job\":" + started.body().replaceAll("(?s)^\\{\"job\":(\\d+),.*", "$1") + ",";
        return awaitBody("/redrive", job + "\"state\":\"done\"");
    }

    private String awaitBody(final String path, final String wanted) throws Exception
    {
        String body = "";
        final long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!body.contains(wanted) && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(20);
            body = get(path).body();
        }
        assertThat(body).contains(wanted);
        return body;
    }

    private long metric(final String series) throws Exception
    {
        return AdminHttp.metric(get("/metrics").body(), series);
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
