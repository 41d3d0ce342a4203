package io.dispatch.journal;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The watcher's thresholds, driven by {@code doWork()} with a free-space figure the test sets. */
class DiskSpaceWatcherTest
{
    private static final long MIN_FREE = 1000;

    private final AtomicLong free = new AtomicLong(5000);
    private final DiskSpaceWatcher watcher = new DiskSpaceWatcher(Path.of("journal"), MIN_FREE, free::get);

    @Test
    void shouldReportFullBelowTheMinimumAndResumeAQuarterAboveIt()
    {
        watcher.doWork();
        assertThat(watcher.isFull()).isFalse();
        assertThat(watcher.freeBytes()).isEqualTo(5000);

        free.set(MIN_FREE);
        watcher.doWork();
        assertThat(watcher.isFull()).as("at the minimum").isFalse();

        free.set(MIN_FREE - 1);
        watcher.doWork();
        assertThat(watcher.isFull()).as("below the minimum").isTrue();

        free.set(MIN_FREE + MIN_FREE / 4 - 1);
        watcher.doWork();
        assertThat(watcher.isFull()).as("back above the minimum but inside the hysteresis").isTrue();

        free.set(MIN_FREE + MIN_FREE / 4);
        watcher.doWork();
        assertThat(watcher.isFull()).as("a quarter above the minimum").isFalse();
        assertThat(watcher.freeBytes()).isEqualTo(MIN_FREE + MIN_FREE / 4);
    }

    @Test
    void shouldKeepTheLastStateWhenFreeSpaceCannotBeRead()
    {
        free.set(10);
        watcher.doWork();
        free.set(-1);
        watcher.doWork();
        assertThat(watcher.isFull()).isTrue();
        assertThat(watcher.freeBytes()).isEqualTo(10);
    }

    @Test
    void shouldNeverReportFullWhenTheMinimumIsZero()
    {
        final DiskSpaceWatcher off = new DiskSpaceWatcher(Path.of("journal"), 0, () -> 0);
        off.doWork();
        assertThat(off.isFull()).isFalse();
    }
}
