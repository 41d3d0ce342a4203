package io.dispatch.load.scenario;

import java.util.Arrays;

/**
 * An offered rate over time, as piecewise-linear segments on a stream's timeline (nanoseconds from the
 * run's start). Constant, ramp, step and burst profiles are all such segments, which lets the open-loop
 * schedule place message {@code n} exactly where the cumulative offered count reaches {@code n}: the
 * intended times follow the profile however the rate varies, so latency measured from them stays free
 * of coordinated omission at every rate.
 * <p>
 * Within a segment the rate goes linearly from {@code r0} to {@code r1}; the count is its integral, and
 * {@link #timeOfIndexNs} inverts it in closed form (a quadratic for ramps). Zero-rate segments (a stream
 * that starts late, a burst's quiet part) hold no messages and are skipped by the inversion.
 * <p>
 * <b>Threading:</b> immutable; {@link #timeOfIndexNs} is allocation-free (the sender's hot path).
 */
public final class RateProfile
{
    private static final double NS_PER_S = 1e9;
    /** Bounds memory and the binary search; a burst every second for 8 hours stays well below. */
    public static final int MAX_SEGMENTS = 100_000;

    private final long[] startNs;
    private final long[] endNs;
    private final double[] r0;
    private final double[] r1;
    /** Messages offered before each segment (real-valued), plus the total at the end. */
    private final double[] cumulative;
    private final String description;

    private RateProfile(final Builder b, final String description)
    {
        final int n = b.count;
        startNs = Arrays.copyOf(b.startNs, n);
        endNs = Arrays.copyOf(b.endNs, n);
        r0 = Arrays.copyOf(b.r0, n);
        r1 = Arrays.copyOf(b.r1, n);
        cumulative = new double[n + 1];
        for (int i = 0; i < n; i++)
        {
            cumulative[i + 1] = cumulative[i] + (r0[i] + r1[i]) / 2 * ((endNs[i] - startNs[i]) / NS_PER_S);
        }
        this.description = description;
    }

    /** @return a constant {@code rate} from 0 to {@code lengthNs}. */
    public static RateProfile constant(final double rate, final long lengthNs)
    {
        return builder().segment(0, lengthNs, rate, rate).build("constant " + rate);
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /** @return messages offered from 0 up to {@code tNs} (real-valued). */
    public double countAt(final long tNs)
    {
        if (startNs.length == 0 || tNs <= startNs[0])
        {
            return 0;
        }
        int i = segmentAtTime(tNs);
        if (i < 0)
        {
            return cumulative[startNs.length];
        }
        final double tau = (Math.min(tNs, endNs[i]) - startNs[i]) / NS_PER_S;
        final double lengthS = (endNs[i] - startNs[i]) / NS_PER_S;
        final double slope = lengthS == 0 ? 0 : (r1[i] - r0[i]) / lengthS;
        return cumulative[i] + r0[i] * tau + slope * tau * tau / 2;
    }

    /** @return the real-valued number of messages over the whole profile. */
    public double totalCount()
    {
        return cumulative[startNs.length];
    }

    /**
     * @return when message {@code n} (0-based) is due: the time at which the cumulative count reaches
     * {@code n}, or {@link Long#MAX_VALUE} when the profile offers fewer messages.
     */
    public long timeOfIndexNs(final long n)
    {
        final int i = segmentOfIndex(n);
        if (i < 0)
        {
            return Long.MAX_VALUE;
        }
        final double m = n - cumulative[i];
        if (r0[i] == r1[i])
        {
            // Same arithmetic as a plain fixed-rate schedule (multiply, never accumulate): no drift.
            return startNs[i] + Math.round(m * (NS_PER_S / r0[i]));
        }
        final double lengthS = (endNs[i] - startNs[i]) / NS_PER_S;
        final double a = (r1[i] - r0[i]) / lengthS / 2;
        final double b = r0[i];
        // Root of a*t^2 + b*t - m = 0 in the form that stays exact when a is tiny or b is zero.
        final double tau = 2 * m / (b + Math.sqrt(Math.max(0, b * b + 4 * a * m)));
        return Math.min(endNs[i], startNs[i] + Math.round(tau * NS_PER_S));
    }

    /** @return the highest rate anywhere in the profile. */
    public double peakRate()
    {
        double peak = 0;
        for (int i = 0; i < r0.length; i++)
        {
            peak = Math.max(peak, Math.max(r0[i], r1[i]));
        }
        return peak;
    }

    /** @return the rate at {@code tNs}, 0 outside the profile. */
    public double rateAt(final long tNs)
    {
        final int i = segmentAtTime(tNs);
        if (i < 0 || tNs < startNs[i] || tNs >= endNs[i])
        {
            return 0;
        }
        final double f = (double)(tNs - startNs[i]) / (endNs[i] - startNs[i]);
        return r0[i] + (r1[i] - r0[i]) * f;
    }

    /** @return the same shape with every rate multiplied by {@code factor} (saturation steps, --rate). */
    public RateProfile scaled(final double factor)
    {
        final Builder b = builder();
        for (int i = 0; i < startNs.length; i++)
        {
            b.segment(startNs[i], endNs[i], r0[i] * factor, r1[i] * factor);
        }
        return b.build(description + String.format(java.util.Locale.ROOT, " scaled x%.4g", factor));
    }

    public int segments()
    {
        return startNs.length;
    }

    @Override
    public String toString()
    {
        return description;
    }

    /** @return the segment containing {@code tNs} (the last one starting at or before it), -1 if past the end. */
    private int segmentAtTime(final long tNs)
    {
        int lo = 0;
        int hi = startNs.length - 1;
        if (hi < 0 || tNs >= endNs[hi])
        {
            return -1;
        }
        while (lo < hi)
        {
            final int mid = (lo + hi + 1) >>> 1;
            if (startNs[mid] <= tNs)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** @return the segment i with cumulative[i] <= n < cumulative[i + 1], or -1. */
    private int segmentOfIndex(final long n)
    {
        final int segments = startNs.length;
        if (n < 0 || segments == 0 || n >= cumulative[segments])
        {
            return -1;
        }
        int lo = 0;
        int hi = segments - 1;
        while (lo < hi)
        {
            final int mid = (lo + hi + 1) >>> 1;
            if (cumulative[mid] <= n)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        // Step over zero-count segments that share the same cumulative value.
        while (lo < segments - 1 && cumulative[lo + 1] <= n)
        {
            lo++;
        }
        return lo;
    }

    /** Appends segments in time order; gaps between them are quiet (rate 0). Not thread-safe. */
    public static final class Builder
    {
        private long[] startNs = new long[8];
        private long[] endNs = new long[8];
        private double[] r0 = new double[8];
        private double[] r1 = new double[8];
        private int count;

        private Builder()
        {
        }

        /**
         * @throws IllegalArgumentException when segments overlap or go back in time, a rate is negative or
         *                                  not finite, or there are more than {@link #MAX_SEGMENTS}.
         */
        public Builder segment(final long fromNs, final long toNs, final double rateFrom, final double rateTo)
        {
            if (toNs <= fromNs)
            {
                return this;
            }
            if (!(rateFrom >= 0 && rateTo >= 0) || Double.isInfinite(rateFrom) || Double.isInfinite(rateTo))
            {
                throw new IllegalArgumentException("rates must be finite and >= 0, got " + rateFrom + ", " + rateTo);
            }
            if (count > 0 && fromNs < endNs[count - 1])
            {
                throw new IllegalArgumentException("segments overlap or go back in time");
            }
            if (count == MAX_SEGMENTS)
            {
                throw new IllegalArgumentException("more than " + MAX_SEGMENTS + " rate segments");
            }
            if (count == startNs.length)
            {
                final int n = count * 2;
                startNs = Arrays.copyOf(startNs, n);
                endNs = Arrays.copyOf(endNs, n);
                r0 = Arrays.copyOf(r0, n);
                r1 = Arrays.copyOf(r1, n);
            }
            startNs[count] = fromNs;
            endNs[count] = toNs;
            r0[count] = rateFrom;
            r1[count] = rateTo;
            count++;
            return this;
        }

        public RateProfile build(final String description)
        {
            return new RateProfile(this, description);
        }
    }
}
