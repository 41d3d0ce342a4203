package io.dispatch.connector.push;

import io.dispatch.config.Settings;
import io.dispatch.connector.apns.ApnsTestPeer;
import io.dispatch.connector.fcm.FcmTestPeer;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Settings that point the {@code push} connector, or a whole engine's push lane, at the loopback peers. */
public final class PushTestPeers
{
    private PushTestPeers()
    {
    }

    /** @return {@code lane.push.connector.*} settings (without that prefix); a null peer leaves its provider off. */
    public static Map<String, String> connectorSettings(final ApnsTestPeer apns, final FcmTestPeer fcm)
    {
        final Map<String, String> s = new HashMap<>();
        if (apns != null)
        {
            apns.connectorSettings().forEach((k, v) -> s.put("apns." + k, v));
        }
        if (fcm != null)
        {
            fcm.connectorSettings().forEach((k, v) -> s.put("fcm." + k, v));
        }
        return s;
    }

    /** @return engine settings with the push lane switched from the simulator to the push router. */
    public static Settings pushLane(final Settings engine, final ApnsTestPeer apns, final FcmTestPeer fcm)
    {
        final Properties props = new Properties();
        engine.withPrefix("").forEach((k, v) ->
        {
            if (!k.startsWith("lane.push.connector."))
            {
                props.setProperty(k, v);
            }
        });
        final Settings settings = new Settings(props).set("lane.push.connector", "push");
        connectorSettings(apns, fcm).forEach((k, v) -> settings.set("lane.push.connector." + k, v));
        return settings;
    }
}
