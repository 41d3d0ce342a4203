package io.dispatch.policy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * The UTC offset of one time zone, cached until the zone's next transition so that the per-message path
 * does not allocate {@link Instant}s. Asia/Seoul has had no transition since 1988, so the cache there is
 * computed once. <b>Note:</b> not thread-safe; one owner.
 */
public final class ZoneOffsetCache
{
    private final ZoneRules rules;
    private final ZoneId zone;
    private long validFromMs = Long.MAX_VALUE;
    private long validUntilMs = Long.MIN_VALUE;
    private long offsetMs;

    public ZoneOffsetCache(final ZoneId zone)
    {
        this.zone = zone;
        this.rules = zone.getRules();
    }

    public ZoneId zone()
    {
        return zone;
    }

    public long offsetMs(final long epochMs)
    {
        if (epochMs < validFromMs || epochMs >= validUntilMs)
        {
            final Instant at = Instant.ofEpochMilli(epochMs);
            offsetMs = rules.getOffset(at).getTotalSeconds() * 1000L;
            final ZoneOffsetTransition next = rules.nextTransition(at);
            final ZoneOffsetTransition previous = rules.previousTransition(at);
            validUntilMs = next == null ? Long.MAX_VALUE : next.toEpochSecond() * 1000L;
            validFromMs = previous == null ? Long.MIN_VALUE : previous.toEpochSecond() * 1000L;
        }
        return offsetMs;
    }
}
