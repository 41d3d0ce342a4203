package io.dispatch.connector.smsrelay;

import io.dispatch.connector.SettingsConnectorFactory;

/**
 * Type {@code smsrelay}: an NHN Cloud SMS style HTTP relay for SMS, LMS and MMS (docs/connectors/sms-relay.md).
 * Required settings: {@code appKey}, {@code sendNo}, {@code secretKeyFile} or {@code secretKeyEnv}.
 */
public final class SmsRelayConnectorFactory extends SettingsConnectorFactory<SmsRelaySettings>
{
    static final String TYPE = "smsrelay";

    public SmsRelayConnectorFactory()
    {
        super(TYPE, SmsRelaySettings::parse, SmsRelayConnector::new);
    }
}
