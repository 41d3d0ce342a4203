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
    /** Where the provider's keys live when it is the push lane's connector on its own. */
    String LANE_PREFIX = "lane.push.connector.";

    @Override
    default void validate(final Map<String, String> settings)
    {
        validate(settings, LANE_PREFIX);
    }

    @Override
    default Connector create(final Map<String, String> settings)
    {
        return create(settings, LANE_PREFIX);
    }

    /** @throws IllegalArgumentException naming {@code prefix + key}. */
    void validate(Map<String, String> settings, String prefix);

    Connector create(Map<String, String> settings, String prefix);
}
