package io.dispatch.config;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminAccessTest
{
    @Test
    void shouldBindTheAdminPortToLoopbackByDefaultEvenWhenIngestListensEverywhere()
    {
        final DispatcherConfig c = DispatcherConfig.from(settings().set("ingest.host", "0.0.0.0"));
        assertThat(c.admin().host()).isEqualTo("127.0.0.1");
        assertThat(c.admin().token()).as("generated at start").isNull();
        assertThat(c.describe()).contains("admin 127.0.0.1:7701 token=generated into");
    }

    @Test
    void shouldRefuseANonLoopbackBindWithoutAToken()
    {
        assertThatThrownBy(() -> DispatcherConfig.from(settings().set("admin.host", "0.0.0.0")))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("'admin.token'")
            .hasMessageContaining("admin.host=0.0.0.0")
            .hasMessageContaining("bind admin.host to 127.0.0.1");
    }

    @Test
    void shouldAcceptANonLoopbackBindWithATokenAndMaskIt()
    {
        final String token = "0123456789abcdef0123";
        final DispatcherConfig c = DispatcherConfig.from(settings().set("admin.host", "0.0.0.0").set("admin.token", token));
        assertThat(c.admin().token()).isEqualTo(token);
        assertThat(c.describe()).contains("token=****").doesNotContain(token);
        assertThat(c.admin().toString()).doesNotContain(token);
    }

    @Test
    void shouldNotAskForATokenWhenTheAdminPortIsOff()
    {
        final DispatcherConfig c = DispatcherConfig.from(settings().set("admin.host", "0.0.0.0").set("admin.port", "-1"));
        assertThat(c.adminPort()).isEqualTo(-1);
    }

    @Test
    void shouldRefuseAShortOrBlankToken()
    {
        assertThatThrownBy(() -> DispatcherConfig.from(settings().set("admin.token", "secret")))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("'admin.token'")
            .hasMessageContaining("at least 16 characters");
        assertThatThrownBy(() -> DispatcherConfig.from(settings().set("admin.token", "with a space in it, long enough")))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("without spaces");
    }

    @Test
    void shouldNameAnUnsetTokenEnvironmentVariable()
    {
        assertThatThrownBy(() -> DispatcherConfig.from(settings().set("admin.tokenEnv", "DISPATCH_TEST_NO_SUCH_VARIABLE")))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("'admin.tokenEnv'")
            .hasMessageContaining("DISPATCH_TEST_NO_SUCH_VARIABLE is not set");
    }

    private static Settings settings()
    {
        return new Settings(new Properties());
    }
}
