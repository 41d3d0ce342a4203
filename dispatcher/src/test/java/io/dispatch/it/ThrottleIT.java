package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.RawConnection.Frame;
import io.dispatch.connector.runtime.LaneMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end against the simulated provider's quota: it answers PROVIDER_THROTTLED with a retry-after
 * beyond 100 sends a second. With a single attempt allowed, every message is still delivered: the
 * lane paused and slowed down instead of spending attempts.
 */
@Timeout(60)
class ThrottleIT
{
    @TempDir
    Path dir;

    @Test
    void shouldDeliverEveryMessageOfAThrottledBurstWithoutSpendingAttempts() throws Exception
    {
        final Settings s = EngineFixture.settings(dir);
        s.set("lane.sms.maxAttempts", "1");
        s.set("lane.sms.window", "32");
        s.set("lane.sms.connector.maxPerSecond", "100");
        s.set("lane.sms.connector.throttleRetryAfterMs", "100");
        try (Dispatcher d = EngineFixture.launch(s);
            RawConnection c = RawConnection.open(d.port(), "demo", "demo-key"))
        {
            final List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 300; i++)
            {
                c.submit(i + 1, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "0105555" + i, "burst");
            }
            while (ids.size() < 300)
            {
                final Frame f = c.read();
                if (f.type == MessageType.ACK)
                {
                    ids.add(f.messageId());
                }
            }
            final List<Integer> states = StatusPoller.awaitTerminal(c, ids, 40_000);
            assertThat(states).allMatch(st -> st == DeliveryState.DELIVERED.code());
            final LaneMetrics m = d.lane(ChannelType.SMS).metrics();
            assertThat(m.get(LaneMetrics.THROTTLED)).as("the provider did throttle").isPositive();
            assertThat(m.get(LaneMetrics.THROTTLE_EPISODES)).isPositive();
            assertThat(m.deadLetters(io.dispatch.protocol.Reason.RETRIES_EXHAUSTED)).isZero();
        }
    }
}
