package io.dispatch.connector.smpp;

import io.dispatch.connector.RecordLog;
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

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The receipt correlation log on disk: a {@link RecordLog} (daily files) under the connector's data directory,
 * replayed into the {@link ReceiptCorrelator} at start so receipts for messages accepted before a restart (or a
 * kill -9) are still mapped.
 * <pre>
 *  workers (ACCEPTED) ─┐
 *  PDU threads ────────┴─▶ many-to-one ring (off-heap) ─▶ writer agent ─▶ RecordLog appender ─▶ daily files
 * </pre>
 * Producers never block or allocate: a record that does not fit in the ring is dropped and counted (the message
 * then ends by the lane's receipt timeout if the engine restarts before its receipt). The writer agent owns the
 * appender (appenders are bound to their thread), sleeps 1 ms when idle, and deletes files whose last
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
    /** Byte 0 the record type, then its body: one record of the log. */
    private final byte[] scratch = new byte[64 * 1024];
    private final RecordLog log;
    private RecordLog.Appender appender;
    private AgentRunner runner;
    private long nextSweepMs;

    /** @param logs the lane's record logs ({@code ConnectorContext.recordLogs()}). */
    CorrelationJournal(final RecordLog.Opener logs, final Path dir, final long ttlMs, final EpochClock clock)
    {
        this.dir = dir;
        this.ttlMs = ttlMs;
        this.clock = clock;
        this.log = logs.open(dir, expiredBeforeMs());
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

    /** Each record is its type, then its body. */
    private long replay(final CorrelationReplay replay)
    {
        final UnsafeBuffer view = new UnsafeBuffer(scratch);
        return log.readAll((bytes, length) ->
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
        appender = log.newAppender();
        nextSweepMs = clock.time() + SWEEP_INTERVAL_MS;
    }

    @Override
    public int doWork()
    {
        final int work = ring.read(writeHandler, 1024);
        if (work == 0 && clock.time() >= nextSweepMs)
        {
            nextSweepMs = clock.time() + SWEEP_INTERVAL_MS;
            log.deleteExpired(expiredBeforeMs());
        }
        return work;
    }

    @Override
    public void onClose()
    {
        if (appender == null)
        {
            // closed before the agent's thread ran: AgentRunner calls this on the closing thread instead
            appender = log.newAppender();
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
        scratch[0] = (byte)type;
        buffer.getBytes(index, scratch, 1, length);
        appender.append(scratch, 1 + length);
    }

    /** Files last written more than the tracking TTL plus a day ago hold no receipt anyone still waits for. */
    private long expiredBeforeMs()
    {
        return clock.time() - ttlMs - DAY_MS;
    }

    @Override
    public void close()
    {
        if (runner != null)
        {
            runner.close();
        }
        log.close();
        if (dropped.get() > 0)
        {
            LOG.warn("event=smpp_receipt_log_dropped dir={} count={}", dir, dropped.get());
        }
    }
}
