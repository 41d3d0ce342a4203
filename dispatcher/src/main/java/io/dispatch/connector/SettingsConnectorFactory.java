package io.dispatch.connector;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A {@link ConnectorFactory} whose connector is built from one settings record: {@link #validate} parses the settings
 * (the parser throws {@link IllegalArgumentException} naming the bad key) and {@link #create} builds the connector
 * from a fresh parse. A subclass only names its type, parser and constructor, in a public no-argument constructor
 * as {@link java.util.ServiceLoader} needs.
 *
 * @param <S> the connector's parsed settings.
 */
public abstract class SettingsConnectorFactory<S> implements ConnectorFactory
{
    private final String type;
    private final Function<Map<String, String>, S> parser;
    private final Function<S, ? extends Connector> constructor;

    protected SettingsConnectorFactory(
        final String type, final Function<Map<String, String>, S> parser, final Function<S, ? extends Connector> constructor)
    {
        this.type = Objects.requireNonNull(type);
        this.parser = Objects.requireNonNull(parser);
        this.constructor = Objects.requireNonNull(constructor);
    }

    @Override
    public final String type()
    {
        return type;
    }

    @Override
    public final void validate(final Map<String, String> settings)
    {
        parser.apply(settings);
    }

    @Override
    public final Connector create(final Map<String, String> settings)
    {
        return constructor.apply(parser.apply(settings));
    }
}
