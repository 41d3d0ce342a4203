package io.dispatch.journal;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.nio.file.Path;

/**
 * The engine's Chronicle queue. One {@link JournalWriter} appends (the journal stage thread); any
 * thread may open its own {@link JournalReader}.
 */
public final class Journal implements AutoCloseable
{
    private final ChronicleQueue queue;

    public Journal(final Path dir, final String rollCycle)
    {
        this.queue = SingleChronicleQueueBuilder.binary(dir.toFile())
            .rollCycle(RollCycles.valueOf(rollCycle))
            .build();
    }

    /** Must be called on the thread that will append: Chronicle appenders are bound to their thread. */
    public JournalWriter newWriter(final boolean syncEachBatch)
    {
        return new JournalWriter(queue.createAppender(), syncEachBatch);
    }

    public JournalReader newReader()
    {
        return new JournalReader(queue.createTailer());
    }

    @Override
    public void close()
    {
        queue.close();
    }
}
