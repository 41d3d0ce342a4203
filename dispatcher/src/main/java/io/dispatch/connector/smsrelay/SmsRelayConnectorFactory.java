package io.dispatch.connector.smsrelay;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorFactory;

import java.util.Map;

/**
 * Type {@code smsrelay}: an NHN Cloud SMS style HTTP relay for SMS, LMS and MMS (docs/connectors/sms-relay.md).
 * Required settings: {@code appKey}, {@code sendNo}, {@code secretKeyFile} or {@code secretKeyEnv}.
 */
public final class SmsRelayConnectorFactory implements ConnectorFactory
{
    static final String TYPE = "smsrelay";

    @Override
    public String type()
    {
        return TYPE;
    }

    @Override
    public void validate(final Map<String, String> settings)
    {
        SmsRelaySettings.parse(settings);
    }

    @Override
    public Connector create(final Map<String, String> settings)
    {
        return new SmsRelayConnector(SmsRelaySettings.parse(settings));
    }
}
