package io.dispatch.connector.runtime;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message whose template is no longer configured (removed before a restart) ends FAILED(TEMPLATE_MISMATCH) at its
 * send: the connector never gets a request without text, nothing is retried, and the lane's window stays whole.
 */
@Timeout(30)
class ConnectorLaneTemplateTest
{
    @TempDir
    Path dir;

    @Test
    void shouldEndAMessageWhoseTemplateIsGoneWithoutSendingOrRetryingIt() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.sms.window", "1")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final long orphan = h.acceptTemplated(MessageKind.INFORMATIONAL, ChannelType.SMS, "01011112222", "gone");
            final long plain = h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "01033334444", 3600);
            sms.submit(orphan, MessageKind.INFORMATIONAL);
            sms.submit(plain, MessageKind.INFORMATIONAL);
            sms.settle();
            h.clock.advance(60_000);
            sms.settle();

            assertThat(sms.states().of(orphan))
                .extracting(CapturingStateSink.Change::state, CapturingStateSink.Change::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(DeliveryState.FAILED, Reason.TEMPLATE_MISMATCH));
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId)
                .as("the one window slot was given back").containsExactly(plain);
            assertThat(sms.lane().deadLetters().newest(10)).extracting(DeadLetters.Entry::messageId).containsExactly(orphan);
            sms.provider().acceptAll();
            sms.settle();
            assertThat(sms.lane().admission().inSystem()).isZero();
        }
    }
}
