package io.dispatch.connector.fcm;

import io.dispatch.connector.Connector;
import io.dispatch.json.Json;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.RecordingCallback;
import io.dispatch.testing.Requests;
import io.dispatch.testing.TestTls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.dispatch.testing.RecordingCallback.ACCEPTED;
import static io.dispatch.testing.RecordingCallback.failed;
import static io.dispatch.testing.RecordingCallback.rejected;
import static org.assertj.core.api.Assertions.assertThat;

/** The real {@code fcm} connector (Netty HTTP/2 over TLS) against {@link FcmTestPeer} on loopback; connection behaviour in {@link FcmConnectionTest}. */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FcmConnectorTest
{
    static final long ANSWER_MS = 10_000;

    Path dir;
    FcmTestPeer peer;
    Connector connector;
    final RecordingCallback callback = new RecordingCallback();
    final AtomicLong ids = new AtomicLong(5000);

    static String token(final String device)
    {
        return device + "-device:APA91b" + "x".repeat(40);
    }

    @BeforeAll
    void start(@TempDir final Path dir) throws Exception
    {
        this.dir = dir;
        peer = new FcmTestPeer(dir);
        peer.scripted.put(token("gone"), new FcmTestPeer.Answer(404, "NOT_FOUND", "UNREGISTERED", null));
        peer.scripted.put(token("quota"), new FcmTestPeer.Answer(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "7"));
        peer.scripted.put(token("busy"), new FcmTestPeer.Answer(503, "UNAVAILABLE", "UNAVAILABLE", "2"));
        peer.scripted.put(token("broken"), new FcmTestPeer.Answer(500, "INTERNAL", "INTERNAL", null));
        peer.scripted.put(token("other"), new FcmTestPeer.Answer(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", null));
        peer.scripted.put(token("apnskey"), new FcmTestPeer.Answer(401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR", null));
        connector = new FcmConnectorFactory().create(peer.connectorSettings());
        connector.start(callback);
    }

    @AfterAll
    void stop() throws Exception
    {
        if (connector != null)
        {
            connector.stop();
        }
        if (peer != null)
        {
            peer.close();
        }
    }

    @Test
    void shouldSendNotificationWithPriorityTtlAndOverridesAndReuseTheAccessToken() throws Exception
    {
        final long deadline = System.currentTimeMillis() + 600_000;
        final Map<String, String> vars = new LinkedHashMap<>();
        vars.put("push.title", "Shop");
        vars.put("push.collapseId", "order-42");
        vars.put("push.data.orderId", "42");
        final long first = ids.incrementAndGet();
        connector.send(Requests.push(first, MessageKind.AUTH, "fcm:" + token("good"), "인증번호 482913", vars, deadline), callback);
        assertThat(callback.await(first, ANSWER_MS)).isEqualTo(ACCEPTED);
        assertThat(callback.receipts.get(first)).isEqualTo(DeliveryState.DELIVERED);
        final long second = ids.incrementAndGet();
        connector.send(Requests.push(second, MessageKind.MARKETING, "fcm:" + token("ad"), "(광고) 세일"), callback);
        assertThat(callback.await(second, ANSWER_MS)).isEqualTo(ACCEPTED);

        final Map<String, Object> sent = peer.receivedByToken.get(token("good"));
        assertThat(Json.object(sent, "notification")).containsEntry("title", "Shop").containsEntry("body", "인증번호 482913");
        assertThat(Json.object(sent, "data")).containsEntry("orderId", "42")
            .as("the app confirms delivery with it").containsEntry("dispatch_message_id", Long.toString(first));
        final Map<String, Object> android = Json.object(sent, "android");
        assertThat(android).containsEntry("priority", "HIGH").containsEntry("collapse_key", "order-42");
        assertThat(Long.parseLong(((String)android.get("ttl")).replace("s", ""))).isBetween(590L, 600L);
        assertThat(Json.object(Json.object(sent, "apns"), "headers"))
            .containsEntry("apns-priority", "10")
            .containsEntry("apns-collapse-id", "order-42")
            .containsEntry("apns-expiration", Long.toString(deadline / 1000));
        assertThat(Json.object(Json.object(sent, "webpush"), "headers")).containsEntry("Urgency", "high");

        final Map<String, Object> marketing = peer.receivedByToken.get(token("ad"));
        assertThat(Json.object(marketing, "android")).containsEntry("priority", "NORMAL");
        assertThat(Json.object(Json.object(marketing, "apns"), "headers")).containsEntry("apns-priority", "5");
        assertThat(peer.grants.get()).as("one token grant serves many sends").isEqualTo(1);
    }

    @Test
    void shouldSendBackgroundPushAsDataOnly() throws Exception
    {
        final long id = ids.incrementAndGet();
        connector.send(Requests.push(id, MessageKind.INFORMATIONAL, "fcm:" + token("silent"), "sync",
            Map.of("push.pushType", "background"), System.currentTimeMillis() + 60_000), callback);
        assertThat(callback.await(id, ANSWER_MS)).isEqualTo(ACCEPTED);
        final Map<String, Object> sent = peer.receivedByToken.get(token("silent"));
        assertThat(sent).doesNotContainKey("notification");
        assertThat(Json.object(sent, "data")).containsEntry("body", "sync");
    }

    @Test
    void shouldMapFcmErrorsToOutcomes() throws Exception
    {
        final Map<String, RecordingCallback.Outcome> expected = new LinkedHashMap<>();
        expected.put("fcm:" + token("gone"), rejected(Reason.UNREGISTERED));
        expected.put("fcm:" + token("quota"), failed(Reason.PROVIDER_THROTTLED, 7000));
        expected.put("fcm:" + token("busy"), failed(Reason.PROVIDER_UNAVAILABLE, 2000));
        expected.put("fcm:" + token("broken"), failed(Reason.PROVIDER_UNAVAILABLE, 0));
        expected.put("fcm:" + token("other"), rejected(Reason.INVALID_RECIPIENT));
        expected.put("fcm:" + token("apnskey"), failed(Reason.PROVIDER_AUTH_FAILED, 0));
        expected.put("fcm:not-a-registration-token", rejected(Reason.INVALID_RECIPIENT)); // 400 from the peer
        expected.put("fcm:bad token!", rejected(Reason.INVALID_RECIPIENT)); // refused before sending
        final int grantsBefore = peer.grants.get();
        final Map<String, Long> idByRecipient = new HashMap<>();
        for (final String recipient : expected.keySet())
        {
            final long id = ids.incrementAndGet();
            idByRecipient.put(recipient, id);
            connector.send(Requests.push(id, MessageKind.INFORMATIONAL, recipient, "hi"), callback);
        }
        for (final Map.Entry<String, RecordingCallback.Outcome> e : expected.entrySet())
        {
            final long id = idByRecipient.get(e.getKey());
            assertThat(callback.await(id, ANSWER_MS)).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(callback.callbacks.get(id).get()).as("callbacks for %s", e.getKey()).isEqualTo(1);
        }
        assertThat(peer.grants.get()).as("THIRD_PARTY_AUTH_ERROR is not our token: no refresh").isEqualTo(grantsBefore);
    }

    @Test
    void shouldRejectBeforeSendingWhatFcmWouldRefuse() throws Exception
    {
        final long tooLarge = ids.incrementAndGet();
        connector.send(Requests.push(tooLarge, MessageKind.INFORMATIONAL, "fcm:" + token("big"), "x".repeat(4100)), callback);
        final long reserved = ids.incrementAndGet();
        connector.send(Requests.push(reserved, MessageKind.INFORMATIONAL, "fcm:" + token("reserved"), "hi",
            Map.of("push.data.google.key", "x"), System.currentTimeMillis() + 60_000), callback);
        assertThat(callback.await(tooLarge, ANSWER_MS)).isEqualTo(rejected(Reason.PAYLOAD_TOO_LARGE));
        assertThat(callback.await(reserved, ANSWER_MS)).isEqualTo(rejected(Reason.CONTENT_REJECTED));
        assertThat(peer.receivedByToken).doesNotContainKeys(token("big"), token("reserved"));
    }

    @Test
    void shouldRefreshTheAccessTokenOnceOn401ThenFail() throws Exception
    {
        peer.revokeAccessTokens();
        final int grants = peer.grants.get();
        final long refreshed = ids.incrementAndGet();
        connector.send(Requests.push(refreshed, MessageKind.INFORMATIONAL, "fcm:" + token("after-revoke"), "hi"), callback);
        assertThat(callback.await(refreshed, ANSWER_MS)).isEqualTo(ACCEPTED);
        assertThat(peer.grants.get()).isEqualTo(grants + 1);

        peer.refuseAllAccessTokens(true);
        try
        {
            final int unauthorized = peer.unauthorized.get();
            final long refused = ids.incrementAndGet();
            connector.send(Requests.push(refused, MessageKind.INFORMATIONAL, "fcm:" + token("refused"), "hi"), callback);
            assertThat(callback.await(refused, ANSWER_MS)).isEqualTo(failed(Reason.PROVIDER_AUTH_FAILED, 0));
            assertThat(peer.unauthorized.get()).as("one send, one refresh, one resend").isEqualTo(unauthorized + 2);
        }
        finally
        {
            peer.refuseAllAccessTokens(false);
        }
    }

    @Test
    void shouldRefreshTheAccessTokenBeforeItExpires() throws Exception
    {
        peer.tokenLifetimeS(2);
        final Connector shortLived = new FcmConnectorFactory().create(peer.connectorSettings());
        shortLived.start(callback);
        try
        {
            final long first = ids.incrementAndGet();
            shortLived.send(Requests.push(first, MessageKind.INFORMATIONAL, "fcm:" + token("early-1"), "hi"), callback);
            assertThat(callback.await(first, ANSWER_MS)).isEqualTo(ACCEPTED);
            final int grants = peer.grants.get();
            Thread.sleep(1_200); // past half of the 2 s lifetime, before its end
            final long second = ids.incrementAndGet();
            shortLived.send(Requests.push(second, MessageKind.INFORMATIONAL, "fcm:" + token("early-2"), "hi"), callback);
            assertThat(callback.await(second, ANSWER_MS)).isEqualTo(ACCEPTED);
            final long deadline = System.currentTimeMillis() + ANSWER_MS;
            while (peer.grants.get() == grants && System.currentTimeMillis() < deadline)
            {
                Thread.sleep(5);
            }
            assertThat(peer.grants.get()).as("refreshed in the background").isEqualTo(grants + 1);
        }
        finally
        {
            shortLived.stop();
            peer.tokenLifetimeS(3600);
        }
    }

    @Test
    void shouldCapRequestsInFlightPerConnection() throws Exception
    {
        final Map<String, String> settings = new HashMap<>(peer.connectorSettings());
        settings.put("maxInFlight", "1");
        settings.put("connections", "2");
        final Connector capped = new FcmConnectorFactory().create(settings);
        capped.start(callback);
        try
        {
            final long[] sent = {ids.incrementAndGet(), ids.incrementAndGet(), ids.incrementAndGet()};
            // the first two wait for the new connector's token grant, so both are still in flight
            for (final long id : sent)
            {
                capped.send(Requests.push(id, MessageKind.INFORMATIONAL, "fcm:" + token("cap-" + id), "hi"), callback);
            }
            assertThat(callback.await(sent[2], ANSWER_MS)).isEqualTo(failed(Reason.PROVIDER_THROTTLED, 0));
            assertThat(callback.await(sent[0], ANSWER_MS)).isEqualTo(ACCEPTED);
            assertThat(callback.await(sent[1], ANSWER_MS)).isEqualTo(ACCEPTED);
        }
        finally
        {
            capped.stop();
        }
    }

    @Test
    void shouldFailWithAuthReasonWhenTheTokenEndpointRefusesTheKey() throws Exception
    {
        final String original = Files.readString(Path.of(peer.connectorSettings().get("serviceAccountFile")));
        final int start = original.indexOf("\"private_key\":\"") + 15;
        final int end = original.indexOf('"', start);
        final StringBuilder otherKey = new StringBuilder();
        Json.quote(otherKey, TestTls.pem("PRIVATE KEY", TestTls.rsaKeyPair().getPrivate().getEncoded()));
        final Path file = Files.writeString(dir.resolve("other-account.json"),
            original.substring(0, start - 1) + otherKey + original.substring(end + 1));
        final Map<String, String> settings = new HashMap<>(peer.connectorSettings());
        settings.put("serviceAccountFile", file.toString());
        final int grantRequests = peer.grantRequests.get();
        final Connector wrongKey = new FcmConnectorFactory().create(settings);
        wrongKey.start(callback);
        try
        {
            final long id = ids.incrementAndGet();
            wrongKey.send(Requests.push(id, MessageKind.INFORMATIONAL, "fcm:" + token("good"), "hi"), callback);
            assertThat(callback.await(id, ANSWER_MS)).isEqualTo(failed(Reason.PROVIDER_AUTH_FAILED, 0));
            for (int i = 0; i < 5; i++)
            {
                final long again = ids.incrementAndGet();
                wrongKey.send(Requests.push(again, MessageKind.INFORMATIONAL, "fcm:" + token("good"), "hi"), callback);
                assertThat(callback.await(again, ANSWER_MS)).isEqualTo(failed(Reason.PROVIDER_AUTH_FAILED, 0));
            }
            // at most one more grant per second (a slow machine may cross one boundary), not one per send
            assertThat(peer.grantRequests.get()).as("a refused grant is not asked again for every send")
                .isBetween(grantRequests + 1, grantRequests + 2);
        }
        finally
        {
            wrongKey.stop();
        }
    }
}
