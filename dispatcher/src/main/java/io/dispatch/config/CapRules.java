package io.dispatch.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The frequency-cap rules of one tenant, class and channel scope: "at most {@code count} in any rolling
 * {@code window}", e.g. {@code 1/24h,3/7d}. Immutable.
 */
public final class CapRules
{
    public static final CapRules NONE = new CapRules(new int[0], new long[0], "none");
    public static final int MAX_COUNT = 32;

    private final int[] counts;
    private final long[] windowsMs;
    private final String text;

    private CapRules(final int[] counts, final long[] windowsMs, final String text)
    {
        this.counts = counts;
        this.windowsMs = windowsMs;
        this.text = text;
    }

    /** @param value comma-separated {@code COUNT/DURATION}; durations end in s, m, h or d. */
    public static CapRules parse(final String key, final String value)
    {
        final List<int[]> rules = new ArrayList<>();
        final List<Long> windows = new ArrayList<>();
        for (final String raw : value.split(","))
        {
            final String rule = raw.trim();
            final int slash = rule.indexOf('/');
            if (slash <= 0)
            {
                throw new ConfigurationException(key, "'" + rule + "' is not COUNT/DURATION, e.g. 1/24h");
            }
            final int count;
            try
            {
                count = Integer.parseInt(rule.substring(0, slash).trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new ConfigurationException(key, "'" + rule + "': count is not a number");
            }
            if (count < 1 || count > MAX_COUNT)
            {
                throw new ConfigurationException(key, "'" + rule + "': count must be 1.." + MAX_COUNT);
            }
            rules.add(new int[] {count});
            windows.add(Durations.parseMs(key, rule.substring(slash + 1).trim()));
        }
        final int[] counts = new int[rules.size()];
        final long[] w = new long[rules.size()];
        for (int i = 0; i < counts.length; i++)
        {
            counts[i] = rules.get(i)[0];
            w[i] = windows.get(i);
        }
        return new CapRules(counts, w, value.trim());
    }

    public boolean isEmpty()
    {
        return counts.length == 0;
    }

    public int size()
    {
        return counts.length;
    }

    public int count(final int i)
    {
        return counts[i];
    }

    public long windowMs(final int i)
    {
        return windowsMs[i];
    }

    public int maxCount()
    {
        int max = 0;
        for (final int c : counts)
        {
            max = Math.max(max, c);
        }
        return max;
    }

    public long maxWindowMs()
    {
        long max = 0;
        for (final long w : windowsMs)
        {
            max = Math.max(max, w);
        }
        return max;
    }

    @Override
    public String toString()
    {
        return text;
    }
}
