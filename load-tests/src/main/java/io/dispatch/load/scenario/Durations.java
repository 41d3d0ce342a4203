package io.dispatch.load.scenario;

import java.util.Locale;

/** Parses durations written as {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h} or bare seconds. Stateless. */
public final class Durations
{
    private Durations()
    {
    }

    /** @throws IllegalArgumentException for anything else, or a negative duration. */
    public static long parseNs(final String s)
    {
        final String v = s.trim().toLowerCase(Locale.ROOT);
        final long unitNs;
        final String number;
        if (v.endsWith("ms"))
        {
            unitNs = 1_000_000L;
            number = v.substring(0, v.length() - 2);
        }
        else if (v.endsWith("s"))
        {
            unitNs = 1_000_000_000L;
            number = v.substring(0, v.length() - 1);
        }
        else if (v.endsWith("m"))
        {
            unitNs = 60_000_000_000L;
            number = v.substring(0, v.length() - 1);
        }
        else if (v.endsWith("h"))
        {
            unitNs = 3_600_000_000_000L;
            number = v.substring(0, v.length() - 1);
        }
        else
        {
            unitNs = 1_000_000_000L;
            number = v;
        }
        try
        {
            final double d = Double.parseDouble(number);
            if (!(d >= 0) || d * unitNs > Long.MAX_VALUE / 4)
            {
                throw new NumberFormatException();
            }
            return Math.round(d * unitNs);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + s + "' is not a duration (e.g. 500ms, 10s, 2m)");
        }
    }

    /** @return whole seconds; fractions are refused so run windows stay whole seconds. */
    public static int parseWholeSeconds(final String s)
    {
        final long ns = parseNs(s);
        if (ns % 1_000_000_000L != 0 || ns / 1_000_000_000L > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("'" + s + "' must be whole seconds (e.g. 30 or 30s)");
        }
        return (int)(ns / 1_000_000_000L);
    }
}
