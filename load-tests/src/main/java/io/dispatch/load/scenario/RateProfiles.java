package io.dispatch.load.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the {@code rate} expression of a stream into a {@link RateProfile} between the stream's start
 * and stop on the run's timeline. Forms (rates in messages per second, durations as {@code 10s},
 * {@code 500ms}, {@code 2m} or bare seconds):
 * <pre>
 *   5000                                   constant (same as "constant 5000")
 *   ramp 1000 20000 [over 30s]             linear from 1000/s to 20000/s, then hold (default: over the stream)
 *   steps 1000,2000,4000 every 10s         each rate for 10 s, the last one held
 *   burst 1000 20000 every 30s for 5s [after 10s]
 *                                          1000/s, with 20000/s for 5 s at the start of every 30 s period;
 *                                          the first period starts 10 s after the stream (default 0)
 * </pre>
 * <b>Threading:</b> stateless.
 */
public final class RateProfiles
{
    public static final String FORMS = "'5000', 'constant 5000', 'ramp 1000 20000 [over 30s]', " +
        "'steps 1000,2000,4000 every 10s', 'burst 1000 20000 every 30s for 5s [after 10s]'";

    private RateProfiles()
    {
    }

    /**
     * @throws IllegalArgumentException saying what is wrong with the expression (the caller adds key and line).
     */
    public static RateProfile parse(final String expression, final long fromNs, final long toNs)
    {
        final String[] t = expression.trim().toLowerCase(Locale.ROOT).split("\\s+");
        if (t.length == 0 || t[0].isEmpty())
        {
            throw new IllegalArgumentException("empty rate; forms: " + FORMS);
        }
        final RateProfile.Builder b = RateProfile.builder().segment(0, fromNs, 0, 0);
        switch (t[0])
        {
            case "constant":
                expectLength(t, 2, "constant RATE");
                constant(b, rate(t[1]), fromNs, toNs);
                break;
            case "ramp":
                ramp(b, t, fromNs, toNs);
                break;
            case "steps":
                steps(b, t, fromNs, toNs);
                break;
            case "burst":
                burst(b, t, fromNs, toNs);
                break;
            default:
                if (t.length != 1 || !Character.isDigit(t[0].charAt(0)))
                {
                    throw new IllegalArgumentException("unknown rate form '" + expression.trim() + "'; forms: " + FORMS);
                }
                constant(b, rate(t[0]), fromNs, toNs);
        }
        return b.build(expression.trim());
    }

    private static void constant(final RateProfile.Builder b, final double rate, final long fromNs, final long toNs)
    {
        b.segment(fromNs, toNs, rate, rate);
    }

    private static void ramp(final RateProfile.Builder b, final String[] t, final long fromNs, final long toNs)
    {
        if (!(t.length == 3 || (t.length == 5 && "over".equals(t[3]))))
        {
            throw new IllegalArgumentException("expected 'ramp FROM TO [over DURATION]', e.g. 'ramp 1000 20000 over 30s'");
        }
        final double from = rate(t[1]);
        final double to = rate(t[2]);
        final long rampEndNs = t.length == 5 ? Math.min(toNs, fromNs + Durations.parseNs(t[4])) : toNs;
        b.segment(fromNs, rampEndNs, from, to);
        b.segment(rampEndNs, toNs, to, to);
    }

    private static void steps(final RateProfile.Builder b, final String[] t, final long fromNs, final long toNs)
    {
        if (t.length != 4 || !"every".equals(t[2]))
        {
            throw new IllegalArgumentException("expected 'steps R1,R2,... every DURATION', e.g. 'steps 1000,2000 every 10s'");
        }
        final List<Double> rates = new ArrayList<>();
        for (final String r : t[1].split(","))
        {
            rates.add(rate(r));
        }
        final long stepNs = positiveDuration(t[3], "step duration");
        long at = fromNs;
        for (int i = 0; i < rates.size() && at < toNs; i++)
        {
            final long end = i == rates.size() - 1 ? toNs : Math.min(toNs, at + stepNs);
            b.segment(at, end, rates.get(i), rates.get(i));
            at = end;
        }
    }

    private static void burst(final RateProfile.Builder b, final String[] t, final long fromNs, final long toNs)
    {
        final boolean withOffset = t.length == 9 && "after".equals(t[7]);
        if (!(t.length == 7 || withOffset) || !"every".equals(t[3]) || !"for".equals(t[5]))
        {
            throw new IllegalArgumentException(
                "expected 'burst BASE PEAK every PERIOD for LENGTH [after OFFSET]', e.g. 'burst 1000 20000 every 30s for 5s'");
        }
        final double base = rate(t[1]);
        final double peak = rate(t[2]);
        final long periodNs = positiveDuration(t[4], "burst period");
        final long lengthNs = positiveDuration(t[6], "burst length");
        if (lengthNs > periodNs)
        {
            throw new IllegalArgumentException("burst length " + t[6] + " is longer than its period " + t[4]);
        }
        final long offsetNs = withOffset ? Durations.parseNs(t[8]) : 0;
        if ((toNs - fromNs - offsetNs) / periodNs * 2 + 3 > RateProfile.MAX_SEGMENTS)
        {
            throw new IllegalArgumentException("burst period " + t[4] + " is too short for the run's length");
        }
        long at = fromNs;
        long burstAt = fromNs + offsetNs;
        while (at < toNs)
        {
            final long quietEnd = Math.min(toNs, burstAt);
            b.segment(at, quietEnd, base, base);
            final long burstEnd = Math.min(toNs, burstAt + lengthNs);
            b.segment(Math.max(at, quietEnd), burstEnd, peak, peak);
            at = Math.max(quietEnd, burstEnd);
            burstAt += periodNs;
        }
    }

    private static void expectLength(final String[] t, final int length, final String form)
    {
        if (t.length != length)
        {
            throw new IllegalArgumentException("expected '" + form + "'");
        }
    }

    private static long positiveDuration(final String s, final String what)
    {
        final long ns = Durations.parseNs(s);
        if (ns <= 0)
        {
            throw new IllegalArgumentException(what + " must be > 0, got '" + s + "'");
        }
        return ns;
    }

    /** @return a rate in messages per second: a number >= 0, optionally with a {@code k} suffix (thousands). */
    public static double rate(final String s)
    {
        final String v = s.trim().toLowerCase(Locale.ROOT);
        final boolean thousands = v.endsWith("k");
        try
        {
            final double d = Double.parseDouble(thousands ? v.substring(0, v.length() - 1) : v) * (thousands ? 1000 : 1);
            if (!(d >= 0) || Double.isInfinite(d))
            {
                throw new NumberFormatException();
            }
            return d;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + s + "' is not a rate (a number >= 0 per second, e.g. 5000 or 5k)");
        }
    }
}
