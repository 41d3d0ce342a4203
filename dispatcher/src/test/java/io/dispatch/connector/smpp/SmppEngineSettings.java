package io.dispatch.connector.smpp;

import io.dispatch.config.Settings;
import io.dispatch.testing.EngineFixture;

import java.nio.file.Path;
import java.util.Properties;

/** Test-engine settings with the SMS lane on the {@code smpp} connector, for tests and benchmarks against {@link SmscSimulator}. */
public final class SmppEngineSettings
{
    private SmppEngineSettings()
    {
    }

    /** {@link EngineFixture#settings} without the simulated provider's SMS keys, plus the smpp connector's. */
    public static Settings of(final Path dir, final int smscPort, final String systemId, final Path passwordFile)
    {
        final Properties p = new Properties();
        EngineFixture.settings(dir).withPrefix("").forEach((k, v) ->
        {
            if (!k.startsWith("lane.sms.connector."))
            {
                p.setProperty(k, v);
            }
        });
        return new Settings(p)
            .set("lane.sms.connector", "smpp")
            .set("lane.sms.connector.host", "127.0.0.1")
            .set("lane.sms.connector.port", Integer.toString(smscPort))
            .set("lane.sms.connector.systemId", systemId)
            .set("lane.sms.connector.passwordFile", passwordFile.toString());
    }
}
