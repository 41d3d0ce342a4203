package io.dispatch.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs each distinct problem once at WARN and later occurrences at DEBUG with a count, so that a failure
 * repeated per message cannot flood the log. Thread-safe.
 */
final class ErrorLog
{
    static final Logger LOG = LoggerFactory.getLogger(DispatchClient.class);

    private static final Map<String, AtomicLong> SEEN = new ConcurrentHashMap<>();

    private ErrorLog()
    {
    }

    static void warnOnce(final String key, final String message, final Throwable cause)
    {
        final long count = SEEN.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        if (count == 1)
        {
            LOG.warn(message, cause);
        }
        else if (LOG.isDebugEnabled())
        {
            LOG.debug("{} (seen {} times)", message, count, cause);
        }
    }

    static void callbackFailed(final Throwable t)
    {
        warnOnce("callback-" + t.getClass().getName(), "a listener or future callback threw; continuing", t);
    }
}
