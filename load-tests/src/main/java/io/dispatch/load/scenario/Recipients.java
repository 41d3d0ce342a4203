package io.dispatch.load.scenario;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How a stream picks recipients (indexes into a pool of {@code n}; the channel turns an index into a phone
 * number, push token or chat user). Sampled only while the message catalog is built, never per message.
 * Forms:
 * <pre>
 *   sequential 100000        cycle through the pool in order (repeats as far apart as possible; default)
 *   uniform 100000           each message to a uniformly random recipient
 *   hot 100000 10% 100       10 % of messages to the first 100 recipients, the rest uniform over the others
 *   zipf 100000 1.1          Zipf with exponent 1.1 over the pool (pool at most 1,000,000)
 * </pre>
 * <b>Threading:</b> immutable.
 */
public final class Recipients
{
    public static final String FORMS = "'sequential 100000', 'uniform 100000', 'hot 100000 10% 100', 'zipf 100000 1.1'";
    public static final int MAX_POOL = 10_000_000;
    public static final int MAX_ZIPF_POOL = 1_000_000;

    /** Shape of the distribution. */
    public enum Kind
    {
        SEQUENTIAL, UNIFORM, HOT, ZIPF
    }

    private final Kind kind;
    private final int pool;
    private final double hotShare;
    private final int hotCount;
    private final double exponent;
    private final String description;
    private double[] zipfCdf;

    private Recipients(
        final Kind kind, final int pool, final double hotShare, final int hotCount, final double exponent,
        final String description)
    {
        this.kind = kind;
        this.pool = pool;
        this.hotShare = hotShare;
        this.hotCount = hotCount;
        this.exponent = exponent;
        this.description = description;
    }

    public static Recipients sequential(final int pool)
    {
        checkPool(pool, MAX_POOL);
        return new Recipients(Kind.SEQUENTIAL, pool, 0, 0, 0, "sequential " + pool);
    }

    /** @throws IllegalArgumentException saying what is wrong (the caller adds key and line). */
    public static Recipients parse(final String expression)
    {
        final String[] t = expression.trim().split("\\s+");
        final String form = t[0].toLowerCase(java.util.Locale.ROOT);
        switch (form)
        {
            case "sequential":
                expect(t.length == 2, "sequential POOL");
                return sequential(pool(t[1], MAX_POOL));
            case "uniform":
                expect(t.length == 2, "uniform POOL");
                return new Recipients(Kind.UNIFORM, pool(t[1], MAX_POOL), 0, 0, 0, expression.trim());
            case "hot":
            {
                expect(t.length == 4 && t[2].endsWith("%"), "hot POOL SHARE% COUNT, e.g. 'hot 100000 10% 100'");
                final int pool = pool(t[1], MAX_POOL);
                final double share = number(t[2].substring(0, t[2].length() - 1), "share") / 100.0;
                final int count = (int)number(t[3], "hot count");
                if (!(share >= 0 && share <= 1))
                {
                    throw new IllegalArgumentException("hot share must be 0%..100%, got " + t[2]);
                }
                if (count < 1 || count > pool || (count == pool && share < 1))
                {
                    throw new IllegalArgumentException("hot count must be 1.." + (pool - 1) + " (below the pool), got " + t[3]);
                }
                return new Recipients(Kind.HOT, pool, share, count, 0, expression.trim());
            }
            case "zipf":
            {
                expect(t.length == 3, "zipf POOL EXPONENT, e.g. 'zipf 100000 1.1'");
                final double s = number(t[2], "exponent");
                if (!(s > 0 && s <= 10))
                {
                    throw new IllegalArgumentException("zipf exponent must be > 0 and <= 10, got " + t[2]);
                }
                return new Recipients(Kind.ZIPF, pool(t[1], MAX_ZIPF_POOL), 0, 0, s, expression.trim());
            }
            default:
                if (t.length == 1 && !form.isEmpty() && Character.isDigit(form.charAt(0)))
                {
                    return sequential(pool(t[0], MAX_POOL));
                }
                throw new IllegalArgumentException("unknown recipients form '" + expression.trim() + "'; forms: " + FORMS);
        }
    }

    public Kind kind() { return kind; }
    public int pool() { return pool; }

    /** @return a recipient index in {@code [0, pool)}; the catalog calls this, never the send path. */
    public int sample(final SplittableRandom random, final long i)
    {
        switch (kind)
        {
            case SEQUENTIAL: return (int)(i % pool);
            case UNIFORM: return random.nextInt(pool);
            case HOT:
                return random.nextDouble() < hotShare || hotCount == pool ?
                    random.nextInt(hotCount) : hotCount + random.nextInt(pool - hotCount);
            case ZIPF:
            default:
                return zipf(random.nextDouble());
        }
    }

    private int zipf(final double u)
    {
        if (zipfCdf == null)
        {
            final double[] cdf = new double[pool];
            double sum = 0;
            for (int k = 0; k < pool; k++)
            {
                sum += 1.0 / Math.pow(k + 1, exponent);
                cdf[k] = sum;
            }
            for (int k = 0; k < pool; k++)
            {
                cdf[k] /= sum;
            }
            zipfCdf = cdf;
        }
        final int at = Arrays.binarySearch(zipfCdf, u);
        return Math.min(pool - 1, at >= 0 ? at : -at - 1);
    }

    @Override
    public String toString()
    {
        return description;
    }

    private static void expect(final boolean ok, final String form)
    {
        if (!ok)
        {
            throw new IllegalArgumentException("expected '" + form + "'");
        }
    }

    private static int pool(final String s, final int max)
    {
        final double d = number(s, "pool size");
        if (d != Math.rint(d) || d < 1 || d > max)
        {
            throw new IllegalArgumentException("pool size must be a whole number 1.." + max + ", got '" + s + "'");
        }
        return (int)d;
    }

    private static void checkPool(final int pool, final int max)
    {
        if (pool < 1 || pool > max)
        {
            throw new IllegalArgumentException("pool size must be 1.." + max + ", got " + pool);
        }
    }

    private static double number(final String s, final String what)
    {
        try
        {
            return Double.parseDouble(s.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(what + " '" + s + "' is not a number");
        }
    }
}
