package io.dispatch.connector.fcm;

import io.dispatch.connector.Connector;
import io.dispatch.connector.push.PushProviderFactory;

import java.util.Map;

/**
 * Type {@code fcm}: Firebase Cloud Messaging HTTP v1 with a service-account key, alone on the push lane
 * ({@code lane.push.connector=fcm}) or inside the {@code push} router. Settings and the result mapping:
 * docs/connectors/fcm.md.
 */
public final class FcmConnectorFactory implements PushProviderFactory
{
    @Override
    public String type()
    {
        return "fcm";
    }

    @Override
    public void validate(final Map<String, String> settings, final String prefix)
    {
        FcmSettings.parse(settings, prefix);
    }

    @Override
    public Connector create(final Map<String, String> settings, final String prefix)
    {
        return new FcmConnector(FcmSettings.parse(settings, prefix));
    }
}
