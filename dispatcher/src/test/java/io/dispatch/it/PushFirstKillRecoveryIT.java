package io.dispatch.it;

import io.dispatch.client.DispatchClient;
import io.dispatch.client.StatusResult;
import io.dispatch.connector.fcm.FcmTestPeer;
import io.dispatch.connector.smpp.SmscSimulator;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.testing.ChildEngine;
import io.dispatch.testing.Statuses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Push first, SMS by deadline across a kill -9 while the push waits for its confirmation: the engine is a child
 * process on the loopback FCM peer and SMSC; after the restart the deadline still counts from the journaled provider
 * acceptance, and the message ends with exactly one SMS to the directory's phone.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PushFirstKillRecoveryIT
{
    private static final long DEADLINE_MS = 8_000;

    @TempDir
    Path dir;

    @Test
    void shouldTextOnceAfterARestartWhenThePushWasUnconfirmedAtTheKill() throws Exception
    {
        try (FcmTestPeer fcm = new FcmTestPeer(dir); SmscSimulator smsc = new SmscSimulator("esme", "secret"))
        {
            final Path data = dir.resolve("data");
            final String[] args = args(fcm, smsc);
            final long id;
            try (ChildEngine child = ChildEngine.start(data, args);
                DispatchClient c = PushFirstSmsFallbackIT.connect(child.port()))
            {
                PushFirstSmsFallbackIT.directory(c);
                id = PushFirstSmsFallbackIT.submit(c);
                PushFirstSmsFallbackIT.awaitState(c, id, DeliveryState.PROVIDER_ACCEPTED);
                child.kill();
                assertThat(child.awaitExit(10_000)).isTrue();
            }
            try (ChildEngine child = ChildEngine.start(data, args);
                DispatchClient c = PushFirstSmsFallbackIT.connect(child.port()))
            {
                final StatusResult r = Statuses.awaitTerminal(c, id);
                assertThat(r.state()).as("%s", r).isEqualTo(DeliveryState.DELIVERED);
                assertThat(r.channel()).as("%s", r).isEqualTo(ChannelType.SMS);
                assertThat(smsc.submitsTo(PushFirstSmsFallbackIT.PHONE)).as("exactly one SMS").isEqualTo(1);
                assertThat(fcm.receivedByToken).as("the push went out before the kill only").hasSize(1);
            }
        }
    }

    /**
     * The message names a 3 s deadline on a lane whose own is an hour: after the restart the lane reads it back from
     * the journaled message, so the SMS leaves within the test and exactly once.
     */
    @Test
    void shouldKeepTheMessagesOwnDeadlineAcrossAKill() throws Exception
    {
        try (FcmTestPeer fcm = new FcmTestPeer(dir); SmscSimulator smsc = new SmscSimulator("esme", "secret"))
        {
            final Path data = dir.resolve("data");
            final String[] args = args(fcm, smsc, 3_600_000);
            final long id;
            try (ChildEngine child = ChildEngine.start(data, args);
                DispatchClient c = PushFirstSmsFallbackIT.connect(child.port()))
            {
                PushFirstSmsFallbackIT.directory(c);
                id = c.submit(PushFirstMessageDeadlineIT.push().fallbackAfter(Duration.ofSeconds(3)).build())
                    .get(10, TimeUnit.SECONDS).messageId();
                PushFirstSmsFallbackIT.awaitState(c, id, DeliveryState.PROVIDER_ACCEPTED);
                child.kill();
                assertThat(child.awaitExit(10_000)).isTrue();
            }
            assertThat(smsc.submits()).as("the kill came before the deadline").isZero();
            try (ChildEngine child = ChildEngine.start(data, args);
                DispatchClient c = PushFirstSmsFallbackIT.connect(child.port()))
            {
                final StatusResult r = Statuses.awaitTerminal(c, id);
                assertThat(r.state()).as("%s", r).isEqualTo(DeliveryState.DELIVERED);
                assertThat(r.channel()).as("%s", r).isEqualTo(ChannelType.SMS);
                assertThat(smsc.submitsTo(PushFirstSmsFallbackIT.PHONE)).as("exactly one SMS").isEqualTo(1);
                assertThat(fcm.receivedByToken).as("the push went out before the kill only").hasSize(1);
            }
        }
    }

    private String[] args(final FcmTestPeer fcm, final SmscSimulator smsc) throws Exception
    {
        return args(fcm, smsc, DEADLINE_MS);
    }

    private String[] args(final FcmTestPeer fcm, final SmscSimulator smsc, final long laneDeadlineMs) throws Exception
    {
        final Path password = dir.resolve("smsc.password");
        Files.writeString(password, "secret");
        final List<String> args = new ArrayList<>(List.of(
            "--set", "lane.sms.connector=smpp",
            "--set", "lane.sms.connector.host=127.0.0.1",
            "--set", "lane.sms.connector.port=" + smsc.port(),
            "--set", "lane.sms.connector.systemId=esme",
            "--set", "lane.sms.connector.passwordFile=" + password,
            "--set", "lane.sms.connector.reconnectInitialMs=50",
            "--set", "lane.push.connector=push",
            "--set", "lane.push.fallback=sms",
            "--set", "lane.push.fallbackUndeliveredMs=" + laneDeadlineMs));
        fcm.connectorSettings().forEach((k, v) ->
        {
            args.add("--set");
            args.add("lane.push.connector.fcm." + k + "=" + v);
        });
        return args.toArray(String[]::new);
    }
}
