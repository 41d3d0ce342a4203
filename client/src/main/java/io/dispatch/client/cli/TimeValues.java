package io.dispatch.client.cli;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;

/** Reads the time values of import files into epoch milliseconds. Stateless. */
final class TimeValues
{
    private TimeValues()
    {
    }

    /**
     * @param value an ISO-8601 instant or offset date-time ({@code 2024-03-01T09:00:00Z}), a local date-time or a
     *              date read in {@code zone} ({@code 2024-03-01T09:00}, {@code 2024-03-01}), or epoch milliseconds.
     * @throws IllegalArgumentException saying which forms are accepted.
     */
    static long parse(final String value, final ZoneId zone)
    {
        final String v = value.trim();
        try
        {
            if (!v.isEmpty() && v.chars().allMatch(Character::isDigit))
            {
                return Long.parseLong(v);
            }
            if (v.indexOf('T') < 0)
            {
                return LocalDate.parse(v).atStartOfDay(zone).toInstant().toEpochMilli();
            }
            final TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(
                v, ZonedDateTime::from, OffsetDateTime::from, LocalDateTime::from);
            return t instanceof ZonedDateTime ? ((ZonedDateTime)t).toInstant().toEpochMilli() :
                t instanceof OffsetDateTime ? ((OffsetDateTime)t).toInstant().toEpochMilli() :
                ((LocalDateTime)t).atZone(zone).toInstant().toEpochMilli();
        }
        catch (final DateTimeException | NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + value + "' is not a time: use ISO-8601 (2024-03-01T09:00:00Z), " +
                "a local date-time or date (" + zone + "), or epoch milliseconds");
        }
    }
}
