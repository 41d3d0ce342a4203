package io.dispatch.connector.apns;

import com.eatthepath.pushy.apns.server.RejectionReason;
import io.dispatch.connector.Connector;
import io.dispatch.connector.DeliveryRequest;
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

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static io.dispatch.testing.RecordingCallback.ACCEPTED;
import static io.dispatch.testing.RecordingCallback.failed;
import static io.dispatch.testing.RecordingCallback.rejected;
import static org.assertj.core.api.Assertions.assertThat;

/** The real {@code apns} connector (Pushy client) against Pushy's MockApnsServer over TLS on loopback. */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApnsConnectorTest
{
    static final String GOOD = "a1".repeat(32);
    static final String GONE = "b2".repeat(32);
    static final String BUSY = "c3".repeat(32);
    static final String BROKEN = "d4".repeat(32);
    static final String DOWN = "e5".repeat(32);
    static final String UNKNOWN = "f6".repeat(32);
    static final long ANSWER_MS = 10_000;

    Path dir;
    ApnsTestPeer peer;
    Connector connector;
    final RecordingCallback callback = new RecordingCallback();
    final AtomicLong ids = new AtomicLong(1000);

    @BeforeAll
    void start(@TempDir final Path dir) throws Exception
    {
        this.dir = dir;
        peer = new ApnsTestPeer(dir, Set.of(GOOD), Map.of(GONE, Instant.now().minusSeconds(60)),
            Map.of(BUSY, RejectionReason.TOO_MANY_REQUESTS, BROKEN, RejectionReason.INTERNAL_SERVER_ERROR,
                DOWN, RejectionReason.SERVICE_UNAVAILABLE));
        connector = new ApnsConnectorFactory().create(peer.connectorSettings());
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
    void shouldSendAlertWithHeadersFromTheMessageAndReportDelivered() throws Exception
    {
        final long id = ids.incrementAndGet();
        final long deadline = System.currentTimeMillis() + 600_000;
        final DeliveryRequest request = Requests.push(id, MessageKind.INFORMATIONAL, "apns:" + GOOD.toUpperCase(),
            "주문이 접수되었습니다", Map.of("push.title", "Shop", "push.collapseId", "order-42", "push.data.orderId", "42"),
            deadline);
        connector.send(request, callback);

        assertThat(callback.await(id, ANSWER_MS)).isEqualTo(ACCEPTED);
        assertThat(callback.receipts.get(id)).isEqualTo(DeliveryState.DELIVERED);
        final ApnsTestPeer.Received received = peer.receivedByApnsId.get(ApnsIds.toApnsId(id).toString());
        assertThat(received).as("the apns-id carries the message id").isNotNull();
        assertThat(received.token()).isEqualTo(GOOD);
        assertThat(received.headers())
            .containsEntry("apns-topic", ApnsTestPeer.TOPIC)
            .containsEntry("apns-priority", "10")
            .containsEntry("apns-push-type", "alert")
            .containsEntry("apns-collapse-id", "order-42")
            .containsEntry("apns-expiration", Long.toString(deadline / 1000));
        assertThat(received.payload()).contains("\"body\":\"주문이 접수되었습니다\"", "\"title\":\"Shop\"", "\"orderId\":\"42\"");
        assertThat(ApnsIds.toMessageId(ApnsIds.toApnsId(id))).isEqualTo(id);
    }

    @Test
    void shouldSendMarketingAtPowerSavingPriorityAndBackgroundAsSilentPush() throws Exception
    {
        final long marketing = ids.incrementAndGet();
        connector.send(Requests.push(marketing, MessageKind.MARKETING, "apns:" + GOOD, "(광고) 세일"), callback);
        final long silent = ids.incrementAndGet();
        connector.send(Requests.push(silent, MessageKind.INFORMATIONAL, GOOD, "sync",
            Map.of("push.pushType", "background"), System.currentTimeMillis() + 60_000), callback);

        assertThat(callback.await(marketing, ANSWER_MS)).isEqualTo(ACCEPTED);
        assertThat(callback.await(silent, ANSWER_MS)).isEqualTo(ACCEPTED);
        assertThat(peer.receivedByApnsId.get(ApnsIds.toApnsId(marketing).toString()).headers())
            .containsEntry("apns-priority", "5");
        final ApnsTestPeer.Received background = peer.receivedByApnsId.get(ApnsIds.toApnsId(silent).toString());
        assertThat(background.headers()).containsEntry("apns-push-type", "background").containsEntry("apns-priority", "5");
        assertThat(background.payload()).contains("\"content-available\":1", "\"body\":\"sync\"").doesNotContain("alert");
    }

    @Test
    void shouldMapProviderAnswersToOutcomes() throws Exception
    {
        final Map<String, RecordingCallback.Outcome> expected = new HashMap<>();
        expected.put(GONE, rejected(Reason.UNREGISTERED));
        expected.put(BUSY, failed(Reason.PROVIDER_THROTTLED, 0));
        expected.put(BROKEN, failed(Reason.PROVIDER_UNAVAILABLE, 0));
        expected.put(DOWN, failed(Reason.PROVIDER_UNAVAILABLE, 0));
        expected.put(UNKNOWN, rejected(Reason.INVALID_RECIPIENT)); // 400 BadDeviceToken
        final Map<String, Long> idByToken = new HashMap<>();
        for (final String token : expected.keySet())
        {
            final long id = ids.incrementAndGet();
            idByToken.put(token, id);
            connector.send(Requests.push(id, MessageKind.AUTH, "apns:" + token, "code 482913"), callback);
        }
        for (final Map.Entry<String, RecordingCallback.Outcome> e : expected.entrySet())
        {
            final long id = idByToken.get(e.getKey());
            assertThat(callback.await(id, ANSWER_MS)).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(callback.callbacks.get(id).get()).as("callbacks for %s", e.getKey()).isEqualTo(1);
            assertThat(callback.receipts).doesNotContainKey(id);
        }
    }

    @Test
    void shouldRejectBeforeSendingWhatApnsWouldRefuse() throws Exception
    {
        final long tooLarge = ids.incrementAndGet();
        connector.send(Requests.push(tooLarge, MessageKind.INFORMATIONAL, "apns:" + GOOD, "x".repeat(4100)), callback);
        final long longCollapseId = ids.incrementAndGet();
        connector.send(Requests.push(longCollapseId, MessageKind.INFORMATIONAL, "apns:" + GOOD, "hi",
            Map.of("push.collapseId", "c".repeat(65)), System.currentTimeMillis() + 60_000), callback);
        final long notHex = ids.incrementAndGet();
        connector.send(Requests.push(notHex, MessageKind.INFORMATIONAL, "apns:not-a-token", "hi"), callback);
        final long typo = ids.incrementAndGet();
        connector.send(Requests.push(typo, MessageKind.INFORMATIONAL, "apns:" + GOOD, "hi",
            Map.of("push.titel", "typo"), System.currentTimeMillis() + 60_000), callback);

        assertThat(callback.await(tooLarge, ANSWER_MS)).isEqualTo(rejected(Reason.PAYLOAD_TOO_LARGE));
        assertThat(callback.await(longCollapseId, ANSWER_MS)).isEqualTo(rejected(Reason.CONTENT_REJECTED));
        assertThat(callback.await(notHex, ANSWER_MS)).isEqualTo(rejected(Reason.INVALID_RECIPIENT));
        assertThat(callback.await(typo, ANSWER_MS)).isEqualTo(rejected(Reason.CONTENT_REJECTED));
        for (final long id : new long[] {tooLarge, longCollapseId, notHex, typo})
        {
            assertThat(peer.receivedByApnsId).doesNotContainKey(ApnsIds.toApnsId(id).toString());
        }
    }

    @Test
    void shouldFailWithAuthReasonWhenTheSigningKeyIsNotTheOneApnsKnows() throws Exception
    {
        final Map<String, String> settings = new HashMap<>(peer.connectorSettings());
        settings.put("keyFile", TestTls.writePem(dir.resolve("other.p8"), "PRIVATE KEY",
            TestTls.ecKeyPair().getPrivate().getEncoded()).toString());
        final Connector wrongKey = new ApnsConnectorFactory().create(settings);
        wrongKey.start(callback);
        try
        {
            final long id = ids.incrementAndGet();
            wrongKey.send(Requests.push(id, MessageKind.INFORMATIONAL, "apns:" + GOOD, "hi"), callback);
            assertThat(callback.await(id, ANSWER_MS)).isEqualTo(failed(Reason.PROVIDER_AUTH_FAILED, 0));
        }
        finally
        {
            wrongKey.stop();
        }
    }

    @Test
    void shouldSlowTheLaneWhenTheInFlightCapIsReached() throws Exception
    {
        final Map<String, String> settings = new HashMap<>(peer.connectorSettings());
        settings.put("maxInFlight", "1");
        final Connector capped = new ApnsConnectorFactory().create(settings);
        capped.start(callback);
        try
        {
            final long first = ids.incrementAndGet();
            final long second = ids.incrementAndGet();
            // the first send waits for the TLS handshake of a new connection, so it is still in flight
            capped.send(Requests.push(first, MessageKind.INFORMATIONAL, "apns:" + GOOD, "one"), callback);
            capped.send(Requests.push(second, MessageKind.INFORMATIONAL, "apns:" + GOOD, "two"), callback);
            assertThat(callback.await(second, ANSWER_MS)).isEqualTo(failed(Reason.PROVIDER_THROTTLED, 0));
            assertThat(callback.await(first, ANSWER_MS)).isEqualTo(ACCEPTED);
        }
        finally
        {
            capped.stop();
        }
    }

    @Test
    void shouldFailTransientlyWhenApnsCannotBeReached() throws Exception
    {
        final Map<String, String> settings = new HashMap<>(peer.connectorSettings());
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            settings.put("port", Integer.toString(closed.getLocalPort()));
        }
        settings.put("connectTimeoutMs", "1000");
        final Connector unreachable = new ApnsConnectorFactory().create(settings);
        unreachable.start(callback);
        try
        {
            final long id = ids.incrementAndGet();
            unreachable.send(Requests.push(id, MessageKind.INFORMATIONAL, "apns:" + GOOD, "hi"), callback);
            assertThat(callback.await(id, ANSWER_MS)).isEqualTo(failed(Reason.PROVIDER_UNAVAILABLE, 0));
        }
        finally
        {
            unreachable.stop();
        }
    }
}
