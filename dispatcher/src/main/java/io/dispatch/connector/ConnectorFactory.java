package io.dispatch.connector;

import java.util.Map;

/**
 * Creates connectors of one {@link #type()}; discovered with {@link java.util.ServiceLoader} from
 * {@code META-INF/services/io.dispatch.connector.ConnectorFactory}. A lane names its connector type with
 * {@code lane.<channel>.connector=<type>} and passes the keys under {@code lane.<channel>.connector.} to
 * {@link #validate} and {@link #create}.
 */
public interface ConnectorFactory
{
    String type();

    /**
     * Checks the settings at start-up.
     *
     * @throws IllegalArgumentException naming the bad key.
     */
    void validate(Map<String, String> settings);

    Connector create(Map<String, String> settings);
}
