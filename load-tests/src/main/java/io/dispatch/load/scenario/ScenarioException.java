package io.dispatch.load.scenario;

/**
 * A scenario file or override that cannot be used; the message starts with where the value came from
 * ({@code FILE line N: KEY}, {@code --set KEY} or the flag) so the user can go straight to it.
 */
public final class ScenarioException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    public ScenarioException(final String message)
    {
        super(message);
    }
}
