package io.dispatch.testing;

import io.dispatch.Dispatcher;
import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.Settings;

import java.nio.file.Path;
import java.util.Properties;

/** Starts a real engine on ephemeral loopback ports with its journal in a test folder. */
public final class EngineFixture
{
    private EngineFixture()
    {
    }

    /** Settings for a test engine: ephemeral ports, journal under {@code dir}, fast simulated providers. */
    public static Settings settings(final Path dir)
    {
        final Settings s = new Settings(new Properties());
        s.set("ingest.port", "0");
        s.set("admin.port", "0");
        s.set("data.dir", dir.toString());
        s.set("ring.size", "4096");
        s.set("status.capacity", "65536");
        s.set("lane.sms.capacity", "16384");
        s.set("lane.push.capacity", "16384");
        s.set("lane.chat.capacity", "16384");
        s.set("tenants", "demo,other");
        s.set("tenant.other.apiKey", "other-key");
        for (final String lane : new String[] {"sms", "push", "chat"})
        {
            s.set("lane." + lane + ".connector.latencyMs", "1");
            s.set("lane." + lane + ".connector.receiptDelayMs", "5");
            s.set("lane." + lane + ".retryBaseMs", "10");
            s.set("lane." + lane + ".retryMaxMs", "50");
        }
        return s;
    }

    /** @return the admin token a test engine generated into its data dir (no {@code admin.token} is configured). */
    public static String adminToken(final Path dir) throws java.io.IOException
    {
        return java.nio.file.Files.readString(dir.resolve("admin.token")).trim();
    }

    public static Dispatcher launch(final Settings settings) throws Exception
    {
        return Dispatcher.launch(DispatcherConfig.from(settings));
    }

    public static Dispatcher launch(final Settings settings, final org.agrona.concurrent.EpochClock clock) throws Exception
    {
        return Dispatcher.launch(DispatcherConfig.from(settings), clock);
    }

    public static Dispatcher launch(final Settings settings, final Dispatcher.Context context) throws Exception
    {
        return Dispatcher.launch(DispatcherConfig.from(settings), context);
    }
}
