package io.dispatch.fuzz;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Collects what counts as a crash in the engine's own words: an unexpected exception on a connection
 * ({@code event=connection_error}) or any ERROR line (a ring stage or the targeting thread failed). Quietens
 * the per-connection INFO and WARN lines a fuzz run would otherwise print millions of times.
 */
final class CrashLog extends AppenderBase<ILoggingEvent>
{
    private final ConcurrentLinkedQueue<String> crashes = new ConcurrentLinkedQueue<>();

    static CrashLog install()
    {
        final LoggerContext context = (LoggerContext)LoggerFactory.getILoggerFactory();
        final CrashLog log = new CrashLog();
        log.setContext(context);
        log.setName("fuzz-crashes");
        log.start();
        final Logger engine = context.getLogger("io.dispatch");
        engine.setLevel(Level.WARN);
        engine.setAdditive(false);
        engine.addAppender(log);
        return log;
    }

    void uninstall()
    {
        final LoggerContext context = (LoggerContext)getContext();
        final Logger engine = context.getLogger("io.dispatch");
        engine.detachAppender(this);
        engine.setAdditive(true);
        engine.setLevel(null);
        stop();
    }

    @Override
    protected void append(final ILoggingEvent event)
    {
        final String message = event.getFormattedMessage();
        if (event.getLevel().isGreaterOrEqual(Level.ERROR)
            || message.startsWith("event=connection_error") && !isIoError(message))
        {
            final StringBuilder line = new StringBuilder(event.getLoggerName()).append(": ").append(message);
            if (event.getThrowableProxy() != null)
            {
                line.append(" / ").append(event.getThrowableProxy().getClassName()).append(": ")
                    .append(event.getThrowableProxy().getMessage());
            }
            crashes.add(line.toString());
        }
    }

    /** The peer went away while answers were being written (the fuzzer closes early): an I/O outcome, not a crash. */
    private static boolean isIoError(final String message)
    {
        final int at = message.indexOf("error=");
        if (at < 0)
        {
            return false;
        }
        final int end = message.indexOf(':', at);
        final String className = message.substring(at + "error=".length(), end < 0 ? message.length() : end).trim();
        try
        {
            return IOException.class.isAssignableFrom(Class.forName(className));
        }
        catch (final ClassNotFoundException ex)
        {
            return false;
        }
    }

    /** @return the crashes logged since the last call, or null when none. */
    String take()
    {
        if (crashes.isEmpty())
        {
            return null;
        }
        final StringBuilder all = new StringBuilder();
        String s;
        while ((s = crashes.poll()) != null)
        {
            all.append(s).append('\n');
        }
        return all.toString();
    }
}
