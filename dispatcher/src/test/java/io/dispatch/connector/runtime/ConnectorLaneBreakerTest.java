package io.dispatch.connector.runtime;

import io.dispatch.config.BreakerSettings;
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

/** The lane's circuit breaker holds sends while the provider keeps failing, probes, and closes on success. */
@Timeout(30)
class ConnectorLaneBreakerTest
{
    @TempDir
    Path dir;

    @Test
    void shouldOpenHoldProbeAndCloseWithoutFailingWaitingMessages() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of("lane.sms.breakerConsecutiveFailures", "3",
            "lane.sms.breakerOpenMs", "1000", "lane.sms.window", "3", "lane.sms.retryBaseMs", "10",
            "lane.sms.retryMaxMs", "10")))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            for (int i = 0; i < 10; i++)
            {
                sms.submit(h.accept(MessageKind.INFORMATIONAL, ChannelType.SMS, "010" + i, 3600), MessageKind.INFORMATIONAL);
            }
            sms.settle();
            sms.provider().failAll(Reason.PROVIDER_UNAVAILABLE, 0);
            sms.settle();
            assertThat(sms.lane().breakerState()).isEqualTo("OPEN");
            assertThat(sms.lane().metrics().get(LaneMetrics.BREAKER_OPENED)).isEqualTo(1);

            // open: nothing leaves, and nothing fails while the messages wait within their TTL
            for (int ms = 0; ms < 990; ms += 10)
            {
                h.clock.advance(10);
                sms.settle();
            }
            assertThat(sms.provider().sent).hasSize(3);

            // cool-down over: exactly one probe; its failure reopens the breaker
            h.clock.advance(10);
            sms.settle();
            assertThat(sms.lane().breakerState()).isEqualTo("HALF_OPEN");
            assertThat(sms.provider().outstanding()).isEqualTo(1);
            sms.provider().failAll(Reason.PROVIDER_TIMEOUT, 0);
            sms.settle();
            assertThat(sms.lane().breakerState()).isEqualTo("OPEN");
            assertThat(sms.provider().sent).hasSize(4);

            // next probe succeeds: closed, and the lane drains everything
            h.clock.advance(1_000);
            sms.settle();
            assertThat(sms.provider().outstanding()).isEqualTo(1);
            sms.provider().acceptAll();
            sms.settle();
            assertThat(sms.lane().breakerState()).isEqualTo("CLOSED");
            for (int i = 0; i < 20 && sms.lane().admission().inSystem() > 0; i++)
            {
                sms.provider().acceptAll();
                h.clock.advance(10);
                sms.settle();
            }
            assertThat(sms.lane().admission().inSystem()).isZero();
            assertThat(sms.states().count(DeliveryState.PROVIDER_ACCEPTED, null)).isEqualTo(10);
            assertThat(sms.states().count(DeliveryState.FAILED, null) + sms.states().count(DeliveryState.EXPIRED, null))
                .isZero();
        }
    }

    @Test
    void shouldOpenOnFailureRatioButIgnoreThrottlingAndRecipientRejections()
    {
        final CircuitBreaker breaker = new CircuitBreaker(new BreakerSettings(true, 50, 10, 100, 10_000, 1_000), 0);
        for (int i = 0; i < 9; i++)
        {
            breaker.onFailure(i);
            breaker.onSuccess(i);
        }
        assertThat(breaker.state()).as("half of at least 10 calls failed")
            .isEqualTo(CircuitBreaker.OPEN);

        final CircuitBreaker windowed = new CircuitBreaker(new BreakerSettings(true, 50, 10, 100, 1_000, 1_000), 0);
        for (int i = 0; i < 8; i++)
        {
            windowed.onFailure(0);
        }
        windowed.onSuccess(1_000);
        windowed.onFailure(1_001);
        assertThat(windowed.state()).as("old failures left the window").isEqualTo(CircuitBreaker.CLOSED);

        final CircuitBreaker disabled = new CircuitBreaker(new BreakerSettings(false, 1, 1, 1, 1_000, 1_000), 0);
        disabled.onFailure(0);
        assertThat(disabled.mayStart(0)).isTrue();
    }
}
