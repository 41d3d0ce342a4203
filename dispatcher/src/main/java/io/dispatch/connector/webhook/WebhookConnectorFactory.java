package io.dispatch.connector.webhook;

import io.dispatch.connector.SettingsConnectorFactory;

/**
 * Type {@code webhook}: HTTPS POST of each message as signed JSON to one URL, for in-house messengers and
 * other receivers on any channel (docs/connectors/webhook.md). Required: {@code url}, {@code secretFile} or
 * {@code secretEnv}.
 */
public final class WebhookConnectorFactory extends SettingsConnectorFactory<WebhookSettings>
{
    static final String TYPE = "webhook";

    public WebhookConnectorFactory()
    {
        super(TYPE, WebhookSettings::parse, WebhookConnector::new);
    }
}
