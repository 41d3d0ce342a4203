package io.dispatch.config;

/**
 * A daily window of local time, [start, end), that may wrap midnight: the advertising night of the law
 * (21:00–08:00) or of Kakao (20:50–08:00). Times are minutes of the day in the recipient's zone.
 * Immutable; the zone's offset is supplied per call so one window serves every tenant.
 */
public final class NightWindow
{
    private static final long DAY_MS = 86_400_000L;
    private static final long MINUTE_MS = 60_000L;

    private final int startMinute;
    private final int endMinute;

    public NightWindow(final int startMinute, final int endMinute)
    {
        if (startMinute < 0 || startMinute >= 1440 || endMinute < 0 || endMinute >= 1440)
        {
            throw new IllegalArgumentException("minutes of the day must be in 0..1439");
        }
        this.startMinute = startMinute;
        this.endMinute = endMinute;
    }

    /** @param hhmm e.g. {@code 20:50}. */
    public static int parseMinute(final String key, final String hhmm)
    {
        final String[] parts = hhmm.trim().split(":");
        try
        {
            final int h = Integer.parseInt(parts[0]);
            final int m = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            if (parts.length <= 2 && h >= 0 && h < 24 && m >= 0 && m < 60)
            {
                return h * 60 + m;
            }
        }
        catch (final NumberFormatException ignore)
        {
            // reported below
        }
        throw new io.dispatch.config.ConfigurationException(key, "'" + hhmm + "' is not a time HH:MM");
    }

    /** An empty window (start == end) never contains anything. */
    public boolean isEmpty()
    {
        return startMinute == endMinute;
    }

    /**
     * @param offsetMs the recipient zone's offset from UTC at {@code epochMs} (the caller caches the zone rules).
     */
    public boolean contains(final long epochMs, final long offsetMs)
    {
        if (startMinute == endMinute)
        {
            return false;
        }
        final int minute = (int)(Math.floorMod(epochMs + offsetMs, DAY_MS) / MINUTE_MS);
        return startMinute < endMinute ?
            minute >= startMinute && minute < endMinute :
            minute >= startMinute || minute < endMinute;
    }

    /**
     * @param offsetMs the recipient zone's offset from UTC at {@code epochMs}.
     * @return the first instant at or after {@code epochMs} at which the window ends (local end time).
     */
    public long endAfter(final long epochMs, final long offsetMs)
    {
        final long local = epochMs + offsetMs;
        long end = local - Math.floorMod(local, DAY_MS) + endMinute * MINUTE_MS;
        if (end <= local)
        {
            end += DAY_MS;
        }
        return end - offsetMs;
    }

    public int startMinute()
    {
        return startMinute;
    }

    public int endMinute()
    {
        return endMinute;
    }

    @Override
    public String toString()
    {
        return String.format("%02d:%02d-%02d:%02d", startMinute / 60, startMinute % 60, endMinute / 60, endMinute % 60);
    }
}
