package io.dispatch.config;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rate, throttle, breaker and fallback keys of a lane: defaults, and errors that name the key. */
class LaneRuntimeConfigTest
{
    private static DispatcherConfig config(final String... keyValues)
    {
        final Settings s = new Settings(new Properties());
        for (int i = 0; i < keyValues.length; i += 2)
        {
            s.set(keyValues[i], keyValues[i + 1]);
        }
        return DispatcherConfig.from(s);
    }

    @Test
    void shouldDefaultToUnlimitedRateWithAReservedShareAndNoFallback()
    {
        final LaneConfig sms = config().lanes().get(ChannelType.SMS);
        assertThat(sms.rate().unlimited()).isTrue();
        assertThat(sms.rate().reservedPercent()).isEqualTo(20);
        assertThat(sms.breaker().enabled()).isTrue();
        assertThat(sms.fallback().enabled()).isFalse();
    }

    @Test
    void shouldReadFallbackAndDefaultItsBurst()
    {
        final DispatcherConfig c = config("lane.chat.fallback", "sms", "lane.sms.ratePerSecond", "10000");
        assertThat(c.lanes().get(ChannelType.CHAT).fallback().target()).isEqualTo(ChannelType.SMS);
        assertThat(c.lanes().get(ChannelType.CHAT).fallback().reasons()).containsExactly(Reason.NOT_CHANNEL_USER);
        assertThat(c.lanes().get(ChannelType.SMS).rate().burst()).isEqualTo(1000);
        assertThat(c.describe()).contains("fallback=SMS on [NOT_CHANNEL_USER]");
    }

    @Test
    void shouldReadAReceiptDeadlineAndRefuseOneThatCouldNeverTrigger()
    {
        final DispatcherConfig c = config("lane.push.fallback", "sms", "lane.push.fallbackUndeliveredMs", "60000");
        assertThat(c.lanes().get(ChannelType.PUSH).fallback().undeliveredMs()).isEqualTo(60_000);
        assertThat(c.describe()).contains("undelivered=60000ms");
        assertThat(config("lane.push.fallback", "sms", "lane.push.fallbackReasons", "",
            "lane.push.fallbackUndeliveredMs", "60000").lanes().get(ChannelType.PUSH).fallback().reasons())
            .as("the deadline alone is a trigger").isEmpty();

        assertThatThrownBy(() -> config("lane.push.fallbackUndeliveredMs", "60000"))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("lane.push.fallbackUndeliveredMs")
            .hasMessageContaining("lane.push.fallback=sms");
        assertThatThrownBy(() -> config("lane.push.fallback", "sms", "lane.push.fallbackUndeliveredMs", "60000",
            "lane.push.receiptTimeoutMs", "60000"))
            .hasMessageContaining("lane.push.fallbackUndeliveredMs").hasMessageContaining("lane.push.receiptTimeoutMs");
        assertThatThrownBy(() -> config("lane.push.fallback", "sms", "lane.push.fallbackUndeliveredMs", "soon"))
            .hasMessageContaining("lane.push.fallbackUndeliveredMs");
    }

    @Test
    void shouldRejectBadRuntimeKeysNamingThem()
    {
        assertThatThrownBy(() -> config("lane.chat.fallback", "fax"))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("lane.chat.fallback");
        assertThatThrownBy(() -> config("lane.chat.fallback", "chat"))
            .hasMessageContaining("lane.chat.fallback").hasMessageContaining("itself");
        assertThatThrownBy(() -> config("lane.chat.fallback", "sms", "lane.chat.fallbackReasons", "RECEIPT_TIMEOUT"))
            .hasMessageContaining("lane.chat.fallbackReasons").hasMessageContaining("deliver twice");
        assertThatThrownBy(() -> config("lane.chat.fallback", "sms", "lane.chat.fallbackReasons", "NOPE"))
            .hasMessageContaining("lane.chat.fallbackReasons").hasMessageContaining("NOPE");
        assertThatThrownBy(() -> config("lane.chat.fallback", "sms", "lane.sms.fallback", "chat"))
            .hasMessageContaining("fallback chain comes back");
        assertThatThrownBy(() -> config("lane.sms.reservedPercent", "101"))
            .hasMessageContaining("lane.sms.reservedPercent");
        assertThatThrownBy(() -> config("lane.push.ratePerSecond", "fast"))
            .hasMessageContaining("lane.push.ratePerSecond");
        assertThatThrownBy(() -> config("lane.sms.breakerEnabled", "maybe"))
            .hasMessageContaining("lane.sms.breakerEnabled");
    }
}
