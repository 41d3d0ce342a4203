package io.dispatch.config;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/** Named idle strategies for agent loops: {@code backoff} (default), {@code sleeping}, {@code yielding}, {@code busyspin}. */
public final class IdleStrategies
{
    private IdleStrategies()
    {
    }

    public static IdleStrategy create(final String name)
    {
        switch (name)
        {
            case "backoff": return new BackoffIdleStrategy(64, 16, 1_000, 1_000_000);
            case "sleeping": return new SleepingMillisIdleStrategy(1);
            case "yielding": return new YieldingIdleStrategy();
            case "busyspin": return new BusySpinIdleStrategy();
            default: throw new IllegalArgumentException(name);
        }
    }

    static void validate(final String key, final String name)
    {
        try
        {
            create(name);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigurationException(key, "'" + name + "' is not one of backoff, sleeping, yielding, busyspin");
        }
    }
}
