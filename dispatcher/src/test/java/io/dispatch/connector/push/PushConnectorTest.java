package io.dispatch.connector.push;

import io.dispatch.connector.Connector;
import io.dispatch.connector.apns.ApnsIds;
import io.dispatch.connector.apns.ApnsTestPeer;
import io.dispatch.connector.fcm.FcmTestPeer;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.RecordingCallback;
import io.dispatch.testing.Requests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static io.dispatch.testing.RecordingCallback.ACCEPTED;
import static io.dispatch.testing.RecordingCallback.rejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code push} router with real APNs and FCM connectors against both loopback peers. */
@Timeout(60)
class PushConnectorTest
{
    static final String IOS = "ab".repeat(32);
    static final String IOS_GONE = "cd".repeat(32);
    static final String ANDROID = "phone-one:APA91b" + "y".repeat(40);

    @TempDir
    Path dir;

    @Test
    void shouldRouteByRecipientPrefixToApnsAndFcm() throws Exception
    {
        try (ApnsTestPeer apns = new ApnsTestPeer(dir, Set.of(IOS), Map.of(IOS_GONE, Instant.now()), Map.of());
            FcmTestPeer fcm = new FcmTestPeer(dir))
        {
            final RecordingCallback callback = new RecordingCallback();
            final Connector push = new PushConnectorFactory().create(PushTestPeers.connectorSettings(apns, fcm));
            push.start(callback);
            try
            {
                push.send(Requests.push(1, MessageKind.INFORMATIONAL, "apns:" + IOS, "to iOS"), callback);
                push.send(Requests.push(2, MessageKind.INFORMATIONAL, "fcm:" + ANDROID, "to Android"), callback);
                push.send(Requests.push(3, MessageKind.INFORMATIONAL, "apns:" + IOS_GONE, "gone"), callback);
                push.send(Requests.push(4, MessageKind.INFORMATIONAL, "01012345678", "no prefix"), callback);
                push.send(Requests.push(5, MessageKind.INFORMATIONAL, ANDROID, "bare token"), callback);

                assertThat(callback.await(1, 10_000)).isEqualTo(ACCEPTED);
                assertThat(callback.await(2, 10_000)).isEqualTo(ACCEPTED);
                assertThat(callback.await(3, 10_000)).isEqualTo(rejected(Reason.UNREGISTERED));
                assertThat(callback.await(4, 10_000)).isEqualTo(rejected(Reason.INVALID_RECIPIENT));
                assertThat(callback.await(5, 10_000)).isEqualTo(rejected(Reason.INVALID_RECIPIENT));
                assertThat(callback.receipts).containsEntry(1L, DeliveryState.DELIVERED).containsEntry(2L, DeliveryState.DELIVERED);
                assertThat(apns.receivedByApnsId).containsKey(ApnsIds.toApnsId(1).toString());
                assertThat(fcm.receivedByToken).containsKey(ANDROID);
            }
            finally
            {
                push.stop();
            }
        }
    }

    @Test
    void shouldAnswerNoConnectorForAProviderThatIsNotConfigured() throws Exception
    {
        try (FcmTestPeer fcm = new FcmTestPeer(dir))
        {
            final RecordingCallback callback = new RecordingCallback();
            final Connector push = new PushConnectorFactory().create(PushTestPeers.connectorSettings(null, fcm));
            push.start(callback);
            try
            {
                push.send(Requests.push(1, MessageKind.INFORMATIONAL, "apns:" + IOS, "to iOS"), callback);
                assertThat(callback.await(1, 10_000)).isEqualTo(rejected(Reason.NO_CONNECTOR));
                assertThat(push.version()).contains("[apns: off]", "[fcm: fcm-2");
            }
            finally
            {
                push.stop();
            }
        }
    }

    @Test
    void shouldNameTheFullKeyInSettingErrors()
    {
        final PushConnectorFactory factory = new PushConnectorFactory();
        assertThatThrownBy(() -> factory.validate(Map.of()))
            .hasMessageContaining("needs lane.push.connector.apns.* or lane.push.connector.fcm.*");
        assertThatThrownBy(() -> factory.validate(Map.of("latencyMs", "1")))
            .hasMessageContaining("unknown setting 'lane.push.connector.latencyMs'");
        assertThatThrownBy(() -> factory.validate(Map.of("apns.topic", "x")))
            .hasMessageContaining("lane.push.connector.apns.keyId is required");
        assertThatThrownBy(() -> factory.validate(Map.of("fcm.projectId", "x")))
            .hasMessageContaining("lane.push.connector.fcm.serviceAccountFile is required");
    }
}
