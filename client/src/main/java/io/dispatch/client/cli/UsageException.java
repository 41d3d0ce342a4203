package io.dispatch.client.cli;

/** A command-line argument problem; the message names the flag. Immutable. */
final class UsageException extends Exception
{
    private static final long serialVersionUID = 1L;

    UsageException(final String message)
    {
        super(message, null, false, false);
    }
}
