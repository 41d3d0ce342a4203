package io.dispatch.connector.messenger;

import io.dispatch.connector.SettingsConnectorFactory;

import java.util.Map;

/**
 * Type {@code messenger}: Meta's Messenger Send API for one Page and its webhook (docs/connectors/messenger.md).
 * Required settings: {@code pageId}, {@code pageAccessTokenFile} or {@code pageAccessTokenEnv}; with a webhook,
 * {@code tenant} and {@code appSecretFile} or {@code appSecretEnv}.
 */
public final class MessengerConnectorFactory extends SettingsConnectorFactory<MessengerSettings>
{
    public static final String TYPE = "messenger";

    public MessengerConnectorFactory()
    {
        super(TYPE, MessengerSettings::parse, MessengerConnector::new);
    }

    /**
     * The template → message tag map ({@code tag.<templateId>=<TAG>}) of a messenger lane's settings, so the
     * conversation window policy decides with the tags the connector sends.
     */
    public static Map<String, String> tags(final Map<String, String> settings)
    {
        return MessengerSettings.tags(settings);
    }
}
