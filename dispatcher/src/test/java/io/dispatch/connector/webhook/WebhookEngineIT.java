package io.dispatch.connector.webhook;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.json.Json;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The real engine with {@code lane.chat.connector=webhook} posting to an HTTPS receiver on loopback. */
@Timeout(90)
class WebhookEngineIT
{
    @TempDir
    Path dir;

    @Test
    void shouldDeliverToTheReceiverAndRejectWhatItRefuses() throws Exception
    {
        final TestCertificate certificate = TestCertificate.generate(Files.createDirectories(dir.resolve("tls")),
            "dns:localhost,ip:127.0.0.1");
        try (WebhookReceiverPeer peer = new WebhookReceiverPeer(certificate.serverContext(), "engine-secret"))
        {
            peer.answer(recipient -> recipient.startsWith("gone") ? 410 : 200, Map.of());
            final Settings s = new Settings(new Properties());
            EngineFixture.settings(dir.resolve("engine")).withPrefix("").forEach((k, v) ->
            {
                if (!k.startsWith("lane.chat.connector."))
                {
                    s.set(k, v);
                }
            });
            s.set("lane.chat.connector", "webhook");
            s.set("lane.chat.connector.url", "https://localhost:" + peer.port() + "/messenger");
            s.set("lane.chat.connector.trustCertFile", certificate.certificatePem.toString());
            s.set("lane.chat.connector.secretFile", Files.writeString(dir.resolve("secret"), "engine-secret").toString());
            s.set("lane.chat.connector.requestTimeoutMs", "10000");
            try (Dispatcher engine = EngineFixture.launch(s);
                DispatchClient client = DispatchClient.connect(ClientConfig.builder().host("127.0.0.1")
                    .port(engine.port()).tenant("demo").apiKey("demo-key").build()))
            {
                final long ok = client.submit(Submit.builder().kind(MessageKind.INFORMATIONAL).channel(ChannelType.CHAT)
                    .to("employee-17").template("order-shipped").var("shop", "가게").var("tracking", "9").build())
                    .join().messageId();
                final long gone = client.submit(Submit.builder().kind(MessageKind.INFORMATIONAL)
                    .channel(ChannelType.CHAT).to("gone-3").text("hello").build()).join().messageId();

                assertThat(awaitTerminal(client, ok).state()).isEqualTo(DeliveryState.DELIVERED);
                final StatusResult rejected = awaitTerminal(client, gone);
                assertThat(rejected.state()).isEqualTo(DeliveryState.REJECTED);
                assertThat(rejected.reason()).isEqualTo(Reason.UNREGISTERED);
                assertThat(peer.deliveries()).hasSize(1);
                final Object body = peer.deliveries().get(0).body();
                assertThat(Json.member(body, "messageId")).isEqualTo(Long.toString(ok));
                assertThat(Json.member(body, "text")).isEqualTo("[가게] 주문하신 상품이 발송되었습니다. 송장번호 9");
            }
        }
    }

    private static StatusResult awaitTerminal(final DispatchClient client, final long id) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + 30_000;
        StatusResult s = client.status(id).join();
        while (!s.state().isTerminal() && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(20);
            s = client.status(id).join();
        }
        return s;
    }
}
