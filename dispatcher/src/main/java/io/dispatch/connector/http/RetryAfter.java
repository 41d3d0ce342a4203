package io.dispatch.connector.http;

import io.netty.handler.codec.DateFormatter;

import java.util.Date;

/** Reads an HTTP {@code Retry-After} header: delay-seconds or an HTTP-date. */
public final class RetryAfter
{
    /** Hints beyond this are clamped: the runtime's TTL handling decides what happens to the message. */
    public static final long MAX_MS = 3_600_000;

    private RetryAfter()
    {
    }

    /** @return the delay in milliseconds, or 0 when the header is absent or unreadable. */
    public static long toMs(final String value, final long nowMs)
    {
        if (value == null || value.isBlank())
        {
            return 0;
        }
        final String v = value.trim();
        try
        {
            // clamped before multiplying: a huge number of seconds must not overflow into a small delay
            return Math.max(0, Math.min(Long.parseLong(v), MAX_MS / 1000) * 1000);
        }
        catch (final NumberFormatException ex)
        {
            final Date date;
            try
            {
                date = DateFormatter.parseHttpDate(v);
            }
            catch (final IllegalArgumentException tooLong)
            {
                return 0; // Netty refuses dates over 64 characters; thrown, this lost the send's outcome
            }
            return date == null ? 0 : Math.min(MAX_MS, Math.max(0, date.getTime() - nowMs));
        }
    }
}
