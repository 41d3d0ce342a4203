package io.dispatch.config;

/** A configuration value that cannot be used; the message names the key. */
public final class ConfigurationException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public ConfigurationException(final String key, final String problem)
    {
        super("configuration key '" + key + "': " + problem);
    }
}
