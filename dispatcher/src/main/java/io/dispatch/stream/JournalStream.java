package io.dispatch.stream;

import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalCursor;

import java.util.Arrays;

/**
 * One connection's subscription served from the journal: a cursor from the position the subscriber gave, the
 * records of its tenant handed to the connection, and a stop (not a drop) when the connection's buffer is full.
 * <b>Note:</b> not thread-safe; the stream thread's.
 */
abstract class JournalStream implements JournalCursor.Visitor, AutoCloseable
{
    private static final int RECORDS_PER_POLL = 1024;

    final StreamSink sink;
    final int tenantId;
    private final byte[] tenantName;
    private final long startAfter;
    private final Runnable onOpen;
    private JournalCursor cursor;
    /** Something was handed to the sink in this poll: it must be asked to write. */
    boolean offered;

    /** @param onOpen run once the cursor is placed, before anything is read (the subscription's OK). */
    JournalStream(final StreamSink sink, final int tenantId, final byte[] tenantName, final long startAfter,
        final Runnable onOpen)
    {
        this.onOpen = onOpen;
        this.sink = sink;
        this.tenantId = tenantId;
        this.tenantName = tenantName;
        this.startAfter = startAfter;
    }

    /** On the stream thread: tailers belong to the thread that uses them. */
    void open(final Journal journal)
    {
        this.cursor = journal.newCursor();
        cursor.startAfter(startAfter);
        onOpen.run();
    }

    /** @return the records read. */
    int poll()
    {
        offered = false;
        final int read = cursor.poll(this, RECORDS_PER_POLL);
        if (offered)
        {
            sink.scheduleDrain();
        }
        return read;
    }

    final boolean ofTenant(final byte[] name, final int length)
    {
        return Arrays.equals(name, 0, length, tenantName, 0, tenantName.length);
    }

    @Override
    public boolean onAccepted(final long position, final AcceptedRecord record)
    {
        return true;
    }

    @Override
    public boolean onState(final long position, final long messageId, final byte state, final byte attempts,
        final byte channel, final short reason, final long atMs)
    {
        return true;
    }

    @Override
    public boolean onInbound(final long position, final long atMs, final byte[] tenantName, final int tenantNameLength,
        final byte[] body, final int length)
    {
        return true;
    }

    @Override
    public void close()
    {
        if (cursor != null)
        {
            cursor.close();
        }
    }
}
