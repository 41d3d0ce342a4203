package io.dispatch.bench.journal;

import io.dispatch.bench.AbstractBenchmark;
import io.dispatch.bench.ScratchDirectory;
import io.dispatch.bench.SubmitSamples;
import io.dispatch.config.Configuration;
import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReader;
import io.dispatch.journal.JournalWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Cost of reading a message back from the journal by id, as a connector lane does before each send
 * ({@link JournalReader#readAccepted}): {@code forward} reads ids in order (the lanes' usual case, served by
 * reading ahead), {@code random} jumps to ids anywhere in the queue ({@code moveToIndex}: a retry, a released
 * deferred message, a fallback). The queue was written with the {@code fsync} policy given; reads are served
 * from the page cache either way, which is what this shows.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class JournalTailBenchmark extends AbstractBenchmark
{
    private static final byte[] TENANT = "bench".getBytes(StandardCharsets.UTF_8);
    private static final int MESSAGES = 1 << 20;

    @Param({"none", "batch"})
    public String fsync;

    private final AcceptedRecord record = new AcceptedRecord();
    private long[] ids;
    private int next;
    private long seed = 42;
    private ScratchDirectory dir;
    private Journal journal;
    private JournalReader forwardReader;
    private JournalReader randomReader;

    @Setup(Level.Trial)
    public void write()
    {
        final ByteBuf buf = Unpooled.buffer(512);
        final int bodyLength = SubmitSamples.encode(buf, SubmitSamples.TEMPLATE);
        final byte[] body = new byte[bodyLength];
        buf.getBytes(0, body);
        dir = new ScratchDirectory("journal-tail-bench");
        journal = new Journal(dir.path(), Configuration.JOURNAL_ROLL_CYCLE_DEFAULT);
        ids = new long[MESSAGES];
        try (JournalWriter writer = journal.newWriter("batch".equals(fsync)))
        {
            for (int i = 0; i < MESSAGES; i++)
            {
                ids[i] = writer.appendAccepted(SubmitSamples.KIND.code(), SubmitSamples.CHANNEL.code(), TENANT, 86_400,
                    1_790_000_000_000L, i + 1, (byte)0, false, (short)0, 0L, body, bodyLength);
                if ((i & 1023) == 1023)
                {
                    writer.endOfBatch();
                }
            }
        }
        forwardReader = journal.newReader();
        randomReader = journal.newReader();
    }

    @TearDown(Level.Trial)
    public void close()
    {
        forwardReader.close();
        randomReader.close();
        journal.close();
        dir.close();
    }

    @Benchmark
    public int forward()
    {
        final long id = ids[next];
        next = (next + 1) & (MESSAGES - 1);
        if (!forwardReader.readAccepted(id, record))
        {
            throw new IllegalStateException("no record " + id);
        }
        return record.bodyLength;
    }

    @Benchmark
    public int random()
    {
        seed = seed * 6364136223846793005L + 1442695040888963407L;
        final long id = ids[(int)(seed >>> 44) & (MESSAGES - 1)];
        if (!randomReader.readAccepted(id, record))
        {
            throw new IllegalStateException("no record " + id);
        }
        return record.bodyLength;
    }
}
