package io.dispatch.connector.smpp;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorFactory;

import java.util.Map;

/**
 * Type {@code smpp}: SMS through an SMSC over SMPP 3.4. Settings and the status-code table are in
 * docs/connectors/smpp.md; {@link SmppSettings} checks them and names the bad key.
 */
public final class SmppConnectorFactory implements ConnectorFactory
{
    @Override
    public String type()
    {
        return "smpp";
    }

    @Override
    public void validate(final Map<String, String> settings)
    {
        SmppSettings.parse(settings);
    }

    @Override
    public Connector create(final Map<String, String> settings)
    {
        return new SmppConnector(SmppSettings.parse(settings));
    }
}
