package io.dispatch.load;

/** A bad command line: the message names the flag. {@link LoadTestMain} prints it and exits with 2. */
public final class UsageException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public UsageException(final String message)
    {
        super(message);
    }
}
