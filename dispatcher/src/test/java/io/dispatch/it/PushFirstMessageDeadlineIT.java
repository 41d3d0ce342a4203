package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.DispatchException;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.connector.fcm.FcmTestPeer;
import io.dispatch.connector.push.PushTestPeers;
import io.dispatch.connector.smpp.SmppEngineSettings;
import io.dispatch.connector.smpp.SmscSimulator;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FallbackDeadline;
import io.dispatch.protocol.MessageKind;
import io.dispatch.testing.AdminHttp;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.Statuses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.dispatch.it.PushFirstSmsFallbackIT.PHONE;
import static io.dispatch.it.PushFirstSmsFallbackIT.TOKEN;
import static io.dispatch.it.PushFirstSmsFallbackIT.awaitState;
import static io.dispatch.it.PushFirstSmsFallbackIT.awaitTrue;
import static io.dispatch.it.PushFirstSmsFallbackIT.connect;
import static io.dispatch.it.PushFirstSmsFallbackIT.directory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Push first with a deadline the message names ({@code Submit.Builder#fallbackAfter}, the reserved variable
 * {@code fallback.undeliveredMs}) on a lane whose own receipt deadline is 60 s: the real engine, the loopback FCM
 * peer and SMSC, the engine's clock jumped over the deadlines instead of the test sleeping.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PushFirstMessageDeadlineIT
{
    private static final long LANE_DEADLINE_MS = 60_000;
    private static final long RECEIPT_TIMEOUT_MS = 3_600_000;

    @TempDir
    Path dir;

    private final JumpClock clock = new JumpClock(System.currentTimeMillis());

    @Test
    void shouldFallBackInDeadlineOrderEachOnceWhateverTheSubmitOrder() throws Exception
    {
        try (FcmTestPeer fcm = new FcmTestPeer(dir); SmscSimulator smsc = new SmscSimulator("esme", "secret");
            Dispatcher engine = EngineFixture.launch(settings(fcm, smsc), clock);
            DispatchClient c = connect(engine.port()))
        {
            directory(c);
            final long late = submit(c, Duration.ofSeconds(120));
            final long early = submit(c, Duration.ofSeconds(10));
            final long lanes = submit(c, null); // the lane's 60 s
            awaitState(c, late, DeliveryState.PROVIDER_ACCEPTED);
            awaitState(c, early, DeliveryState.PROVIDER_ACCEPTED);
            awaitState(c, lanes, DeliveryState.PROVIDER_ACCEPTED);

            clock.jump(11_000);
            assertThat(Statuses.awaitTerminal(c, early).channel()).as("10 s: texted").isEqualTo(ChannelType.SMS);
            assertOnPush(c, late);
            assertOnPush(c, lanes);
            assertThat(smsc.submitsTo(PHONE)).isEqualTo(1);

            clock.jump(50_000); // 61 s
            assertThat(Statuses.awaitTerminal(c, lanes).channel()).as("60 s: texted").isEqualTo(ChannelType.SMS);
            assertOnPush(c, late);
            awaitTrue(() -> smsc.submitsTo(PHONE) == 2, "the second SMS");

            clock.jump(60_000); // 121 s
            assertThat(Statuses.awaitTerminal(c, late).channel()).as("120 s: texted").isEqualTo(ChannelType.SMS);
            awaitTrue(() -> smsc.submitsTo(PHONE) == 3, "the third SMS");

            clock.jump(LANE_DEADLINE_MS * 2); // a second timer of a moved message would have fired by now
            final long sent = submit(c, Duration.ofSeconds(1)); // an event to await before counting the SMSs
            awaitState(c, sent, DeliveryState.PROVIDER_ACCEPTED);
            clock.jump(2_000);
            assertThat(Statuses.awaitTerminal(c, sent).channel()).isEqualTo(ChannelType.SMS);
            awaitTrue(() -> smsc.submitsTo(PHONE) == 4, "the fourth SMS");
            assertThat(smsc.submits()).as("one SMS each, never a second").isEqualTo(4);
            assertThat(fcm.receivedByToken).containsKey(TOKEN);
        }
    }

    @Test
    void shouldNeverTextAPushConfirmedBeforeItsOwnDeadline() throws Exception
    {
        try (FcmTestPeer fcm = new FcmTestPeer(dir); SmscSimulator smsc = new SmscSimulator("esme", "secret");
            Dispatcher engine = EngineFixture.launch(settings(fcm, smsc), clock);
            DispatchClient c = connect(engine.port()))
        {
            directory(c);
            final long confirmed = submit(c, Duration.ofSeconds(5));
            final long unconfirmed = submit(c, Duration.ofSeconds(5));
            awaitState(c, confirmed, DeliveryState.PROVIDER_ACCEPTED);
            awaitState(c, unconfirmed, DeliveryState.PROVIDER_ACCEPTED);
            assertThat(AdminHttp.post(engine.adminPort(), dir.resolve("data"),
                "/messages/" + confirmed + "/delivered?tenant=demo").statusCode()).isEqualTo(202);
            final StatusResult r = Statuses.awaitTerminal(c, confirmed);
            assertThat(r.state()).as("%s", r).isEqualTo(DeliveryState.DELIVERED);

            clock.jump(6_000);
            assertThat(Statuses.awaitTerminal(c, unconfirmed).channel()).as("the lane passed the deadline")
                .isEqualTo(ChannelType.SMS);
            awaitTrue(() -> smsc.submits() == 1, "the unconfirmed one's SMS");
            clock.jump(LANE_DEADLINE_MS);
            final long after = submit(c, Duration.ofSeconds(1));
            awaitState(c, after, DeliveryState.PROVIDER_ACCEPTED);
            clock.jump(2_000);
            awaitTrue(() -> smsc.submits() == 2, "a later message's SMS");
            assertThat(c.status(confirmed).get(10, TimeUnit.SECONDS).channel()).isEqualTo(ChannelType.PUSH);
        }
    }

    @Test
    void shouldRefuseADeadlineOutOfBoundsMalformedOrOnALaneWithoutOne() throws Exception
    {
        try (FcmTestPeer fcm = new FcmTestPeer(dir); SmscSimulator smsc = new SmscSimulator("esme", "secret");
            Dispatcher engine = EngineFixture.launch(settings(fcm, smsc), clock);
            DispatchClient c = connect(engine.port()))
        {
            assertRefused(c, push().var(FallbackDeadline.VARIABLE, "60s"), "milliseconds from 1000 to 3599999");
            assertRefused(c, push().var(FallbackDeadline.VARIABLE, "999"), "milliseconds from 1000 to 3599999");
            assertRefused(c, push().var(FallbackDeadline.VARIABLE, Long.toString(RECEIPT_TIMEOUT_MS)),
                "below the lane's receiptTimeoutMs");
            assertRefused(c, Submit.builder().channel(ChannelType.SMS).to(PHONE).text("hi")
                .fallbackAfter(Duration.ofSeconds(60)), "the sms lane has no receipt deadline to override");
            assertThatThrownBy(() -> push().fallbackAfter(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fallbackAfter");
            assertThat(smsc.submits()).isZero();
            assertThat(fcm.receivedByToken).isEmpty();
        }
    }

    private static void assertRefused(final DispatchClient c, final Submit.Builder s, final String detail)
    {
        assertThatThrownBy(() -> c.submit(s.build()).get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(DispatchException.class)
            .satisfies(ex -> assertThat(((DispatchException)ex).code()).isEqualTo(ErrorCode.INVALID_FIELD))
            .hasMessageContaining("var " + FallbackDeadline.VARIABLE)
            .hasMessageContaining(detail);
    }

    private static void assertOnPush(final DispatchClient c, final long id) throws Exception
    {
        final StatusResult r = c.status(id).get(10, TimeUnit.SECONDS);
        assertThat(r.channel()).as("%s", r).isEqualTo(ChannelType.PUSH);
        assertThat(r.state()).as("%s", r).isEqualTo(DeliveryState.PROVIDER_ACCEPTED);
    }

    static Submit.Builder push()
    {
        return Submit.builder().kind(MessageKind.INFORMATIONAL).channel(ChannelType.PUSH).to("fcm:" + TOKEN)
            .text("결제가 완료되었습니다").var("push.title", "Shop");
    }

    static long submit(final DispatchClient c, final Duration fallbackAfter) throws Exception
    {
        final Submit.Builder s = push();
        if (fallbackAfter != null)
        {
            s.fallbackAfter(fallbackAfter);
        }
        return c.submit(s.build()).get(10, TimeUnit.SECONDS).messageId();
    }

    private Settings settings(final FcmTestPeer fcm, final SmscSimulator smsc) throws Exception
    {
        final Path password = dir.resolve("smsc.password");
        Files.writeString(password, "secret");
        return PushTestPeers.pushLane(SmppEngineSettings.of(dir.resolve("data"), smsc.port(), "esme", password), null, fcm)
            .set("lane.sms.connector.reconnectInitialMs", "50")
            .set("lane.push.fallback", "sms")
            .set("lane.push.receiptTimeoutMs", Long.toString(RECEIPT_TIMEOUT_MS))
            .set("lane.push.fallbackUndeliveredMs", Long.toString(LANE_DEADLINE_MS));
    }
}
