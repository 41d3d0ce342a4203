package io.dispatch.connector.smpp;

import io.dispatch.journal.Journal;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The receipt correlation log on disk: a Chronicle queue (daily files) under the connector's data directory,
 * replayed into the {@link ReceiptCorrelator} at start so receipts for messages accepted before a restart (or a
 * kill -9) are still mapped.
 * <pre>
 *  workers (ACCEPTED) ─┐
 *  PDU threads ────────┴─▶ many-to-one ring (off-heap) ─▶ writer agent ─▶ Chronicle appender ─▶ *.cq4
 * </pre>
 * Producers never block or allocate: a record that does not fit in the ring is dropped and counted (the message
 * then ends by the lane's receipt timeout if the engine restarts before its receipt). The writer agent owns the
 * appender (Chronicle appenders are bound to their thread), sleeps 1 ms when idle, and deletes files whose last
 * write is older than the tracking TTL plus a day, at open and hourly.
 * <p>
 * Threading: {@link #restoreInto} and {@link #start} on the starting thread, before any producer; the
 * {@link CorrelationLog} methods from any thread; {@link #close} once, after the producers stopped.
 */
final class CorrelationJournal implements CorrelationLog, Agent, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(CorrelationJournal.class);
    private static final int RING_BYTES = 4 << 20;
    private static final long DAY_MS = 86_400_000L;
    private static final long SWEEP_INTERVAL_MS = 3_600_000L;

    private final Path dir;
    private final long ttlMs;
    private final EpochClock clock;
    private final ManyToOneRingBuffer ring =
        new ManyToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH)));
    private final AtomicLong dropped = new AtomicLong();
    private final MessageHandler writeHandler = this::write;
    private final byte[] scratch = new byte[64 * 1024];
    private final Journal queue;
    private ExcerptAppender appender;
    private AgentRunner runner;
    private long nextSweepMs;

    CorrelationJournal(final Path dir, final long ttlMs, final EpochClock clock)
    {
        this.dir = dir;
        this.ttlMs = ttlMs;
        this.clock = clock;
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("smpp connector: cannot create the receipt log directory " + dir, ex);
        }
        deleteExpiredFiles();
        this.queue = new Journal(dir, "FAST_DAILY");
    }

    /**
     * Puts the messages accepted since {@code oldestMs} that still wait for a receipt back into {@code correlator}.
     * Before {@link #start}. @return how many messages.
     */
    int restoreInto(final ReceiptCorrelator correlator, final long oldestMs)
    {
        final CorrelationReplay replay = new CorrelationReplay(oldestMs);
        replay(replay);
        return replay.restoreInto(correlator);
    }

    /** Each document is the record type, then its body. */
    private long replay(final CorrelationReplay replay)
    {
        final UnsafeBuffer view = new UnsafeBuffer(scratch);
        return queue.readAll((index, bytes, length) ->
        {
            view.wrap(bytes, 0, length);
            replay.onRecord(bytes[0] & 0xFF, view, 1);
        });
    }

    /** Starts the writer agent on its own daemon thread. */
    void start(final String laneName)
    {
        runner = new AgentRunner(new SleepingMillisIdleStrategy(1),
            ex -> LOG.error("event=smpp_receipt_log_failed lane={} dir={}", laneName, dir, ex), null, this);
        AgentRunner.startOnThread(runner, r ->
        {
            final Thread t = new Thread(r, "smpp-" + laneName + "-receipt-log");
            t.setDaemon(true);
            return t;
        });
    }

    // ---- producers: any thread ----

    @Override
    public void onAccepted(final long messageId, final String[] providerIds, final long atMs)
    {
        final int index = ring.tryClaim(CorrelationRecords.ACCEPTED, CorrelationRecords.acceptedLength(providerIds));
        if (claimed(index))
        {
            CorrelationRecords.encodeAccepted(ring.buffer(), index, messageId, atMs, providerIds);
            ring.commit(index);
        }
    }

    @Override
    public void onPartDelivered(final String providerId)
    {
        final int index = ring.tryClaim(CorrelationRecords.PART, CorrelationRecords.partLength(providerId));
        if (claimed(index))
        {
            CorrelationRecords.putId(ring.buffer(), index, providerId);
            ring.commit(index);
        }
    }

    @Override
    public void onEnded(final long messageId)
    {
        final int index = ring.tryClaim(CorrelationRecords.ENDED, CorrelationRecords.ENDED_LENGTH);
        if (claimed(index))
        {
            ring.buffer().putLong(index + CorrelationRecords.MESSAGE_ID_OFFSET, messageId, CorrelationRecords.ORDER);
            ring.commit(index);
        }
    }

    private boolean claimed(final int index)
    {
        if (index > 0)
        {
            return true;
        }
        if (dropped.getAndIncrement() == 0)
        {
            LOG.warn("event=smpp_receipt_log_full dir={} (records dropped; further drops counted, total logged at stop)",
                dir);
        }
        return false;
    }

    // ---- writer agent ----

    @Override
    public void onStart()
    {
        appender = queue.newAppender();
        nextSweepMs = clock.time() + SWEEP_INTERVAL_MS;
    }

    @Override
    public int doWork()
    {
        final int work = ring.read(writeHandler, 1024);
        if (work == 0 && clock.time() >= nextSweepMs)
        {
            nextSweepMs = clock.time() + SWEEP_INTERVAL_MS;
            deleteExpiredFiles();
        }
        return work;
    }

    @Override
    public void onClose()
    {
        if (appender == null)
        {
            // closed before the agent's thread ran: AgentRunner calls this on the closing thread instead
            appender = queue.newAppender();
        }
        while (ring.read(writeHandler) > 0)
        {
            // drain what the producers wrote before they stopped
        }
        appender.close();
    }

    @Override
    public String roleName()
    {
        return "smpp-receipt-log";
    }

    private void write(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        buffer.getBytes(index, scratch, 0, length);
        try (DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().writeUnsignedByte(type).write(scratch, 0, length);
        }
    }

    /** Deletes queue files last written more than TTL + 1 day ago; never the newest (the appender's). */
    private void deleteExpiredFiles()
    {
        final long cutoffMs = clock.time() - ttlMs - DAY_MS;
        try (Stream<Path> files = Files.list(dir))
        {
            final List<Path> cycles = files.filter(p -> p.getFileName().toString().endsWith(".cq4")).sorted().toList();
            for (int i = 0; i < cycles.size() - 1; i++)
            {
                if (Files.getLastModifiedTime(cycles.get(i)).toMillis() < cutoffMs)
                {
                    Files.deleteIfExists(cycles.get(i));
                    LOG.info("event=smpp_receipt_log_deleted file={}", cycles.get(i));
                }
            }
        }
        catch (final IOException ex)
        {
            LOG.warn("event=smpp_receipt_log_sweep_failed dir={} error={}", dir, ex.toString());
        }
    }

    @Override
    public void close()
    {
        if (runner != null)
        {
            runner.close();
        }
        queue.close();
        if (dropped.get() > 0)
        {
            LOG.warn("event=smpp_receipt_log_dropped dir={} count={}", dir, dropped.get());
        }
    }
}
