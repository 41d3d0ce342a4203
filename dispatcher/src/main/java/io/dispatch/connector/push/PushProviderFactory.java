package io.dispatch.connector.push;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorFactory;

import java.util.Map;

/**
 * A push provider's factory that the {@code push} router can also host under
 * {@code lane.push.connector.<type>.*}: the prefix only changes how errors name the keys.
 */
public interface PushProviderFactory extends ConnectorFactory
{
    /** @throws IllegalArgumentException naming {@code prefix + key}. */
    void validate(Map<String, String> settings, String prefix);

    Connector create(Map<String, String> settings, String prefix);
}
