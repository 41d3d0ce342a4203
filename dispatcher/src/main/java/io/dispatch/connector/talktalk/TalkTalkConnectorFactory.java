package io.dispatch.connector.talktalk;

import io.dispatch.connector.SettingsConnectorFactory;

/**
 * Type {@code talktalk}: Naver TalkTalk's partner (chatbot) API and its webhook (docs/connectors/talktalk.md).
 * Required settings: {@code authorizationFile} or {@code authorizationEnv}; {@code tenant} with a webhook.
 */
public final class TalkTalkConnectorFactory extends SettingsConnectorFactory<TalkTalkSettings>
{
    static final String TYPE = "talktalk";

    public TalkTalkConnectorFactory()
    {
        super(TYPE, TalkTalkSettings::parse, TalkTalkConnector::new);
    }
}
