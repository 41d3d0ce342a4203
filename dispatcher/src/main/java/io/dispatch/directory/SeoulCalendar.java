package io.dispatch.directory;

/**
 * Calendar arithmetic in Asia/Seoul without allocation. Korea has kept UTC+09:00 without daylight saving
 * since 1988, so a fixed offset is exact for every date the directory holds in practice.
 */
final class SeoulCalendar
{
    static final long OFFSET_MS = 9 * 3_600_000L;
    private static final long DAY_MS = 86_400_000L;

    private SeoulCalendar()
    {
    }

    /** The calendar year in Seoul at the instant. */
    static int year(final long epochMs)
    {
        return (int)(civil(Math.floorDiv(epochMs + OFFSET_MS, DAY_MS)) >> 16);
    }

    /** Writes yyyy-MM-dd (Seoul date of the instant). @return 10, or -1 when it does not fit. */
    static int writeIsoDate(final long epochMs, final byte[] dst, final int at)
    {
        if (at + 10 > dst.length)
        {
            return -1;
        }
        final long ymd = civil(Math.floorDiv(epochMs + OFFSET_MS, DAY_MS));
        final int year = (int)(ymd >> 16);
        final int month = (int)(ymd >> 8 & 0xFF);
        final int day = (int)(ymd & 0xFF);
        if (year < 0 || year > 9999)
        {
            return -1;
        }
        dst[at] = (byte)('0' + year / 1000);
        dst[at + 1] = (byte)('0' + year / 100 % 10);
        dst[at + 2] = (byte)('0' + year / 10 % 10);
        dst[at + 3] = (byte)('0' + year % 10);
        dst[at + 4] = '-';
        dst[at + 5] = (byte)('0' + month / 10);
        dst[at + 6] = (byte)('0' + month % 10);
        dst[at + 7] = '-';
        dst[at + 8] = (byte)('0' + day / 10);
        dst[at + 9] = (byte)('0' + day % 10);
        return 10;
    }

    /** Days since 1970-01-01 to (year << 16 | month << 8 | day): H. Hinnant's civil_from_days. */
    private static long civil(final long epochDay)
    {
        final long z = epochDay + 719_468;
        final long era = Math.floorDiv(z, 146_097);
        final long doe = z - era * 146_097;
        final long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        final long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        final long mp = (5 * doy + 2) / 153;
        final long day = doy - (153 * mp + 2) / 5 + 1;
        final long month = mp < 10 ? mp + 3 : mp - 9;
        final long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        return year << 16 | month << 8 | day;
    }
}
