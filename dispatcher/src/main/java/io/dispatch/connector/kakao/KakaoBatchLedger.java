package io.dispatch.connector.kakao;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The durable per-recipient duplicate check of batched sends (docs/design/kakao-batching.md).
 * <p>
 * NHN deduplicates by {@code X-NC-API-IDEMPOTENCY-KEY}, one key per request, while the runtime retries messages one
 * by one and the next batch groups them differently. So the connector remembers, per batch, which messages it
 * carried and which of them the relay accepted, in one file per batch under {@code <dataDir>/kakao-batches}:
 * <pre>
 *  S &lt;sentAtMs&gt; &lt;path&gt; &lt;senderGroupingKey&gt;   written before the request goes out
 *  M &lt;id&gt;,&lt;id&gt;,…                                the messages it carries
 *  A &lt;id&gt;,…                                     appended: those the relay accepted
 *  D                                             appended: every member's fate is known
 * </pre>
 * A batch without {@code D} is unsettled (no answer, a timeout, a kill -9 between request and answer): its members
 * may or may not have reached the relay. Before any of them is sent again the connector lists the batch at the
 * relay by its {@code senderGroupingKey} and appends what it found ({@link #settled}). A message whose batch says it
 * was accepted is answered accepted without a request, for {@link #RETENTION_MS} after the answer: long enough for
 * the runtime to journal the acceptance, or for the restart after a kill -9 that came first.
 * <p>
 * Files are written without fsync: they survive a kill -9 of the engine (the page cache does), like the journal.
 * <b>Threading:</b> confined to the connector's event loop.
 */
final class KakaoBatchLedger
{
    /** How long a settled batch's acceptances are kept: covers the lane journaling them, and a restart. */
    static final long RETENTION_MS = 600_000;
    /** The value for messages the relay accepted. */
    static final Object ACCEPTED = new Object();

    /** A batch whose members' fate is unknown until the relay is asked. */
    static final class Unsettled
    {
        final String key;
        final String path;
        final String senderGroupingKey;
        final long sentAtMs;
        final long[] members;
        /** Members that came back to be sent while the batch was unsettled: they wait for the answer. */
        final List<KakaoMember> held = new ArrayList<>();
        boolean querying;
        boolean scheduled;

        Unsettled(final String key, final String path, final String senderGroupingKey, final long sentAtMs,
            final long[] members)
        {
            this.key = key;
            this.path = path;
            this.senderGroupingKey = senderGroupingKey;
            this.sentAtMs = sentAtMs;
            this.members = members;
        }
    }

    private record Done(Path file, long[] accepted, long dropAtMs)
    {
    }

    private static final Logger LOG = LoggerFactory.getLogger(KakaoBatchLedger.class);

    private final Path dir;
    private final Long2ObjectHashMap<Object> byMessage = new Long2ObjectHashMap<>();
    private final ArrayDeque<Done> done = new ArrayDeque<>();
    private boolean writeFailureLogged;

    KakaoBatchLedger(final Path dir)
    {
        this.dir = dir;
    }

    /** @return null (send it), {@link #ACCEPTED} (the relay has it: do not send) or the {@link Unsettled} batch. */
    Object lookup(final long messageId)
    {
        return byMessage.get(messageId);
    }

    /**
     * Reads what an earlier run left: acceptances still within retention, and unsettled batches.
     *
     * @return the unsettled batches, which the caller settles before their members are sent again.
     */
    List<Unsettled> load(final long nowMs) throws IOException
    {
        final List<Unsettled> unsettled = new ArrayList<>();
        if (!Files.isDirectory(dir))
        {
            return unsettled;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.batch"))
        {
            for (final Path file : files)
            {
                final Unsettled u = loadOne(file, nowMs);
                if (u != null)
                {
                    unsettled.add(u);
                }
            }
        }
        return unsettled;
    }

    private Unsettled loadOne(final Path file, final long nowMs) throws IOException
    {
        String[] start = null;
        long[] members = null;
        final LongHashSet accepted = new LongHashSet();
        boolean settled = false;
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
        {
            if (line.startsWith("S\t"))
            {
                start = line.split("\t", 4);
            }
            else if (line.startsWith("M\t"))
            {
                members = ids(line);
            }
            else if (line.startsWith("A\t"))
            {
                for (final long id : ids(line))
                {
                    accepted.add(id);
                }
            }
            else if (line.equals("D"))
            {
                settled = true;
            }
        }
        if (start == null || start.length < 4 || members == null)
        {
            // torn before the request could go out (the S and M lines are written before it): nothing was sent
            Files.deleteIfExists(file);
            return null;
        }
        final long sentAtMs = Long.parseLong(start[1]);
        if (settled)
        {
            if (sentAtMs + RETENTION_MS <= nowMs)
            {
                Files.deleteIfExists(file);
                return null;
            }
            final long[] ids = toArray(accepted);
            for (final long id : ids)
            {
                byMessage.put(id, ACCEPTED);
            }
            remember(file, ids, sentAtMs + RETENTION_MS);
            return null;
        }
        final String key = file.getFileName().toString().replace(".batch", "");
        final Unsettled u = new Unsettled(key, start[2], start[3], sentAtMs, members);
        for (final long id : members)
        {
            byMessage.put(id, accepted.contains(id) ? ACCEPTED : u);
        }
        return u;
    }

    /** Before the request goes out. @return false when it could not be recorded: then it must not go out. */
    boolean sent(final String key, final String path, final String senderGroupingKey, final long nowMs, final long[] ids)
    {
        final StringBuilder b = new StringBuilder(32 + ids.length * 20).append("S\t").append(nowMs).append('\t')
            .append(path).append('\t').append(senderGroupingKey).append("\nM\t");
        appendIds(b, ids).append('\n');
        try
        {
            Files.createDirectories(dir);
            Files.writeString(file(key), b, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            return true;
        }
        catch (final IOException ex)
        {
            if (!writeFailureLogged)
            {
                writeFailureLogged = true;
                LOG.error("event=kakao_batch_ledger_write_failed dir={} error=\"{}\" batched Kakao sends fail and are "
                    + "retried until the directory is writable (free disk space or fix its permissions)", dir, ex.toString());
            }
            return false;
        }
    }

    /** The relay refused the whole request before taking any recipient (429, 503, 4xx): nothing to remember. */
    void forget(final String key)
    {
        try
        {
            Files.deleteIfExists(file(key));
        }
        catch (final IOException ex)
        {
            // a leftover file without D is settled by a query at the next start: harmless
        }
    }

    /** The answer told each member's fate: remembers the accepted ones for {@link #RETENTION_MS}. */
    void answered(final String key, final long[] accepted, final long sentAtMs)
    {
        append(key, accepted);
        for (final long id : accepted)
        {
            byMessage.put(id, ACCEPTED);
        }
        remember(file(key), accepted, sentAtMs + RETENTION_MS);
    }

    /** No answer, or one that does not say which members the relay took: they wait for {@link #settled}. */
    Unsettled unsettled(final String key, final String path, final String senderGroupingKey, final long sentAtMs,
        final long[] members)
    {
        final Unsettled u = new Unsettled(key, path, senderGroupingKey, sentAtMs, members);
        for (final long id : members)
        {
            byMessage.put(id, u);
        }
        return u;
    }

    /** The relay listed the batch: those it had are accepted, the others may be sent again. */
    void settled(final Unsettled u, final LongHashSet found, final long nowMs)
    {
        final long[] accepted = new long[found.size()];
        int n = 0;
        for (final long id : u.members)
        {
            if (found.contains(id))
            {
                accepted[n++] = id;
                byMessage.put(id, ACCEPTED);
            }
            else if (byMessage.get(id) == u)
            {
                byMessage.remove(id);
            }
        }
        final long[] ids = Arrays.copyOf(accepted, n);
        append(u.key, ids);
        remember(file(u.key), ids, nowMs + RETENTION_MS);
    }

    /** Drops acceptances past retention and their files, telling {@code dropped} each message id. @return files deleted. */
    int prune(final long nowMs, final LongConsumer dropped)
    {
        int n = 0;
        for (Done d = done.peek(); d != null && d.dropAtMs <= nowMs; d = done.peek())
        {
            done.poll();
            for (final long id : d.accepted)
            {
                if (byMessage.get(id) == ACCEPTED)
                {
                    byMessage.remove(id);
                    dropped.accept(id);
                }
            }
            try
            {
                Files.deleteIfExists(d.file);
                n++;
            }
            catch (final IOException ex)
            {
                // retried at the next start, where a settled file past retention is deleted
            }
        }
        return n;
    }

    private void remember(final Path file, final long[] accepted, final long dropAtMs)
    {
        done.add(new Done(file, accepted, dropAtMs));
    }

    private void append(final String key, final long[] accepted)
    {
        final StringBuilder b = new StringBuilder(8 + accepted.length * 20).append("A\t");
        appendIds(b, accepted).append("\nD\n");
        try
        {
            Files.writeString(file(key), b, StandardCharsets.UTF_8, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
            // without D the batch is settled again by a query after a restart: costs a request, never a duplicate
        }
    }

    private Path file(final String key)
    {
        return dir.resolve(key + ".batch");
    }

    private static StringBuilder appendIds(final StringBuilder b, final long[] ids)
    {
        for (int i = 0; i < ids.length; i++)
        {
            if (i > 0)
            {
                b.append(',');
            }
            b.append(ids[i]);
        }
        return b;
    }

    private static long[] ids(final String line)
    {
        final String list = line.substring(2).trim();
        if (list.isEmpty())
        {
            return new long[0];
        }
        final String[] parts = list.split(",");
        final long[] ids = new long[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            ids[i] = Long.parseLong(parts[i]);
        }
        return ids;
    }

    private static long[] toArray(final LongHashSet set)
    {
        final long[] ids = new long[set.size()];
        int i = 0;
        for (final LongHashSet.LongIterator it = set.iterator(); it.hasNext(); )
        {
            ids[i++] = it.nextValue();
        }
        return ids;
    }
}
