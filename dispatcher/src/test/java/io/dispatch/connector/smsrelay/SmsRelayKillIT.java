package io.dispatch.connector.smsrelay;

import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.Submit;
import io.dispatch.json.Json;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.testing.ChildEngine;
import io.dispatch.testing.Statuses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 while the relay has a message whose answer never came: after the restart the engine sends it again only
 * after asking the relay, finds it there, and ends it DELIVERED from the relay's result, with one request in all.
 */
@Timeout(180)
class SmsRelayKillIT
{
    @TempDir
    Path dir;

    @Test
    void shouldNotResendAfterKillNineWhatTheRelayAlreadyTook() throws Exception
    {
        try (SmsRelayPeer peer = new SmsRelayPeer(SmsRelayConnectorTest.APP_KEY, SmsRelayConnectorTest.SECRET,
            SmsRelayConnectorTest.SEND_NO))
        {
            final Path secret = Files.writeString(dir.resolve("sms.secret"), SmsRelayConnectorTest.SECRET);
            final List<String> args = new ArrayList<>(List.of(
                "--set", "lane.sms.connector=smsrelay",
                "--set", "lane.sms.connector.baseUrl=" + peer.baseUrl(),
                "--set", "lane.sms.connector.appKey=" + SmsRelayConnectorTest.APP_KEY,
                "--set", "lane.sms.connector.sendNo=" + SmsRelayConnectorTest.SEND_NO,
                "--set", "lane.sms.connector.secretKeyFile=" + secret,
                // the engine is still waiting for the answer when it dies
                "--set", "lane.sms.connector.requestTimeoutMs=300000"));
            final Path data = dir.resolve("engine");
            final long id;
            // the relay takes the message and never answers
            peer.stallAfterAccepting(1);
            try (ChildEngine child = ChildEngine.start(data, args.toArray(String[]::new)))
            {
                try (DispatchClient client = DispatchClient.connect(ClientConfig.builder().host("127.0.0.1")
                    .port(child.port()).tenant("demo").apiKey("demo-key").build()))
                {
                    id = client.submit(Submit.builder().kind(MessageKind.INFORMATIONAL).channel(ChannelType.SMS)
                        .to("01012345678").text("주문이 발송되었습니다.").build()).join().messageId();
                    final long deadline = System.currentTimeMillis() + 30_000;
                    while (peer.accepted() == 0 && System.currentTimeMillis() < deadline)
                    {
                        Thread.sleep(10);
                    }
                    assertThat(peer.accepted()).isEqualTo(1);
                }
                child.kill();
                assertThat(child.awaitExit(10_000)).isTrue();
            }

            try (ChildEngine child = ChildEngine.start(data, args.toArray(String[]::new));
                DispatchClient client = DispatchClient.connect(ClientConfig.builder().host("127.0.0.1")
                    .port(child.port()).tenant("demo").apiKey("demo-key").build()))
            {
                assertThat(Statuses.awaitTerminal(client, id).state()).isEqualTo(DeliveryState.DELIVERED);
            }
            assertThat(peer.sends()).hasSize(1);
            assertThat(peer.received()).filteredOn(r -> r.method().equals("GET"))
                .extracting(r -> r.path().contains("recipientGroupingKey=" + id)).containsExactly(true);
            assertThat(Json.member(((List<?>)Json.member(peer.sends().get(0).body(), "recipientList")).get(0),
                "recipientGroupingKey")).isEqualTo(Long.toString(id));
        }
    }
}
