package io.dispatch.connector.talktalk;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorFactory;

import java.util.Map;

/**
 * Type {@code talktalk}: Naver TalkTalk's partner (chatbot) API and its webhook (docs/connectors/talktalk.md).
 * Required settings: {@code authorizationFile} or {@code authorizationEnv}; {@code tenant} with a webhook.
 */
public final class TalkTalkConnectorFactory implements ConnectorFactory
{
    static final String TYPE = "talktalk";

    @Override
    public String type()
    {
        return TYPE;
    }

    @Override
    public void validate(final Map<String, String> settings)
    {
        TalkTalkSettings.parse(settings);
    }

    @Override
    public Connector create(final Map<String, String> settings)
    {
        return new TalkTalkConnector(TalkTalkSettings.parse(settings));
    }
}
