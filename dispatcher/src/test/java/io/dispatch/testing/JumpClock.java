package io.dispatch.testing;

import org.agrona.concurrent.EpochClock;

import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * A clock that runs at real speed from a chosen instant and can jump forward: policy tests start the engine
 * at 21:30 in Seoul, then jump to 08:00, while timers and simulated providers keep flowing normally.
 */
public final class JumpClock implements EpochClock
{
    private final long startNs = System.nanoTime();
    private final long startMs;
    private volatile long jumpedMs;

    public JumpClock(final long startEpochMs)
    {
        this.startMs = startEpochMs;
    }

    /** @param seoulLocalDateTime e.g. {@code 2026-11-25T21:30:00}. */
    public static JumpClock atSeoul(final String seoulLocalDateTime)
    {
        return new JumpClock(LocalDateTime.parse(seoulLocalDateTime).atZone(ZoneId.of("Asia/Seoul")).toInstant().toEpochMilli());
    }

    public void jump(final long ms)
    {
        jumpedMs += ms;
    }

    /** Jumps to {@code epochMs} if it is ahead. */
    public void jumpTo(final long epochMs)
    {
        final long now = time();
        if (epochMs > now)
        {
            jump(epochMs - now);
        }
    }

    @Override
    public long time()
    {
        return startMs + (System.nanoTime() - startNs) / 1_000_000 + jumpedMs;
    }
}
