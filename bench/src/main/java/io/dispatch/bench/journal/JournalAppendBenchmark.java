package io.dispatch.bench.journal;

import io.dispatch.bench.AbstractBenchmark;
import io.dispatch.bench.ScratchDirectory;
import io.dispatch.bench.SubmitSamples;
import io.dispatch.config.Configuration;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalWriter;
import io.dispatch.journal.StateRecords;
import io.dispatch.protocol.DeliveryState;
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
 * Cost of one journal append through {@link JournalWriter}, as the journal stage does it: an ACCEPTED
 * record (26-byte header, tenant name, the template sample body: about 120 bytes) or a STATE record of
 * {@code statesPerRecord} packed 24-byte changes, with {@link JournalWriter#endOfBatch()} every {@code appendsPerBatch} appends. With
 * {@code fsync=batch} that call forces the mapped pages to disk, so the score is append cost plus
 * (fsync cost / appendsPerBatch); with {@code none} it only shows what the batch bookkeeping costs.
 * <p>
 * Each iteration appends to a fresh queue in {@code java.io.tmpdir}, deleted afterwards (appends run at
 * hundreds of MB/s). The writer is made and used on the benchmark thread, as Chronicle requires.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class JournalAppendBenchmark extends AbstractBenchmark
{
    private static final byte[] TENANT = "bench".getBytes(StandardCharsets.UTF_8);
    private static final int TTL_SECONDS = 86_400;
    private static final long ACCEPTED_AT_MS = 1_790_000_000_000L;

    @Param({"none", "batch"})
    public String fsync;

    @Param({"1", "64", "1024"})
    public int appendsPerBatch;

    /** State changes per STATE record (a lane batches up to 64 per duty cycle). */
    @Param({"1", "16"})
    public int statesPerRecord;

    private final byte[] states = new byte[StateRecords.MAX_PER_BATCH * StateRecords.LENGTH];

    private byte[] body;
    private int bodyLength;
    private int sinceBatch;
    private long keyHash;
    private long messageId;

    private ScratchDirectory dir;
    private Journal journal;
    private JournalWriter writer;

    @Setup(Level.Trial)
    public void encode()
    {
        final ByteBuf buf = Unpooled.buffer(512);
        bodyLength = SubmitSamples.encode(buf, SubmitSamples.TEMPLATE);
        body = new byte[bodyLength];
        buf.getBytes(0, body);
        for (int i = 0; i < StateRecords.MAX_PER_BATCH; i++)
        {
            StateRecords.put(states, i * StateRecords.LENGTH, 1_000 + i, ACCEPTED_AT_MS, DeliveryState.DISPATCHED.code(),
                (byte)1, SubmitSamples.CHANNEL.code(), (short)0);
        }
    }

    @Setup(Level.Iteration)
    public void open()
    {
        dir = new ScratchDirectory("journal-append-bench");
        journal = new Journal(dir.path(), Configuration.JOURNAL_ROLL_CYCLE_DEFAULT);
        writer = journal.newWriter("batch".equals(fsync));
        sinceBatch = 0;
    }

    @TearDown(Level.Iteration)
    public void close()
    {
        writer.close();
        journal.close();
        dir.close();
    }

    @Benchmark
    public long appendAccepted()
    {
        messageId = writer.appendAccepted(SubmitSamples.KIND.code(), SubmitSamples.CHANNEL.code(), TENANT, TTL_SECONDS,
            ACCEPTED_AT_MS, ++keyHash, (byte)0, false, (short)0, 0L, body, bodyLength);
        endBatchEvery();
        return messageId;
    }

    /** One STATE document carrying {@code statesPerRecord} packed changes, as a lane's duty cycle makes it. */
    @Benchmark
    public void appendStates()
    {
        writer.appendStates(states, statesPerRecord);
        endBatchEvery();
    }

    private void endBatchEvery()
    {
        if (++sinceBatch == appendsPerBatch)
        {
            sinceBatch = 0;
            writer.endOfBatch();
        }
    }
}
