package io.dispatch.load;

/** A run that could not start or finish (engine unreachable, output not writable): exit code 1. */
public final class LoadTestException extends Exception
{
    private static final long serialVersionUID = 1L;

    public LoadTestException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
