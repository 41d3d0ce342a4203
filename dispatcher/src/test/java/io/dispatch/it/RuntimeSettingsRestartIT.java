package io.dispatch.it;

import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.Explanation;
import io.dispatch.client.Submit;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.AdminHttp;
import io.dispatch.testing.ChildEngine;
import io.dispatch.testing.Statuses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate and cap changes made on the admin port are journaled and put back in force by a restart after kill -9, by a
 * full scan and then from a snapshot, and GET tells them from configured values: a child engine, real sockets, the
 * real journal.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RuntimeSettingsRestartIT
{
    private static final String PHONE = "01077770001";
    private static final Pattern SMS_INFORMATIONAL_CAPS =
        Pattern.compile("\\{\"kind\":\"informational\",\"channel\":\"sms\",\"rules\":\"([^\"]*)\",\"source\":\"([^\"]*)\"}");
    private static final Pattern LANE_SOURCE = Pattern.compile("\"source\":\"runtime\",\"changed_at\":\"([^\"]+)\"");

    @TempDir
    Path dir;

    @Test
    void shouldKeepALaneRateAndACapChangedAtRuntimeAcrossAKillNineAndASnapshot() throws Exception
    {
        final Path data = dir.resolve("child");
        final Submit notice = Submit.builder().channel(ChannelType.SMS).to(PHONE).text("order 42 shipped").build();
        final String laneChangedAt;
        final String capsSource;
        int admin = freePort();
        try (ChildEngine child = ChildEngine.start(data, "--admin-port", Integer.toString(admin));
            DispatchClient c = connect(child.port()))
        {
            assertThat(AdminHttp.get(admin, data, "/lanes/sms/rate").body()).contains("\"source\":\"config\"");
            assertThat(smsInformationalCaps(admin, data).group(2)).isEqualTo("config");

            final HttpResponse<String> rate =
                AdminHttp.post(admin, data, "/lanes/sms/rate?perSecond=37&burst=5&reservedPercent=10");
            assertThat(rate.statusCode()).as(rate.body()).isEqualTo(200);
            final HttpResponse<String> caps =
                AdminHttp.post(admin, data, "/tenants/demo/caps?kind=informational&channel=sms&rules=1/1h");
            assertThat(caps.statusCode()).as(caps.body()).isEqualTo(200);

            final String lane = AdminHttp.get(admin, data, "/lanes/sms/rate").body();
            assertThat(lane).contains("\"per_second\":37", "\"burst\":5", "\"reserved_percent\":10");
            laneChangedAt = group(LANE_SOURCE, lane);
            final Matcher capsNow = smsInformationalCaps(admin, data);
            assertThat(capsNow.group(1)).isEqualTo("1/1h");
            assertThat(capsNow.group(2)).startsWith("runtime ");
            capsSource = capsNow.group(2);

            // the cap is in force: one send, then the next one to the same phone is capped
            assertThat(Statuses.awaitTerminal(c, c.submit(notice).get(10, TimeUnit.SECONDS).messageId()).state())
                .isEqualTo(DeliveryState.DELIVERED);
            assertCapped(c, notice);
            child.kill();
            assertThat(child.awaitExit(10_000)).isTrue();
        }

        admin = freePort();
        try (ChildEngine child = ChildEngine.start(data, "--admin-port", Integer.toString(admin));
            DispatchClient c = connect(child.port()))
        {
            // recovery hands the rate to the lane before it starts; the lane thread applies it at its first duty cycle
            final String lane = awaitBody(admin, data, "/lanes/sms/rate", "\"per_second\":37");
            assertThat(lane).contains("\"per_second\":37", "\"burst\":5", "\"reserved_percent\":10");
            assertThat(group(LANE_SOURCE, lane)).as("the time of the operator's change, not of the restart")
                .isEqualTo(laneChangedAt);
            final Matcher capsAfter = smsInformationalCaps(admin, data);
            assertThat(capsAfter.group(1)).isEqualTo("1/1h");
            assertThat(capsAfter.group(2)).isEqualTo(capsSource);

            assertCapped(c, notice);
            final Explanation other = c.explain(Submit.builder().channel(ChannelType.SMS).to("01077770002")
                .text("order 43 shipped").build()).get(10, TimeUnit.SECONDS);
            assertThat(other.decision()).as("%s", other).isEqualTo(Decision.SEND);
            // the snapshot this start takes once ready covers the first run's changes: the next start loads it
            awaitLine(child, "event=snapshot_written");
            child.kill();
            assertThat(child.awaitExit(10_000)).isTrue();
        }

        admin = freePort();
        try (ChildEngine child = ChildEngine.start(data, "--admin-port", Integer.toString(admin));
            DispatchClient c = connect(child.port()))
        {
            assertThat(child.output()).anyMatch(l -> l.contains("event=recovery_snapshot_loaded"));
            final String lane = awaitBody(admin, data, "/lanes/sms/rate", "\"per_second\":37");
            assertThat(lane).contains("\"per_second\":37", "\"burst\":5", "\"reserved_percent\":10");
            assertThat(group(LANE_SOURCE, lane)).as("from the snapshot: the time of the operator's change")
                .isEqualTo(laneChangedAt);
            final Matcher capsAfter = smsInformationalCaps(admin, data);
            assertThat(capsAfter.group(1)).isEqualTo("1/1h");
            assertThat(capsAfter.group(2)).isEqualTo(capsSource);
            assertCapped(c, notice);
        }
    }

    /** Waits (at most 30 s) for the child to log a line containing {@code text}: the snapshot thread has no other signal. */
    private static void awaitLine(final ChildEngine child, final String text) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (child.output().stream().noneMatch(l -> l.contains(text)))
        {
            assertThat(System.nanoTime() < deadline).as("no '%s' logged within 30 s", text).isTrue();
            Thread.sleep(20);
        }
    }

    @Test
    void shouldRefuseABadCapChangeNamingTheParameterAndChangeNothing() throws Exception
    {
        final Path data = dir.resolve("child");
        final int admin = freePort();
        try (ChildEngine child = ChildEngine.start(data, "--admin-port", Integer.toString(admin)))
        {
            assertBadRequest(admin, data, "/tenants/demo/caps?kind=informational&rules=2/fortnight", "rules");
            assertBadRequest(admin, data, "/tenants/demo/caps?kind=informal&rules=1/1h", "kind");
            assertBadRequest(admin, data, "/tenants/demo/caps?kind=auth&channel=fax&rules=1/1h", "channel");
            assertBadRequest(admin, data, "/tenants/demo/caps?rules=1/1h", "kind");
            assertThat(AdminHttp.post(admin, data, "/tenants/nobody/caps?kind=auth&rules=1/1h").statusCode()).isEqualTo(404);
            assertThat(AdminHttp.get(admin, data, "/tenants/demo/caps").body()).doesNotContain("runtime");
        }
    }

    private static void assertBadRequest(final int admin, final Path data, final String path, final String named)
        throws Exception
    {
        final HttpResponse<String> r = AdminHttp.post(admin, data, path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains(named);
    }

    private static void assertCapped(final DispatchClient c, final Submit s) throws Exception
    {
        final Explanation e = c.explain(s).get(10, TimeUnit.SECONDS);
        assertThat(e.decision()).as("%s", e).isEqualTo(Decision.SUPPRESS);
        assertThat(e.reason()).as("%s", e).isEqualTo(Reason.FREQUENCY_CAPPED);
    }

    /** @return the body of {@code path} once it contains {@code wanted}, polled for at most 10 s. */
    private static String awaitBody(final int admin, final Path data, final String path, final String wanted)
        throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String body = AdminHttp.get(admin, data, path).body();
        while (!body.contains(wanted) && System.nanoTime() < deadline)
        {
            Thread.sleep(20);
            body = AdminHttp.get(admin, data, path).body();
        }
        return body;
    }

    private static Matcher smsInformationalCaps(final int admin, final Path data) throws Exception
    {
        final String body = AdminHttp.get(admin, data, "/tenants/demo/caps").body();
        final Matcher m = SMS_INFORMATIONAL_CAPS.matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return m;
    }

    private static String group(final Pattern p, final String text)
    {
        final Matcher m = p.matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    private static DispatchClient connect(final int port)
    {
        return DispatchClient.connect(ClientConfig.builder().port(port).tenant("demo").apiKey("demo-key").build());
    }

    private static int freePort() throws Exception
    {
        try (ServerSocket s = new ServerSocket(0))
        {
            return s.getLocalPort();
        }
    }
}
