package io.dispatch.config;

import io.dispatch.protocol.ChannelType;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DispatcherConfigTest
{
    @Test
    void shouldUseEmbeddedDefaults()
    {
        final DispatcherConfig c = DispatcherConfig.from(new Settings(new Properties()));
        assertThat(c.ingestPort()).isEqualTo(7700);
        assertThat(c.adminPort()).isEqualTo(7701);
        assertThat(c.dataDir().toString()).isEqualTo("./data");
        assertThat(c.fsync()).isEqualTo(DispatcherConfig.FsyncPolicy.NONE);
        assertThat(c.waitStrategy()).isEqualTo("blocking");
        assertThat(c.lanes()).containsKeys(ChannelType.SMS, ChannelType.PUSH, ChannelType.CHAT);
        assertThat(c.lanes().get(ChannelType.SMS).connectorType()).isEqualTo("simulated");
        assertThat(c.tenants()).extracting(TenantConfig::name).containsExactly("demo");
        assertThat(c.templates()).containsKeys("otp", "order-shipped");
        assertThat(c.describe()).contains("apiKey=****").doesNotContain("demo-key");
    }

    @Test
    void shouldNameTheKeyOfEveryBadValue()
    {
        assertBad("ring.size", "1000", "ring.size");
        assertBad("journal.fsync", "always", "journal.fsync");
        assertBad("ring.waitStrategy", "spin", "ring.waitStrategy");
        assertBad("ingest.port", "70000", "ingest.port");
        assertBad("lane.sms.window", "x", "lane.sms.window");
        assertBad("lane.push.idleStrategy", "nap", "lane.push.idleStrategy");
        assertBad("journal.rollCycle", "EVERY_BLUE_MOON", "journal.rollCycle");
    }

    @Test
    void shouldRequireAnApiKeyForEveryTenantAndReadItFromTheEnvironmentWhenAsked()
    {
        final Settings noKey = new Settings(new Properties()).set("tenants", "demo,shop");
        assertThatThrownBy(() -> DispatcherConfig.from(noKey)).hasMessageContaining("tenant.shop.apiKey");
        final Settings env = new Settings(new Properties()).set("tenants", "shop").set("tenant.shop.apiKeyEnv", "PATH");
        assertThat(DispatcherConfig.from(env).tenants().get(0).apiKey()).isEqualTo(System.getenv("PATH"));
        final Settings missingEnv = new Settings(new Properties()).set("tenants", "shop")
            .set("tenant.shop.apiKeyEnv", "DISPATCH_SURELY_UNSET_VARIABLE");
        assertThatThrownBy(() -> DispatcherConfig.from(missingEnv)).hasMessageContaining("DISPATCH_SURELY_UNSET_VARIABLE");
    }

    private static void assertBad(final String key, final String value, final String expectedInMessage)
    {
        final Settings s = new Settings(new Properties()).set(key, value);
        assertThatThrownBy(() -> DispatcherConfig.from(s))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining(expectedInMessage);
    }
}
