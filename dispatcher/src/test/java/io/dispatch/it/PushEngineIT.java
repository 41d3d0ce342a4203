package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.connector.apns.ApnsIds;
import io.dispatch.connector.apns.ApnsTestPeer;
import io.dispatch.connector.fcm.FcmTestPeer;
import io.dispatch.connector.push.PushTestPeers;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.Statuses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole engine with {@code lane.push.connector=push} against the loopback APNs and FCM peers:
 * submits through the real client and checks receipts and STATUS for accepted and unregistered tokens,
 * then each provider's counters on the admin endpoint's {@code GET /metrics}.
 */
@Timeout(120)
class PushEngineIT
{
    static final String IOS = "0a".repeat(32);
    static final String IOS_GONE = "0b".repeat(32);
    /** Real registration tokens are about 160 characters: a 22-character instance id, ':', "APA91b" and 134 more. */
    static final String ANDROID = "dPhx8Ka9QkKbBvZ3hS2c1a:APA91b" + "Hq7mZ-x_4".repeat(15);
    static final String ANDROID_GONE = "eQiy9Lb0RlLcCwA4iT3d2b:APA91b" + "Jr8nA-y_5".repeat(15);

    @TempDir
    Path dir;

    @Test
    void shouldDeliverToIosAndAndroidAndRejectUnregisteredTokens() throws Exception
    {
        try (ApnsTestPeer apns = new ApnsTestPeer(dir, Set.of(IOS), Map.of(IOS_GONE, Instant.now()), Map.of());
            FcmTestPeer fcm = new FcmTestPeer(dir))
        {
            fcm.scripted.put(ANDROID_GONE, new FcmTestPeer.Answer(404, "NOT_FOUND", "UNREGISTERED", null));
            final Settings settings = PushTestPeers.pushLane(EngineFixture.settings(dir.resolve("engine")), apns, fcm);
            final Map<Long, DeliveryState> lastReceipt = new ConcurrentHashMap<>();
            try (Dispatcher engine = EngineFixture.launch(settings);
                DispatchClient client = DispatchClient.connect(ClientConfig.builder().port(engine.port()).build()))
            {
                client.subscribeReceipts(Frames.SCOPE_CONNECTION,
                    (id, state, attempts, reason, at) -> lastReceipt.put(id, state)).get(10, TimeUnit.SECONDS);
                final Map<String, Long> ids = new LinkedHashMap<>();
                for (final String to : new String[] {"apns:" + IOS, "fcm:" + ANDROID, "apns:" + IOS_GONE, "fcm:" + ANDROID_GONE})
                {
                    final Submit submit = Submit.builder().kind(MessageKind.INFORMATIONAL).channel(ChannelType.PUSH).to(to)
                        .text("배송이 시작되었습니다").var("push.title", "Shop").key("it-" + Integer.toHexString(to.hashCode())).build();
                    ids.put(to, client.submit(submit).get(10, TimeUnit.SECONDS).messageId());
                }

                assertThat(Statuses.awaitTerminal(client, ids.get("apns:" + IOS))).extracting(StatusResult::state, StatusResult::reason)
                    .containsExactly(DeliveryState.DELIVERED, Reason.NONE);
                assertThat(Statuses.awaitTerminal(client, ids.get("fcm:" + ANDROID))).extracting(StatusResult::state, StatusResult::reason)
                    .containsExactly(DeliveryState.DELIVERED, Reason.NONE);
                assertThat(Statuses.awaitTerminal(client, ids.get("apns:" + IOS_GONE))).extracting(StatusResult::state, StatusResult::reason)
                    .containsExactly(DeliveryState.REJECTED, Reason.UNREGISTERED);
                assertThat(Statuses.awaitTerminal(client, ids.get("fcm:" + ANDROID_GONE))).extracting(StatusResult::state, StatusResult::reason)
                    .containsExactly(DeliveryState.REJECTED, Reason.UNREGISTERED);

                assertThat(apns.receivedByApnsId).as("the apns-id carries the engine's message id")
                    .containsKey(ApnsIds.toApnsId(ids.get("apns:" + IOS)).toString());
                assertThat(fcm.receivedByToken).containsKey(ANDROID);
                final long deadline = System.currentTimeMillis() + 10_000;
                while (lastReceipt.size() < ids.size() && System.currentTimeMillis() < deadline)
                {
                    Thread.sleep(10);
                }
                assertThat(lastReceipt).containsEntry(ids.get("apns:" + IOS), DeliveryState.DELIVERED)
                    .containsEntry(ids.get("fcm:" + ANDROID_GONE), DeliveryState.REJECTED);

                // each provider's own counters, through the real admin endpoint, labelled by lane and connector
                final String metrics = get(engine.adminPort(), "/metrics");
                for (final String provider : new String[] {"apns", "fcm"})
                {
                    final String labels = "{lane=\"push-push\",connector=\"" + provider + "\"";
                    assertThat(metrics).as(provider)
                        .contains("dispatch_connector_sent_total" + labels + "} 2\n")
                        .contains("dispatch_connector_accepted_total" + labels + "} 1\n")
                        .contains("dispatch_connector_rejected_total" + labels + ",reason=\"UNREGISTERED\"} 1\n")
                        .contains("dispatch_connector_answer_latency_seconds_count" + labels + "} 2\n")
                        .contains("dispatch_connector_throttled_total" + labels + "} 0\n");
                }
                assertThat(metrics).contains("dispatch_connector_stream_capacity{lane=\"push-push\",connector=\"fcm\"} ");
                assertThat(metrics.split("# TYPE dispatch_connector_sent_total counter", -1)).as("one family header").hasSize(2);
                assertThat(io.dispatch.testing.PrometheusTextParser.parse(metrics)).as("a strict parser reads the page")
                    .containsKeys("dispatch_connector_sent_total", "dispatch_connector_stream_capacity",
                        "dispatch_connector_requests_in_flight");
            }
        }
    }

    static String get(final int port, final String path) throws Exception
    {
        try (java.io.InputStream in = new java.net.URL("http://127.0.0.1:" + port + path).openStream())
        {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
