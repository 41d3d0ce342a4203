package io.dispatch.protocol;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * The per-message receipt deadline of a push-first message: the reserved SUBMIT variable
 * {@value #VARIABLE}, decimal milliseconds ("push, then the lane's fallback if not DELIVERED within this long of
 * the provider's acceptance"). A variable, not a new SUBMIT field, so the frame layout, the ACCEPTED record and
 * recovery stay as they are: the deadline is journaled with the message's body. Read without allocation: the
 * engine reads it at ingest and again on the lane when the provider accepts the message.
 */
public final class FallbackDeadline
{
    public static final String VARIABLE = "fallback.undeliveredMs";
    /** The message names no deadline: the lane's {@code fallbackUndeliveredMs} applies. */
    public static final long ABSENT = -1;
    /** The value is not a decimal number of milliseconds (or overflows). */
    public static final long MALFORMED = -2;
    /** The shortest deadline a message may name: under a second a push has no chance to be confirmed. */
    public static final long MIN_MS = 1_000;

    private static final byte[] NAME = VARIABLE.getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_DIGITS = 15;

    private FallbackDeadline()
    {
    }

    /** @return the milliseconds the submit names, {@link #ABSENT} or {@link #MALFORMED}. */
    public static long of(final SubmitFlyweight submit)
    {
        final VarCursor vars = submit.vars();
        return vars.find(NAME) ? parse(vars.buffer(), vars.valueOffset(), vars.valueLength()) : ABSENT;
    }

    /**
     * @return the milliseconds a value of the variable names, or {@link #MALFORMED}: for a reader that found the
     * variable through another view of the SUBMIT (a lane, through the connector SPI's {@code DeliveryRequest}).
     */
    public static long parse(final DirectBuffer b, final int offset, final int length)
    {
        if (length == 0 || length > MAX_DIGITS)
        {
            return MALFORMED;
        }
        long value = 0;
        for (int i = 0; i < length; i++)
        {
            final int digit = b.getByte(offset + i) - '0';
            if (digit < 0 || digit > 9)
            {
                return MALFORMED;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
