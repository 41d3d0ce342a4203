package io.dispatch.config;

/** Parses durations such as {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d} in configuration values. */
public final class Durations
{
    private Durations()
    {
    }

    public static long parseMs(final String key, final String text)
    {
        if (text.length() >= 2)
        {
            final long unit;
            switch (text.charAt(text.length() - 1))
            {
                case 's': unit = 1_000L; break;
                case 'm': unit = 60_000L; break;
                case 'h': unit = 3_600_000L; break;
                case 'd': unit = 86_400_000L; break;
                default: unit = 0;
            }
            if (unit > 0)
            {
                try
                {
                    final long n = Long.parseLong(text.substring(0, text.length() - 1));
                    if (n > 0 && n <= 366L * 86_400_000L / unit)
                    {
                        return n * unit;
                    }
                }
                catch (final NumberFormatException ignore)
                {
                    // reported below
                }
            }
        }
        throw new ConfigurationException(key, "'" + text + "' is not a duration such as 90s, 30m, 24h or 7d (up to a year)");
    }
}
