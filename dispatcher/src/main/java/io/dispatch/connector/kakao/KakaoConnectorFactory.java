package io.dispatch.connector.kakao;

import io.dispatch.connector.SettingsConnectorFactory;

/**
 * Type {@code kakao}: an NHN Cloud KakaoTalk Bizmessage style chat relay (docs/connectors/kakao.md).
 * Required settings: {@code appKey}, {@code senderKey}, {@code secretKeyFile} or {@code secretKeyEnv}.
 */
public final class KakaoConnectorFactory extends SettingsConnectorFactory<KakaoSettings>
{
    static final String TYPE = "kakao";

    public KakaoConnectorFactory()
    {
        super(TYPE, KakaoSettings::parse, KakaoConnector::new);
    }
}
