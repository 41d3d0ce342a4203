package io.dispatch;

import io.dispatch.config.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command line's configuration step: defaults, the shipped example files, unknown and misspelt keys. */
class DispatcherMainTest
{
    private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath();

    @Test
    void shouldAcceptTheDefaultsAndEveryShippedConfigurationFile()
    {
        assertThat(DispatcherMain.setup(DispatcherMain.parse(new String[0])).drainMs()).isEqualTo(10_000);
        DispatcherMain.setup(DispatcherMain.parse(new String[] {
            "--config", ROOT.resolve("config/policies-on.properties").toString()}));
        // the example takes the shop tenant's key from $SHOP_API_KEY: any variable that is set will do here
        DispatcherMain.setup(DispatcherMain.parse(new String[] {
            "--config", ROOT.resolve("config/dispatcher.example.properties").toString(),
            "--set", "tenant.shop.apiKeyEnv=PATH"}));
    }

    @Test
    void shouldReadTheDrainBound()
    {
        assertThat(DispatcherMain.setup(DispatcherMain.parse(new String[] {"--set", "shutdown.drainMs=2500"})).drainMs())
            .isEqualTo(2_500);
        assertThatThrownBy(() -> DispatcherMain.setup(DispatcherMain.parse(new String[] {"--set", "shutdown.drainMs=-1"})))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("'shutdown.drainMs'");
    }

    @Test
    void shouldNameAMisspeltKeyAndTheKeyItMeant()
    {
        assertThatThrownBy(() -> DispatcherMain.setup(DispatcherMain.parse(new String[] {"--set", "lane.sms.widnow=64"})))
            .isInstanceOf(ConfigurationException.class)
            .hasMessage("configuration key 'lane.sms.widnow': unknown key; did you mean 'lane.sms.window'?"
                + " (every key is in docs/configuration.md)");
        assertThatThrownBy(() -> DispatcherMain.setup(DispatcherMain.parse(new String[] {"--set", "shutdown.drain=5"})))
            .hasMessageContaining("did you mean 'shutdown.drainMs'?");
    }

    @Test
    void shouldLeaveConnectorAndTemplateKeysToTheirReaders()
    {
        // lane.<ch>.connector.* is checked by the connector at launch, template.* names templates
        DispatcherMain.setup(DispatcherMain.parse(new String[] {
            "--set", "lane.sms.connector.latencyMs=3", "--set", "template.hello=Hi #{name}"}));
    }

    @Test
    void shouldRejectKeysOfATenantNotInTheTenantList()
    {
        assertThatThrownBy(() -> DispatcherMain.setup(DispatcherMain.parse(new String[] {
            "--set", "tenant.shop.apiKey=k"})))
            .hasMessageStartingWith("configuration key 'tenant.shop.apiKey': unknown key");
    }
}
