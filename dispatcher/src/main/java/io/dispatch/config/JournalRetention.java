package io.dispatch.config;

/**
 * How often the journal is snapshotted and how long its cycles are kept (docs/design/snapshots-and-retention.md).
 *
 * @param snapshotIntervalMs between two snapshots (the first is taken just after start).
 * @param retentionDays      journal cycles older than this (and than the dedup horizon) holding no message still
 *                           owed a dispatch are deleted; 0 keeps every cycle.
 */
public record JournalRetention(long snapshotIntervalMs, int retentionDays)
{
    public static JournalRetention read(final Settings s)
    {
        return new JournalRetention(
            s.longValue(Configuration.JOURNAL_SNAPSHOT_INTERVAL_SECONDS_PROP_NAME,
                Configuration.JOURNAL_SNAPSHOT_INTERVAL_SECONDS_DEFAULT, 1, 7L * 86_400) * 1000L,
            s.integer(Configuration.JOURNAL_RETENTION_DAYS_PROP_NAME, Configuration.JOURNAL_RETENTION_DAYS_DEFAULT, 0,
                36_500));
    }

    public String describe()
    {
        return "snapshotInterval=" + snapshotIntervalMs / 1000 + "s retentionDays=" + retentionDays;
    }
}
