package io.dispatch.load.restart;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalWriter;
import io.dispatch.journal.StateRecords;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.openhft.chronicle.core.time.TimeProvider;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Writes the journal of the restart benchmark (scripts/bench-restart): {@code messages} SMS messages of tenant
 * "demo" spread evenly over the last {@code days} days (one Chronicle cycle per day, as the engine's FAST_DAILY
 * journal), every other one with an idempotency key. The newest {@code openPercent} % stay open, alternately owed a
 * dispatch (DISPATCHED with no outcome, as after a kill -9) and deferred by a day; every other message is
 * DISPATCHED, PROVIDER_ACCEPTED, DELIVERED, in STATE batches of 63 changes as lanes write them.
 * <p>
 * Usage: {@code RestartJournalBuilder DATA_DIR [messages=10000000] [days=40] [openPercent=1]}; DATA_DIR/journal must
 * not exist.
 */
public final class RestartJournalBuilder
{
    private static final long DAY_MS = 86_400_000L;
    private static final int BODIES = 4096;

    private RestartJournalBuilder()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dataDir = Path.of(args[0]);
        final long messages = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        final int days = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        final double openPercent = args.length > 3 ? Double.parseDouble(args[3]) : 1.0;
        final Path journalDir = dataDir.resolve("journal");
        if (Files.exists(journalDir))
        {
            System.err.println(journalDir + " exists: give a fresh data dir");
            System.exit(2);
        }
        final long end = System.currentTimeMillis() - 60_000;
        final long start = end - days * DAY_MS;
        final double step = (double)(end - start) / messages;
        final long firstOpen = messages - (long)(messages * openPercent / 100);
        final long[] now = {start};
        final TimeProvider time = new TimeProvider()
        {
            @Override
            public long currentTimeMillis()
            {
                return now[0];
            }

            @Override
            public long currentTimeMicros()
            {
                return now[0] * 1000;
            }

            @Override
            public long currentTimeNanos()
            {
                return TimeUnit.MILLISECONDS.toNanos(now[0]);
            }
        };
        final byte[][] bodies = new byte[BODIES][];
        final ByteBuf buf = Unpooled.buffer(512);
        for (int i = 0; i < BODIES; i++)
        {
            buf.clear();
            final int n = ByteBufFrames.submitBody(buf, MessageKind.INFORMATIONAL, ChannelType.SMS, 2 * 86_400, "",
                String.format("0101%07d", i), "", "Your order " + i + " has shipped.", null);
            bodies[i] = new byte[n];
            buf.getBytes(0, bodies[i]);
        }
        final byte[] tenant = "demo".getBytes(StandardCharsets.UTF_8);
        final byte[] states = new byte[StateRecords.MAX_PER_BATCH * StateRecords.LENGTH];
        int batched = 0;
        long open = 0;
        final long t0 = System.nanoTime();
        try (Journal journal = new Journal(journalDir, "FAST_DAILY", time))
        {
            final JournalWriter w = journal.newWriter(false);
            for (long i = 0; i < messages; i++)
            {
                final long at = start + (long)(i * step);
                now[0] = at;
                final byte[] body = bodies[(int)(i % BODIES)];
                final boolean isOpen = i >= firstOpen;
                final boolean deferred = isOpen && (i & 1) == 1;
                final long id = w.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.SMS.code(), tenant,
                    2 * 86_400, at, (i & 1) == 0 ? i + 1 : 0, deferred ? Decision.DEFER.code() : Decision.SEND.code(),
                    false, (short)0, deferred ? at + DAY_MS : 0, body, body.length);
                if (id < 0)
                {
                    throw new IllegalStateException("journal append failed: " + id);
                }
                if (isOpen)
                {
                    open++;
                    if (!deferred)
                    {
                        StateRecords.put(states, batched++ * StateRecords.LENGTH, id, at,
                            DeliveryState.DISPATCHED.code(), (byte)1, ChannelType.SMS.code(), (short)0);
                    }
                }
                else
                {
                    StateRecords.put(states, batched++ * StateRecords.LENGTH, id, at, DeliveryState.DISPATCHED.code(),
                        (byte)1, ChannelType.SMS.code(), (short)0);
                    StateRecords.put(states, batched++ * StateRecords.LENGTH, id, at + 200,
                        DeliveryState.PROVIDER_ACCEPTED.code(), (byte)1, ChannelType.SMS.code(), (short)0);
                    StateRecords.put(states, batched++ * StateRecords.LENGTH, id, at + 2_000,
                        DeliveryState.DELIVERED.code(), (byte)0, ChannelType.SMS.code(), (short)0);
                }
                if (batched > StateRecords.MAX_PER_BATCH - 3)
                {
                    w.appendStates(states, batched);
                    batched = 0;
                }
                if (i % 1_000_000 == 0 && i > 0)
                {
                    System.out.printf("%,d messages written%n", i);
                }
            }
            if (batched > 0)
            {
                w.appendStates(states, batched);
            }
            w.close();
        }
        System.out.printf("journal %s: %,d messages over %d days, %,d open (%.2f %%), written in %.1f s%n", journalDir,
            messages, days, open, 100.0 * open / messages, (System.nanoTime() - t0) / 1e9);
    }
}
