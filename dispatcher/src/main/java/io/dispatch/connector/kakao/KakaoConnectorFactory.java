package io.dispatch.connector.kakao;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorFactory;

import java.util.Map;

/**
 * Type {@code kakao}: an NHN Cloud KakaoTalk Bizmessage style chat relay (docs/connectors/kakao.md).
 * Required settings: {@code appKey}, {@code senderKey}, {@code secretKeyFile} or {@code secretKeyEnv}.
 */
public final class KakaoConnectorFactory implements ConnectorFactory
{
    static final String TYPE = "kakao";

    @Override
    public String type()
    {
        return TYPE;
    }

    @Override
    public void validate(final Map<String, String> settings)
    {
        KakaoSettings.parse(settings);
    }

    @Override
    public Connector create(final Map<String, String> settings)
    {
        return new KakaoConnector(KakaoSettings.parse(settings));
    }
}
