package io.dispatch.directory;

import io.dispatch.protocol.ConsentFlags;
import org.roaringbitmap.RoaringBitmap;

import java.util.List;

/**
 * The predicates of the segment language. Each evaluates with bitmap operations on the tenant's indexes:
 * boolean operators with AND/OR/ANDNOT, strings by equality bitmaps, numbers, ages and times by the bit-sliced
 * index, tags, reachability and consent by their bitmaps. Attributes are looked up by name at evaluation.
 */
final class SegmentNodes
{
    private SegmentNodes()
    {
    }

    static long saturatingSub(final long a, final long b)
    {
        final long r = a - b;
        if (((a ^ b) & (a ^ r)) < 0)
        {
            return b < 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return r;
    }

    static RoaringBitmap and(final RoaringBitmap bitmap, final RoaringBitmap filter)
    {
        return bitmap == null ? new RoaringBitmap() : RoaringBitmap.and(bitmap, filter);
    }

    static final class And implements SegmentNode
    {
        private final SegmentNode left;
        private final SegmentNode right;

        And(final SegmentNode left, final SegmentNode right)
        {
            this.left = left;
            this.right = right;
        }

        @Override
        public RoaringBitmap evaluate(final TenantDirectory t, final long nowMs, final RoaringBitmap filter)
        {
            final RoaringBitmap result = left.evaluate(t, nowMs, filter);
            return result.isEmpty() ? result : right.evaluate(t, nowMs, result);
        }

        @Override
        public boolean matches(final TenantDirectory t, final int ordinal, final long nowMs)
        {
            return left.matches(t, ordinal, nowMs) && right.matches(t, ordinal, nowMs);
        }
    }

    static final class Or implements SegmentNode
    {
        private final SegmentNode left;
        private final SegmentNode right;

        Or(final SegmentNode left, final SegmentNode right)
        {
            this.left = left;
            this.right = right;
        }

        @Override
        public RoaringBitmap evaluate(final TenantDirectory t, final long nowMs, final RoaringBitmap filter)
        {
            final RoaringBitmap result = left.evaluate(t, nowMs, filter);
            // Only who the left side did not select can still be added by the right side.
            final RoaringBitmap rest = RoaringBitmap.andNot(filter, result);
            if (!rest.isEmpty())
            {
                result.or(right.evaluate(t, nowMs, rest));
            }
            return result;
        }

        @Override
        public boolean matches(final TenantDirectory t, final int ordinal, final long nowMs)
        {
            return left.matches(t, ordinal, nowMs) || right.matches(t, ordinal, nowMs);
        }
    }

    /** Complement within the live recipients. */
    static final class Not implements SegmentNode
    {
        private final SegmentNode child;

        Not(final SegmentNode child)
        {
            this.child = child;
        }

        @Override
        public RoaringBitmap evaluate(final TenantDirectory t, final long nowMs, final RoaringBitmap filter)
        {
            return RoaringBitmap.andNot(filter, child.evaluate(t, nowMs, filter));
        }

        @Override
        public boolean matches(final TenantDirectory t, final int ordinal, final long nowMs)
        {
            return !child.matches(t, ordinal, nowMs);
        }
    }

    /** {@code attr = 'v'}, {@code attr in ('a', 'b')}; negated: {@code !=}, {@code not in} (set and different). */
    static final class StringIn implements SegmentNode
    {
        private final String attribute;
        private final List<String> values;
        private final boolean negated;

        StringIn(final String attribute, final List<String> values, final boolean negated)
        {
            this.attribute = attribute;
            this.values = List.copyOf(values);
            this.negated = negated;
        }

        @Override
        public RoaringBitmap evaluate(final TenantDirectory t, final long nowMs, final RoaringBitmap filter)
        {
            final StringAttribute a = (StringAttribute)t.attribute(attribute);
            final RoaringBitmap equal = a.equalToAny(values, filter);
            return negated ? RoaringBitmap.andNot(RoaringBitmap.and(a.exists(), filter), equal) : equal;
        }

        @Override
        public boolean matches(final TenantDirectory t, final int ordinal, final long nowMs)
        {
            final String value = ((StringAttribute)t.attribute(attribute)).value(ordinal);
            return value != null && values.contains(value) != negated;
        }
    }

    /** An INT attribute within [lo, hi]; negated: set and outside. */
    static final class NumberRange implements SegmentNode
    {
        private final String attribute;
        private final long lo;
        private final long hi;
        private final boolean negated;

        NumberRange(final String attribute, final long lo, final long hi, final boolean negated)
        {
            this.attribute = attribute;
            this.lo = lo;
            this.hi = hi;
            this.negated = negated;
        }

        @Override
        public RoaringBitmap evaluate(final TenantDirectory t, final long nowMs, final RoaringBitmap filter)
        {
            final NumberAttribute a = (NumberAttribute)t.attribute(attribute);
            final RoaringBitmap in = a.range(lo, hi, filter);
            return negated ? RoaringBitmap.andNot(RoaringBitmap.and(a.exists(), filter), in) : in;
        }

        @Override
        public boolean matches(final TenantDirectory t, final int ordinal, final long nowMs)
        {
            final NumberAttribute a = (NumberAttribute)t.attribute(attribute);
            if (!a.isSet(ordinal))
            {
                return false;
            }
            final long v = a.value(ordinal);
            return (v >= lo && v <= hi) != negated;
        }
    }

    /**
     * {@code age} within [lo, hi] years: age = the Seoul calendar year of the evaluation time minus birth_year
     * (the year-based age, 연 나이), so it is the birth_year range [year - hi, year - lo].
     */
    static final class AgeRange implements SegmentNode
    {
        private final long lo;
        private final long hi;
        private final boolean negated;

        AgeRange(final long lo, final long hi, final boolean negated)
        {
            this.lo = lo;
            this.hi = hi;
            this.negated = negated;
        }

        private NumberRange birthYears(final long nowMs)
        {
            final long year = SeoulCalendar.year(nowMs);
            return new NumberRange("birth_year", saturatingSub(year, hi), saturatingSub(year, lo), negated);
        }

        @Override
        public RoaringBitmap evaluate(final TenantDirectory t, final long nowMs, final RoaringBitmap filter)
        {
            return birthYears(nowMs).evaluate(t, nowMs, filter);
        }

        @Override
        public boolean matches(final TenantDirectory t, final int ordinal, final long nowMs)
        {
            return birthYears(nowMs).matches(t, ordinal, nowMs);
        }
    }

    /** {@code attr within d}: at or after now - d; {@code attr before d}: earlier than now - d. */
    static final class TimeSince implements SegmentNode
    {
        private final String attribute;
        private final long durationMs;
        private final boolean within;

        TimeSince(final String attribute, final long durationMs, final boolean within)
        {
            this.attribute = attribute;
            this.durationMs = durationMs;
            this.within = within;
        }

        private long bound(final long nowMs)
        {
            return nowMs - durationMs;
        }

        @Override
        public RoaringBitmap evaluate(final TenantDirectory t, final long nowMs, final RoaringBitmap filter)
        {
            final NumberAttribute a = (NumberAttribute)t.attribute(attribute);
            final long bound = bound(nowMs);
            return within ? a.range(bound, Long.MAX_VALUE, filter) : a.range(Long.MIN_VALUE, bound - 1, filter);
        }

        @Override
        public boolean matches(final TenantDirectory t, final int ordinal, final long nowMs)
        {
            final NumberAttribute a = (NumberAttribute)t.attribute(attribute);
            return a.isSet(ordinal) && (a.value(ordinal) >= bound(nowMs)) == within;
        }
    }

    static final class Exists implements SegmentNode
    {
        private final String attribute;

        Exists(final String attribute)
        {
            this.attribute = attribute;
        }

        @Override
        public RoaringBitmap evaluate(final TenantDirectory t, final long nowMs, final RoaringBitmap filter)
        {
            return RoaringBitmap.and(t.attribute(attribute).exists(), filter);
        }

        @Override
        public boolean matches(final TenantDirectory t, final int ordinal, final long nowMs)
        {
            return t.attribute(attribute).isSet(ordinal);
        }
    }

    static final class Tag implements SegmentNode
    {
        private final String tag;

        Tag(final String tag)
        {
            this.tag = tag;
        }

        @Override
        public RoaringBitmap evaluate(final TenantDirectory t, final long nowMs, final RoaringBitmap filter)
        {
            return and(t.tags.get(tag), filter);
        }

        @Override
        public boolean matches(final TenantDirectory t, final int ordinal, final long nowMs)
        {
            return t.tags.has(ordinal, tag);
        }
    }

    /** sms: a phone; push: a valid token; chat: a chat key or a phone. */
    static final class Reachable implements SegmentNode
    {
        private final int channel;

        Reachable(final int channel)
        {
            this.channel = channel;
        }

        @Override
        public RoaringBitmap evaluate(final TenantDirectory t, final long nowMs, final RoaringBitmap filter)
        {
            switch (channel)
            {
                case 1:
                    return RoaringBitmap.and(t.attributes.get(TenantDirectory.PHONE).exists(), filter);
                case 2:
                    return RoaringBitmap.and(t.push.reachable(), filter);
                default:
                    final RoaringBitmap result = RoaringBitmap.and(t.attributes.get(TenantDirectory.CHAT_KEY).exists(), filter);
                    result.or(RoaringBitmap.and(t.attributes.get(TenantDirectory.PHONE).exists(), filter));
                    return result;
            }
        }

        @Override
        public boolean matches(final TenantDirectory t, final int ordinal, final long nowMs)
        {
            return t.address(ordinal, channel, new byte[1024], 0) != 0;
        }
    }

    /** Ad consent and not opted out on the channel; with night, the night-ad consent too. */
    static final class Consent implements SegmentNode
    {
        private final int channel;
        private final boolean night;

        Consent(final int channel, final boolean night)
        {
            this.channel = channel;
            this.night = night;
        }

        @Override
        public RoaringBitmap evaluate(final TenantDirectory t, final long nowMs, final RoaringBitmap filter)
        {
            final RoaringBitmap result = RoaringBitmap.and(t.consent.withFlag(channel, ConsentFlags.AD), filter);
            if (night)
            {
                result.and(t.consent.withFlag(channel, ConsentFlags.NIGHT_AD));
            }
            result.andNot(t.consent.withFlag(channel, ConsentFlags.OPTED_OUT));
            return result;
        }

        @Override
        public boolean matches(final TenantDirectory t, final int ordinal, final long nowMs)
        {
            final int flags = t.consentFlags(ordinal, channel);
            return (flags & ConsentFlags.AD) != 0 && (flags & ConsentFlags.OPTED_OUT) == 0
                && (!night || (flags & ConsentFlags.NIGHT_AD) != 0);
        }
    }
}
