package io.dispatch.connector.webhook;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorFactory;

import java.util.Map;

/**
 * Type {@code webhook}: HTTPS POST of each message as signed JSON to one URL, for in-house messengers and
 * other receivers on any channel (docs/connectors/webhook.md). Required: {@code url}, {@code secretFile} or
 * {@code secretEnv}.
 */
public final class WebhookConnectorFactory implements ConnectorFactory
{
    static final String TYPE = "webhook";

    @Override
    public String type()
    {
        return TYPE;
    }

    @Override
    public void validate(final Map<String, String> settings)
    {
        WebhookSettings.parse(settings);
    }

    @Override
    public Connector create(final Map<String, String> settings)
    {
        return new WebhookConnector(WebhookSettings.parse(settings));
    }
}
