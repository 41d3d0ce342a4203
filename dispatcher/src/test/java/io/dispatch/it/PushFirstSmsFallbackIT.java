package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DirectoryBatch;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.connector.fcm.FcmTestPeer;
import io.dispatch.connector.push.PushTestPeers;
import io.dispatch.connector.smpp.SmppEngineSettings;
import io.dispatch.connector.smpp.SmscSimulator;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.AdminHttp;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.Statuses;
import io.dispatch.testing.TargetingFrames.CampaignResult;
import io.dispatch.testing.TargetingFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Push first, SMS if the push is not confirmed DELIVERED within the lane's receipt deadline
 * ({@code lane.push.fallbackUndeliveredMs}): the real engine, the push lane on the loopback FCM peer (which, like FCM,
 * sends no delivery receipt: the app's confirmation comes through {@code POST /messages/<id>/delivered}), the SMS
 * lane on the loopback SMSC, and the directory's phone of the push token's recipient. The engine's clock jumps over
 * the 60 s deadline instead of the test sleeping through it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PushFirstSmsFallbackIT
{
    static final String TOKEN = "dPhx8Ka9QkKbBvZ3hS2c1a:APA91b" + "Hq7mZ-x_4".repeat(15);
    static final String PHONE = "01055550002";
    private static final long DEADLINE_MS = 60_000;

    @TempDir
    Path dir;

    private final JumpClock clock = new JumpClock(System.currentTimeMillis());

    @Test
    void shouldNotTextWhenThePushIsConfirmedInTime() throws Exception
    {
        try (FcmTestPeer fcm = new FcmTestPeer(dir); SmscSimulator smsc = new SmscSimulator("esme", "secret");
            Dispatcher engine = EngineFixture.launch(settings(fcm, smsc), clock);
            DispatchClient c = connect(engine.port()))
        {
            directory(c);
            final long id = submit(c);
            final long unconfirmed = submit(c);
            awaitState(c, id, DeliveryState.PROVIDER_ACCEPTED);
            awaitState(c, unconfirmed, DeliveryState.PROVIDER_ACCEPTED);
            assertThat(fcm.receivedByToken).containsKey(TOKEN);

            assertThat(confirm(engine, id).statusCode()).isEqualTo(202);
            final StatusResult r = Statuses.awaitTerminal(c, id);
            assertThat(r.state()).as("%s", r).isEqualTo(DeliveryState.DELIVERED);
            assertThat(r.channel()).isEqualTo(ChannelType.PUSH);

            clock.jump(DEADLINE_MS + 1_000);
            // the unconfirmed one, sent after it, falls back once the deadline passed: the lane saw the deadline
            final StatusResult texted = Statuses.awaitTerminal(c, unconfirmed);
            assertThat(texted.channel()).as("%s", texted).isEqualTo(ChannelType.SMS);
            assertThat(smsc.submits()).as("the confirmed push was not texted").isEqualTo(1);
            assertThat(c.status(id).get(10, TimeUnit.SECONDS).channel()).as("still the push").isEqualTo(ChannelType.PUSH);
            final String metrics = AdminHttp.get(engine.adminPort(), dataDir(), "/metrics").body();
            assertThat(AdminHttp.metric(metrics, avoided())).as("the SMS it saved").isEqualTo(1);
        }
    }

    @Test
    void shouldTextTheDirectoryPhoneOnceAfterTheDeadlineAndCountALateConfirmation() throws Exception
    {
        try (FcmTestPeer fcm = new FcmTestPeer(dir); SmscSimulator smsc = new SmscSimulator("esme", "secret");
            Dispatcher engine = EngineFixture.launch(settings(fcm, smsc), clock);
            DispatchClient c = connect(engine.port()))
        {
            directory(c);
            smsc.holdReceipts(); // the SMS stays open until the test lets its receipt go
            final long id = submit(c);
            awaitState(c, id, DeliveryState.PROVIDER_ACCEPTED);
            assertThat(smsc.submits()).as("before the deadline").isZero();

            clock.jump(DEADLINE_MS + 1_000);
            awaitTrue(() -> smsc.heldReceipts() == 1, "the SMS left");
            assertThat(smsc.submitsTo(PHONE)).as("one SMS, to the push token's recipient's phone").isEqualTo(1);

            assertThat(confirm(engine, id).statusCode()).as("the app's confirmation after the SMS left").isEqualTo(202);
            awaitTrue(() -> late(engine) == 1, "the late confirmation counted");
            final String history = AdminHttp.get(engine.adminPort(), dataDir(), "/messages/" + id + "/history").body();
            assertThat(history).as("the move and the late confirmation are journaled")
                .contains("\"state\":\"RETRYING\"", "\"reason\":\"FALLBACK_DEADLINE\"", "\"address\":\"" + PHONE + "\"",
                    "\"late_receipts\":[{", "\"state\":\"DELIVERED\",\"channel\":\"push\"");

            assertThat(smsc.releaseReceipts()).isEqualTo(1);
            final StatusResult r = Statuses.awaitTerminal(c, id);
            assertThat(r.state()).as("%s", r).isEqualTo(DeliveryState.DELIVERED);
            assertThat(r.channel()).as("the SMS's receipt decides, not the push's").isEqualTo(ChannelType.SMS);
            assertThat(smsc.submits()).as("no second send").isEqualTo(1);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldCountTheSmsAPushFirstCampaignSavedInItsStats() throws Exception
    {
        final String otherToken = "eQiy9Lb0RlLcCwA4iT3d2b:APA91b" + "Jr8nA-y_5".repeat(15);
        final String otherPhone = "01055550003";
        final int adAtNight = ConsentFlags.AD | ConsentFlags.NIGHT_AD; // the test runs at any hour
        try (FcmTestPeer fcm = new FcmTestPeer(dir); SmscSimulator smsc = new SmscSimulator("esme", "secret");
            Dispatcher engine = EngineFixture.launch(settings(fcm, smsc).set("template.promo", CampaignIT.TEMPLATE), clock);
            RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key");
            DispatchClient client = connect(engine.port()))
        {
            // SMS ad consent is the phone's own (a campaign's directory consent was for its push)
            client.updateConsent(otherPhone, ChannelType.SMS, adAtNight, 0, "form").get(10, TimeUnit.SECONDS);
            assertThat(CampaignIT.update(c, List.of(
                new DirectoryOpWriter().upsert("u1").string("phone", PHONE).pushToken("fcm", TOKEN).string("region", "Seoul")
                    .consentField("all", adAtNight, 0, 0, "app").toBytes(),
                new DirectoryOpWriter().upsert("u2").string("phone", otherPhone).pushToken("fcm", otherToken)
                    .string("region", "Busan").consentField("all", adAtNight, 0, 0, "app").toBytes())).applied())
                .isEqualTo(2);
            c.send(b -> TargetingFrames.campaign(b, 7, false, 0, 0, "push-first", "", new byte[] {ChannelType.PUSH.code()},
                "reachable('push')", (int)ChannelType.PUSH.code(), "promo"));
            final long campaign = CampaignResult.of(c.read()).id();
            awaitTrue(() -> fcm.receivedByToken.size() == 2, "both pushes sent");
            final Map<String, Object> data = (Map<String, Object>)fcm.receivedByToken.get(TOKEN).get("data");
            final long u1Message = Long.parseLong((String)data.get("dispatch_message_id"));
            assertThat(confirm(engine, u1Message).statusCode()).as("the app confirms with the id the push carried")
                .isEqualTo(202);
            awaitTrue(() -> stats(c, campaign).counter(CampaignDescriptor.COUNTER_FALLBACK_AVOIDED) == 1, "the saved SMS in the campaign's stats");

            clock.jump(DEADLINE_MS + 1_000);
            awaitTrue(() -> stats(c, campaign).counter(delivered(ChannelType.SMS)) == 1, "u2's SMS after the deadline");
            final CampaignResult r = stats(c, campaign);
            assertThat(r.counter(CampaignDescriptor.COUNTER_FALLBACK_AVOIDED)).isEqualTo(1);
            assertThat(r.counter(delivered(ChannelType.PUSH))).isEqualTo(1);
            assertThat(smsc.submitsTo(otherPhone)).isEqualTo(1);
            assertThat(smsc.submitsTo(PHONE)).isZero();
            assertThat(AdminHttp.get(engine.adminPort(), dataDir(), "/metrics").body())
                .contains("dispatch_campaign_fallback_avoided_total{");
        }
    }

    private static int delivered(final ChannelType channel)
    {
        return CampaignDescriptor.channelCounter(channel.code(), CampaignDescriptor.CHANNEL_DELIVERED);
    }

    private static CampaignResult stats(final RawConnection c, final long id)
    {
        try
        {
            return CampaignIT.stats(c, id, null);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void shouldRefuseAConfirmationOfAnotherTenantsOrAnUnknownMessage() throws Exception
    {
        try (FcmTestPeer fcm = new FcmTestPeer(dir); SmscSimulator smsc = new SmscSimulator("esme", "secret");
            Dispatcher engine = EngineFixture.launch(settings(fcm, smsc), clock);
            DispatchClient c = connect(engine.port()))
        {
            directory(c);
            final long id = submit(c);
            assertThat(AdminHttp.post(engine.adminPort(), dataDir(), "/messages/" + id + "/delivered?tenant=other")
                .statusCode()).isEqualTo(404);
            assertThat(AdminHttp.post(engine.adminPort(), dataDir(), "/messages/12345/delivered").statusCode())
                .isEqualTo(404);
            final HttpResponse<String> noToken = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + engine.adminPort() + "/messages/" + id + "/delivered"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(noToken.statusCode()).as("the admin token is required").isEqualTo(401);
            assertThat(c.status(id).get(10, TimeUnit.SECONDS).state()).isNotEqualTo(DeliveryState.DELIVERED);
        }
    }

    private long late(final Dispatcher engine)
    {
        try
        {
            return AdminHttp.metric(AdminHttp.get(engine.adminPort(), dataDir(), "/metrics").body(),
                "dispatch_fallback_late_receipts_total{lane=\"push-push\",channel=\"push\",fallback=\"sms\"}");
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static String avoided()
    {
        return "dispatch_fallback_avoided_total{lane=\"push-push\",channel=\"push\",fallback=\"sms\"}";
    }

    private HttpResponse<String> confirm(final Dispatcher engine, final long id) throws Exception
    {
        return AdminHttp.post(engine.adminPort(), dataDir(), "/messages/" + id + "/delivered?tenant=demo");
    }

    static void directory(final DispatchClient c) throws Exception
    {
        final DirectoryBatch batch = new DirectoryBatch();
        batch.add(new DirectoryOpWriter().upsert("u1").string("phone", PHONE).pushToken("fcm", TOKEN).toBytes());
        final var result = c.updateDirectory(batch).get(10, TimeUnit.SECONDS);
        assertThat(result.applied()).as("%s", result.rejections()).isEqualTo(1);
    }

    static long submit(final DispatchClient c) throws Exception
    {
        final Submit s = Submit.builder().kind(MessageKind.INFORMATIONAL).channel(ChannelType.PUSH).to("fcm:" + TOKEN)
            .text("결제가 완료되었습니다").var("push.title", "Shop").build();
        return c.submit(s).get(10, TimeUnit.SECONDS).messageId();
    }

    static void awaitState(final DispatchClient c, final long id, final DeliveryState state) throws Exception
    {
        awaitTrue(() -> c.status(id).join().state() == state, "message " + id + " " + state);
    }

    static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime()).as("within 30 s: %s", what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    static DispatchClient connect(final int port)
    {
        return DispatchClient.connect(ClientConfig.builder().port(port).tenant("demo").apiKey("demo-key").build());
    }

    private Path dataDir()
    {
        return dir.resolve("data");
    }

    private Settings settings(final FcmTestPeer fcm, final SmscSimulator smsc) throws Exception
    {
        final Path password = dir.resolve("smsc.password");
        Files.writeString(password, "secret");
        return PushTestPeers.pushLane(SmppEngineSettings.of(dataDir(), smsc.port(), "esme", password), null, fcm)
            .set("lane.sms.connector.reconnectInitialMs", "50")
            .set("lane.push.fallback", "sms")
            .set("lane.push.fallbackUndeliveredMs", Long.toString(DEADLINE_MS));
    }
}
