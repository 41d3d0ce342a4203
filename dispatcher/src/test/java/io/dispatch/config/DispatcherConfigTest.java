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
        assertThat(c.retention()).isEqualTo(new JournalRetention(900_000, 30));
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
        assertBad("journal.snapshotIntervalSeconds", "0", "journal.snapshotIntervalSeconds");
        assertBad("journal.retentionDays", "-1", "journal.retentionDays");
        assertBad("journal.pretouchBytes", "1073741824", "journal.pretouchBytes");
        assertBad("tenant.demo.cap.marketing", "1/fortnight", "tenant.demo.cap.marketing");
        assertBad("tenant.demo.cap.marketing.sms", "0/24h", "tenant.demo.cap.marketing.sms");
        assertBad("tenant.demo.timeZone", "Mars/Olympus", "tenant.demo.timeZone");
        assertBad("tenant.demo.night", "sleep", "tenant.demo.night");
        assertBad("tenant.demo.rate.marketing", "drop", "tenant.demo.rate.marketing");
        assertBad("policy.night.sms", "25:00-08:00", "policy.night.sms");
        assertBad("policy.blackout.chat", "20:50", "policy.blackout.chat");
        assertBad("policy.adMarking.push", "maybe", "policy.adMarking.push");
        assertBad("tenant.demo.optOutFooter", "call us to stop", "tenant.demo.optOutFooter");
    }

    @Test
    void shouldAcceptTheExampleConfiguration() throws Exception
    {
        final java.nio.file.Path example = java.nio.file.Path.of("..", "config", "dispatcher.example.properties");
        final Properties p = new Properties();
        try (java.io.Reader r = java.nio.file.Files.newBufferedReader(example, java.nio.charset.StandardCharsets.UTF_8))
        {
            p.load(r);
        }
        // the shop tenant reads its key from an environment variable the test does not have
        p.remove("tenant.shop.apiKeyEnv");
        p.setProperty("tenant.shop.apiKey", "shop-key");
        final DispatcherConfig c = DispatcherConfig.from(new Settings(p));
        assertThat(c.tenantPolicy(2).caps(io.dispatch.protocol.MessageKind.MARKETING.code(), 0).toString())
            .isEqualTo("1/24h,3/7d");
        assertThat(c.describe()).contains("rate=2000/s");
    }

    @Test
    void shouldRequireAnApiKeyForEveryTenantAndReadItFromTheEnvironmentWhenAsked()
    {
        final Settings noKey = new Settings(new Properties()).set("tenants", "demo,shop");
        assertThatThrownBy(() -> DispatcherConfig.from(noKey)).hasMessageContaining("tenant.shop.apiKey");
        final Settings env = new Settings(new Properties()).set("tenants", "shop").set("tenant.shop.apiKeyEnv", "PATH");
        assertThat(DispatcherConfig.from(env).tenants().get(0).apiKey()
            .matches(System.getenv("PATH").getBytes(java.nio.charset.StandardCharsets.UTF_8))).isTrue();
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
