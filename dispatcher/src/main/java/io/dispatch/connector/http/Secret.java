package io.dispatch.connector.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A credential read from a file or an environment variable. {@link #toString()} is masked so the value
 * cannot reach a log line through string concatenation or the effective-configuration printout.
 * Immutable; thread-safe.
 */
public final class Secret
{
    private final String value;

    Secret(final String value)
    {
        this.value = value;
    }

    /** For tests and embedders that hold the secret in memory already. */
    public static Secret of(final String value)
    {
        return new Secret(value);
    }

    /** The secret itself: only for building a request header or a MAC key, never for logging. */
    public String reveal()
    {
        return value;
    }

    public byte[] bytes()
    {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** Constant-time comparison, so a receiver checking a shared signature does not leak it by timing. */
    public boolean matches(final String candidate)
    {
        return candidate != null && MessageDigest.isEqual(bytes(), candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString()
    {
        return "****";
    }
}
