package io.dispatch.inbound;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.InboundMessage;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.AdminHttp;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.Statuses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.dispatch.protocol.ConsentFlags.AD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 080 opt-out webhook on a real engine: the provider's UNSUBSCRIBE reaches the consent ledger (marketing to the
 * phone is SUPPRESSED, informational still goes), the inbound stream, and survives a restart; a wrong signature
 * changes nothing; a redelivery is journaled once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OptOut080IT
{
    private static final String PROMO = "(광고)[shop] 50% sale 무료수신거부 080-000-0000";
    private static final String PHONE = "01055550009";
    private static final String TOKEN = "nhn-webhook-signature-1234";
    private static final String HOOK = "{\"hooksId\":\"h-1\",\"webhookConfigId\":\"c\",\"productName\":\"SMS\"," +
        "\"appKey\":\"k\",\"event\":\"UNSUBSCRIBE\",\"hooks\":[{\"hookId\":\"hook-1\",\"recipientNo\":\"010-5555-0009\"," +
        "\"unsubscribeNo\":\"080-1234-1234\",\"enterpriseName\":\"Shop\",\"createdDateTime\":\"2026-11-25T11:59:00.000+09:00\"}]}";

    @TempDir
    Path dir;

    private final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Dispatcher launch() throws Exception
    {
        final Settings s = EngineFixture.settings(dir);
        s.set("optout080.port", "0");
        s.set("optout080.token.demo", TOKEN);
        return EngineFixture.launch(s, clock);
    }

    private static DispatchClient connect(final int port)
    {
        return DispatchClient.connect(ClientConfig.builder().port(port).tenant("demo").apiKey("demo-key").build());
    }

    private int post(final Dispatcher engine, final String signature, final String body) throws Exception
    {
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.optOut080Port() + "/080/demo"))
            .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json;charset=UTF-8")
            .header(OptOut080Receiver.SIGNATURE_HEADER, signature).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static StatusResult send(final DispatchClient c, final MessageKind kind) throws Exception
    {
        final Submit s = Submit.builder().kind(kind).channel(ChannelType.SMS).to(PHONE)
            .text(kind == MessageKind.MARKETING ? PROMO : "order 42 shipped").build();
        return Statuses.awaitTerminal(c, c.submit(s).get(10, TimeUnit.SECONDS).messageId());
    }

    @Test
    void shouldSuppressMarketingToAPhoneThatOptedOutByCalling080AlsoAfterARestart() throws Exception
    {
        try (Dispatcher engine = launch(); DispatchClient c = connect(engine.port()))
        {
            c.updateConsent(PHONE, ChannelType.SMS, AD, 0, "signup-form").get(10, TimeUnit.SECONDS);
            assertThat(send(c, MessageKind.MARKETING).state()).isEqualTo(DeliveryState.DELIVERED);

            assertThat(post(engine, "wrong-signature-0000000", HOOK)).isEqualTo(401);
            assertThat(send(c, MessageKind.MARKETING).state()).as("a forged opt-out changes nothing")
                .isEqualTo(DeliveryState.DELIVERED);

            assertThat(post(engine, TOKEN, HOOK)).isEqualTo(200);
            assertThat(post(engine, TOKEN, HOOK)).as("a redelivery").isEqualTo(200);
            assertThat(post(engine, TOKEN, "{\"event\":\"UNSUBSCRIBE\",\"hooks\":[{\"hookId\":\"x\"}]}"))
                .as("no recipientNo").isEqualTo(400);

            final StatusResult suppressed = send(c, MessageKind.MARKETING);
            assertThat(suppressed.state()).isEqualTo(DeliveryState.SUPPRESSED);
            assertThat(suppressed.reason()).isEqualTo(Reason.OPTED_OUT);
            assertThat(send(c, MessageKind.INFORMATIONAL).state()).as("an opt-out is from ads only")
                .isEqualTo(DeliveryState.DELIVERED);
        }
        try (Dispatcher engine = launch(); DispatchClient c = connect(engine.port()))
        {
            assertThat(send(c, MessageKind.MARKETING).reason()).as("after a restart").isEqualTo(Reason.OPTED_OUT);
            final LinkedBlockingQueue<InboundMessage> inbound = new LinkedBlockingQueue<>();
            c.subscribeInbound(0, inbound::add).get(10, TimeUnit.SECONDS);
            final InboundMessage m = inbound.poll(10, TimeUnit.SECONDS);
            assertThat(m).isNotNull();
            assertThat(m.kind()).isEqualTo(InboundMessage.Kind.OPT_OUT);
            assertThat(m.channel()).isEqualTo(ChannelType.SMS);
            assertThat(m.from()).isEqualTo(PHONE);
            assertThat(m.to()).isEqualTo("08012341234");
            assertThat(m.providerEventId()).isEqualTo("hook-1");
            assertThat(m.payload()).contains("\"enterpriseName\":\"Shop\"");
            assertThat(inbound.poll(300, TimeUnit.MILLISECONDS)).as("the redelivery was journaled once").isNull();

            final String ledger = AdminHttp.get(engine.adminPort(), dir, "/tenants/demo/consent?format=csv").body();
            assertThat(ledger.lines().filter(l -> l.contains("inbound sms opt_out event hook-1")))
                .as("in the consent ledger with the webhook as evidence:%n%s", ledger)
                .anySatisfy(l -> assertThat(l).contains(PHONE).contains("opt_out"));
        }
    }
}
