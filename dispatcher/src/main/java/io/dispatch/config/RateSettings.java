package io.dispatch.config;

/**
 * A lane's send rate and the share of it reserved for priority traffic (informational, auth).
 * Immutable; changed at runtime by replacing the whole value (admin endpoint {@code POST /lanes/<ch>/rate}).
 *
 * @param perSecond       sends per second at full speed; 0 = unlimited (only the window bounds the lane).
 * @param burst           tokens the bucket holds: sends allowed at once after an idle spell.
 * @param reservedPercent share of the rate and of the window that marketing can never use.
 */
public record RateSettings(long perSecond, long burst, int reservedPercent)
{
    public static final long MAX_PER_SECOND = 10_000_000;

    public RateSettings
    {
        requireRange("perSecond", perSecond, 0, MAX_PER_SECOND);
        requireRange("burst", burst, 1, MAX_PER_SECOND);
        requireRange("reservedPercent", reservedPercent, 0, 100);
    }

    /** @param burst 0 = a tenth of a second's worth of {@code perSecond}, at least 1. */
    public static RateSettings of(final long perSecond, final long burst, final int reservedPercent)
    {
        return new RateSettings(perSecond, burst > 0 ? burst : Math.max(1, perSecond / 10), reservedPercent);
    }

    public boolean unlimited()
    {
        return perSecond == 0;
    }

    private static void requireRange(final String field, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(field + ": " + value + " is outside [" + min + ", " + max + "]");
        }
    }
}
