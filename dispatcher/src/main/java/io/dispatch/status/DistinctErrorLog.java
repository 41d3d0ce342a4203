package io.dispatch.status;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs each distinct error (by event name and exception type) once, then counts repeats and reports
 * the count at most once a minute, so an error on the hot path cannot flood the log. Thread-safe.
 */
public final class DistinctErrorLog
{
    private static final Logger LOG = LoggerFactory.getLogger("io.dispatch.errors");
    private static final long REPEAT_REPORT_INTERVAL_MS = 60_000;

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final Counters counters;

    public DistinctErrorLog(final Counters counters)
    {
        this.counters = counters;
    }

    public void record(final String event, final Throwable error)
    {
        counters.increment(Counter.INTERNAL_ERRORS);
        final String key = event + ":" + error.getClass().getName();
        final Entry entry = entries.computeIfAbsent(key, k -> new Entry());
        final long count = entry.count.incrementAndGet();
        final long now = System.currentTimeMillis();
        if (count == 1)
        {
            entry.lastReportMs = now;
            LOG.error("event={} first_occurrence error={}", event, error.toString(), error);
        }
        else if (now - entry.lastReportMs >= REPEAT_REPORT_INTERVAL_MS)
        {
            entry.lastReportMs = now;
            LOG.error("event={} repeated count={} error={}", event, count, error.toString());
        }
    }

    public void record(final String event, final String detail)
    {
        record(event, new IllegalStateException(detail));
    }

    private static final class Entry
    {
        final AtomicLong count = new AtomicLong();
        volatile long lastReportMs;
    }
}
