package io.dispatch.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest
{
    @Test
    void shouldDoubleWithJitterUpToTheCapAndStartOverOnReset()
    {
        final Backoff backoff = new Backoff(100, 1000);
        final long[] ceilings = {100, 200, 400, 800, 1000, 1000};
        for (final long ceiling : ceilings)
        {
            assertThat(backoff.nextDelayMs()).isBetween(ceiling / 2, ceiling);
        }
        // Long outages must not overflow the doubling.
        for (int i = 0; i < 200; i++)
        {
            assertThat(backoff.nextDelayMs()).isBetween(500L, 1000L);
        }
        final Backoff unbounded = new Backoff(100, Long.MAX_VALUE);
        for (int i = 0; i < 200; i++)
        {
            assertThat(unbounded.nextDelayMs()).isPositive();
        }
        backoff.reset();
        assertThat(backoff.nextDelayMs()).isBetween(50L, 100L);
    }
}
