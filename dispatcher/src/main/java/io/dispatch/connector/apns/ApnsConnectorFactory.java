package io.dispatch.connector.apns;

import io.dispatch.connector.Connector;
import io.dispatch.connector.push.PushProviderFactory;

import java.util.Map;

/**
 * Type {@code apns}: Apple Push Notification service over HTTP/2 with a .p8 token key (Pushy), alone on
 * the push lane ({@code lane.push.connector=apns}) or inside the {@code push} router.
 * Settings and the result mapping: docs/connectors/apns.md.
 */
public final class ApnsConnectorFactory implements PushProviderFactory
{
    @Override
    public String type()
    {
        return "apns";
    }

    @Override
    public void validate(final Map<String, String> settings, final String prefix)
    {
        ApnsSettings.parse(settings, prefix);
    }

    @Override
    public Connector create(final Map<String, String> settings, final String prefix)
    {
        return new ApnsConnector(ApnsSettings.parse(settings, prefix));
    }
}
