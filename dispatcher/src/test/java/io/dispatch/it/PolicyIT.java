package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.CancelResult;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.DispatchException;
import io.dispatch.client.Explanation;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.client.SubmitResult;
import io.dispatch.config.Settings;
import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReader;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.status.Counter;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The policies end to end: real engine, real client, real journal; time from an injected clock. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PolicyIT
{
    private static final String PROMO = "(광고)[shop] 50% sale 무료수신거부 080-000-0000";
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    private static DispatchClient connect(final Dispatcher engine)
    {
        return DispatchClient.connect(ClientConfig.builder().port(engine.port()).tenant("demo").apiKey("demo-key").build());
    }

    private static Submit marketing(final String to, final String text)
    {
        return Submit.builder().kind(MessageKind.MARKETING).channel(ChannelType.SMS).to(to).text(text).build();
    }

    private static Submit info(final String to)
    {
        return Submit.builder().kind(MessageKind.INFORMATIONAL).to(to).text("order 42 shipped").build();
    }

    private static long submit(final DispatchClient c, final Submit s) throws Exception
    {
        return c.submit(s).get(10, TimeUnit.SECONDS).messageId();
    }

    private static StatusResult awaitState(final DispatchClient c, final long id, final DeliveryState state) throws Exception
    {
        final long end = System.currentTimeMillis() + 20_000;
        StatusResult r;
        do
        {
            r = c.status(id).get(10, TimeUnit.SECONDS);
            if (r.state() == state)
            {
                return r;
            }
            Thread.sleep(20);
        }
        while (System.currentTimeMillis() < end);
        throw new AssertionError("message " + id + " stayed " + r.state() + "(" + r.reason() + "), expected " + state);
    }

    @Test
    void shouldSuppressMarketingWithoutConsentAndSendItOnceConsented() throws Exception
    {
        // daytime in Seoul whatever the hour the suite runs at
        final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir), clock); DispatchClient c = connect(engine))
        {
            final long unconsented = submit(c, marketing("01099998888", PROMO));
            final StatusResult suppressed = awaitState(c, unconsented, DeliveryState.SUPPRESSED);
            assertThat(suppressed.reason()).isEqualTo(Reason.NO_CONSENT);

            c.updateConsent("01011112222", ChannelType.SMS, ConsentFlags.AD, 0, "signup-form").get(10, TimeUnit.SECONDS);
            awaitState(c, submit(c, marketing("01011112222", PROMO)), DeliveryState.DELIVERED);

            c.updateConsent("01011112222", null, ConsentFlags.OPTED_OUT, 0, "080-call").get(10, TimeUnit.SECONDS);
            final StatusResult optedOut = awaitState(c, submit(c, marketing("01011112222", PROMO)), DeliveryState.SUPPRESSED);
            assertThat(optedOut.reason()).isEqualTo(Reason.OPTED_OUT);
            awaitState(c, submit(c, info("01011112222")), DeliveryState.DELIVERED);

            assertThat(engine.counters().get(Counter.POLICY_NO_CONSENT)).isEqualTo(1);
            assertThat(engine.counters().get(Counter.POLICY_OPTED_OUT)).isEqualTo(1);
            assertThat(engine.counters().get(Counter.CONSENT_UPDATES)).isEqualTo(2);
        }
    }

    @Test
    void shouldExplainWithoutJournalingOrSending() throws Exception
    {
        final JumpClock clock = JumpClock.atSeoul("2026-11-25T22:00:00");
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir), clock); DispatchClient c = connect(engine))
        {
            final Explanation info = c.explain(info("01012345678")).get(10, TimeUnit.SECONDS);
            assertThat(info.decision()).isEqualTo(Decision.SEND);
            assertThat(info.channel()).isEqualTo(ChannelType.SMS);
            assertThat(info.priority()).isTrue();

            final Explanation noConsent = c.explain(marketing("01012345678", PROMO)).get(10, TimeUnit.SECONDS);
            assertThat(noConsent.decision()).isEqualTo(Decision.SUPPRESS);
            assertThat(noConsent.reason()).isEqualTo(Reason.NO_CONSENT);

            c.updateConsent("01012345678", ChannelType.SMS, ConsentFlags.AD, 0, "test").get(10, TimeUnit.SECONDS);
            final Explanation night = c.explain(marketing("01012345678", PROMO)).get(10, TimeUnit.SECONDS);
            assertThat(night.decision()).isEqualTo(Decision.DEFER);
            assertThat(night.reason()).isEqualTo(Reason.NIGHT_WINDOW);
            assertThat(night.untilEpochMs()).isEqualTo(
                java.time.LocalDateTime.parse("2026-11-26T08:00:00").atZone(java.time.ZoneId.of("Asia/Seoul"))
                    .toInstant().toEpochMilli());

            final Submit keyed = Submit.builder().to("01012345678").text("order 7 paid").key("order-7-paid").build();
            final long original = submit(c, keyed);
            final Explanation duplicate = c.explain(keyed).get(10, TimeUnit.SECONDS);
            assertThat(duplicate.decision()).isEqualTo(Decision.DUPLICATE);
            assertThat(duplicate.duplicateOf()).isEqualTo(original);

            assertThat(engine.counters().get(Counter.ACKED)).as("only the keyed submit was accepted").isEqualTo(1);
            assertThat(engine.counters().get(Counter.POLICY_DRY_RUNS)).isEqualTo(3);
        }
    }

    @Test
    void shouldHoldAScheduledMessageAcrossARestartAndKnowItsKeyAfterwards() throws Exception
    {
        final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");
        final Settings settings = EngineFixture.settings(dir);
        final Submit scheduled = Submit.builder().to("01012345678").text("your table is ready at 13:00")
            .key("booking-9").sendAt(clock.time() + HOUR).build();
        final long id;
        try (Dispatcher engine = EngineFixture.launch(settings, clock); DispatchClient c = connect(engine))
        {
            id = submit(c, scheduled);
            final StatusResult deferred = awaitState(c, id, DeliveryState.DEFERRED);
            assertThat(deferred.reason()).isEqualTo(Reason.SCHEDULED);
            assertThat(deferred.updatedAtEpochMs()).as("a DEFERRED state carries its due time").isEqualTo(scheduled.sendAtEpochMs());
        }
        try (Dispatcher engine = EngineFixture.launch(settings, clock); DispatchClient c = connect(engine))
        {
            assertThat(awaitState(c, id, DeliveryState.DEFERRED).reason()).isEqualTo(Reason.SCHEDULED);
            final SubmitResult again = c.submit(scheduled).get(10, TimeUnit.SECONDS);
            assertThat(again.duplicate()).isTrue();
            assertThat(again.messageId()).isEqualTo(id);

            clock.jump(HOUR);
            awaitState(c, id, DeliveryState.DELIVERED);
        }
    }

    @Test
    void shouldCancelADeferredMessageButNotOneAlreadySent() throws Exception
    {
        final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir), clock); DispatchClient c = connect(engine))
        {
            final long scheduled = submit(c, Submit.builder().to("01012345678").text("reminder").key("reminder-1")
                .sendAt(clock.time() + HOUR).build());
            final CancelResult cancelled = c.cancelByKey("reminder-1").get(10, TimeUnit.SECONDS);
            assertThat(cancelled.cancelled()).isTrue();
            assertThat(cancelled.messageId()).isEqualTo(scheduled);
            assertThat(awaitState(c, scheduled, DeliveryState.CANCELLED).reason()).isEqualTo(Reason.CANCELLED);

            final long sent = submit(c, info("01012345678"));
            awaitState(c, sent, DeliveryState.DELIVERED);
            assertThat(c.cancel(sent).get(10, TimeUnit.SECONDS).cancelled()).isFalse();
            TenantScopingIT.assertNotFound(c.cancelByKey("no-such-key"));

            clock.jump(2 * HOUR);
            final long marker = submit(c, info("01000000000"));
            awaitState(c, marker, DeliveryState.DELIVERED);
            assertThat(c.status(scheduled).get(10, TimeUnit.SECONDS).state()).as("never released")
                .isEqualTo(DeliveryState.CANCELLED);
        }
    }

    @Test
    void shouldSettleACancelRacingTheReleaseOneWayOnly() throws Exception
    {
        final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir), clock); DispatchClient c = connect(engine))
        {
            for (int i = 0; i < 5; i++)
            {
                final long id = submit(c, Submit.builder().to("0101234567" + i).text("race " + i)
                    .sendAt(clock.time() + 1_000).build());
                clock.jump(1_000);
                final boolean cancelled = c.cancel(id).get(10, TimeUnit.SECONDS).cancelled();
                final DeliveryState end = cancelled ? DeliveryState.CANCELLED : DeliveryState.DELIVERED;
                awaitState(c, id, end);
                Thread.sleep(50);
                assertThat(c.status(id).get(10, TimeUnit.SECONDS).state()).as("race %d settled as %s", i, end).isEqualTo(end);
            }
        }
    }

    @Test
    void shouldDeferMarketingAtNightUntilEightAndSendItThen() throws Exception
    {
        final JumpClock clock = JumpClock.atSeoul("2026-11-25T21:30:00");
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir), clock); DispatchClient c = connect(engine))
        {
            c.updateConsent("01011112222", null, ConsentFlags.AD, 0, "signup-form").get(10, TimeUnit.SECONDS);
            final long id = submit(c, marketing("01011112222", PROMO));
            final StatusResult deferred = awaitState(c, id, DeliveryState.DEFERRED);
            assertThat(deferred.reason()).isEqualTo(Reason.NIGHT_WINDOW);
            clock.jumpTo(deferred.updatedAtEpochMs());
            awaitState(c, id, DeliveryState.DELIVERED);
            assertThat(engine.counters().get(Counter.POLICY_NIGHT_DEFERRED)).isEqualTo(1);
        }
    }

    @Test
    void shouldAddTheAdMarkingOrRefuseUnmarkedTextPerChannelPolicy() throws Exception
    {
        final Settings settings = EngineFixture.settings(dir)
            .set("tenant.demo.optOutFooter", "무료수신거부 080-123-4567")
            .set("policy.adMarking.push", "validate");
        final long id;
        try (Dispatcher engine = EngineFixture.launch(settings, JumpClock.atSeoul("2026-11-25T12:00:00"));
            DispatchClient c = connect(engine))
        {
            id = submit(c, marketing("01011112222", "50% sale today"));
            final Submit unmarkedPush = Submit.builder().kind(MessageKind.MARKETING).channel(ChannelType.PUSH)
                .to("token-1").text("50% sale today").build();
            assertThatThrownBy(() -> c.submit(unmarkedPush).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(DispatchException.class)
                .satisfies(ex -> assertThat(((DispatchException)ex).code()).isEqualTo(ErrorCode.INVALID_FIELD))
                .hasMessageContaining("(광고)");
        }
        try (Journal journal = new Journal(dir.resolve("journal"), "FAST_DAILY"); JournalReader reader = journal.newReader())
        {
            final AcceptedRecord r = new AcceptedRecord();
            assertThat(reader.readAccepted(id, r)).isTrue();
            final String body = new String(r.body, 0, r.bodyLength, StandardCharsets.UTF_8);
            assertThat(body).contains("(광고)50% sale today\n무료수신거부 080-123-4567");
        }
    }

    @Test
    void shouldChangeATenantRateAtRuntimeThroughTheAdminEndpoint() throws Exception
    {
        final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir), clock); DispatchClient c = connect(engine))
        {
            final HttpClient http = HttpClient.newHttpClient();
            final String base = "http://127.0.0.1:" + engine.adminPort();
            final String auth = "Bearer " + EngineFixture.adminToken(dir);
            final HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base + "/tenants/demo/rate?perSecond=1"))
                .header("Authorization", auth).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
            final long end = System.currentTimeMillis() + 10_000;
            String rates;
            do
            {
                rates = http.send(HttpRequest.newBuilder(URI.create(base + "/tenants")).header("Authorization", auth).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            }
            while (!rates.contains("\"demo\":{\"perSecond\":1,") && System.currentTimeMillis() < end);
            assertThat(rates).contains("\"demo\":{\"perSecond\":1,");

            final long first = submit(c, info("01000000001"));
            final long second = submit(c, info("01000000002"));
            final long third = submit(c, info("01000000003"));
            awaitState(c, first, DeliveryState.DELIVERED);
            // the bucket may have refilled one token between the submits on a slow machine
            final StatusResult s3 = c.status(third).get(10, TimeUnit.SECONDS);
            assertThat(s3.state()).isEqualTo(DeliveryState.DEFERRED);
            assertThat(s3.reason()).isEqualTo(Reason.RATE_LIMITED);
            clock.jump(5_000);
            awaitState(c, second, DeliveryState.DELIVERED);
            awaitState(c, third, DeliveryState.DELIVERED);

            final HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "/tenants/demo/rate?perSecond=x"))
                .header("Authorization", auth).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("perSecond");
        }
    }

    @Test
    void shouldKeepARuntimeRateChangeAcrossARestartAndSayWhereItCameFrom() throws Exception
    {
        final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");
        // the clock moves on with real time between the jumps: the change is a little after noon Seoul
        final String changedAt = "runtime 2026-11-25T03:0";
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir), clock))
        {
            assertThat(tenants(engine)).contains("\"demo\":{\"perSecond\":0,", "\"source\":{\"perSecond\":\"config\"");
            assertThat(postRate(engine, "demo", "perSecond=1").statusCode()).isEqualTo(200);
            assertThat(postRate(engine, "demo", "perSecond=7&channel=push").statusCode()).isEqualTo(200);
            final long end = System.currentTimeMillis() + 10_000;
            String rates;
            do
            {
                rates = tenants(engine);
            }
            while (!rates.contains("\"pushPerSecond\":7") && System.currentTimeMillis() < end);
            assertThat(rates).contains("\"demo\":{\"perSecond\":1,", "\"source\":{\"perSecond\":\"" + changedAt,
                "\"pushPerSecond\":\"" + changedAt, "\"smsPerSecond\":\"config\"");
        }

        clock.jump(60_000);
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir), clock); DispatchClient c = connect(engine))
        {
            final String rates = tenants(engine);
            assertThat(rates).as("replayed from the journal at start")
                .contains("\"demo\":{\"perSecond\":1,", "\"pushPerSecond\":7", "\"source\":{\"perSecond\":\"" + changedAt,
                    "\"pushPerSecond\":\"" + changedAt, "\"other\":{\"perSecond\":0,");
            // and in force: 1/s defers the last of three quick submits (the bucket may refill one token between them)
            final long first = submit(c, info("01000000001"));
            submit(c, info("01000000002"));
            final long third = submit(c, info("01000000003"));
            awaitState(c, first, DeliveryState.DELIVERED);
            final StatusResult s3 = c.status(third).get(10, TimeUnit.SECONDS);
            assertThat(s3.state()).isEqualTo(DeliveryState.DEFERRED);
            assertThat(s3.reason()).isEqualTo(Reason.RATE_LIMITED);
        }
    }

    private String tenants(final Dispatcher engine) throws Exception
    {
        final HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + engine.adminPort() + "/tenants"))
            .header("Authorization", "Bearer " + EngineFixture.adminToken(dir)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private HttpResponse<String> postRate(final Dispatcher engine, final String tenant, final String query) throws Exception
    {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + engine.adminPort() + "/tenants/" + tenant + "/rate?" + query))
            .header("Authorization", "Bearer " + EngineFixture.adminToken(dir)).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    }
}
