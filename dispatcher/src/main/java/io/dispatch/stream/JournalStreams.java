package io.dispatch.stream;

import io.dispatch.journal.Journal;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;

import java.util.ArrayList;
import java.util.List;

/**
 * The stream thread: serves every subscription that reads the journal (resumed receipts and the inbound stream),
 * one cursor each, in turn. Off the ring: a subscriber catching up on a day of receipts reads the journal's pages
 * at its own pace and never delays a SUBMIT, and a slow one only stops its own cursor. See
 * docs/design/inbound-and-resume.md.
 */
public final class JournalStreams implements Agent
{
    private final Journal journal;
    private final ManyToOneConcurrentLinkedQueue<JournalStream> added = new ManyToOneConcurrentLinkedQueue<>();
    private final List<JournalStream> streams = new ArrayList<>();
    /** For the admin thread's /metrics. */
    private volatile int size;

    public JournalStreams(final Journal journal)
    {
        this.journal = journal;
    }

    /** Any thread (a connection's event loop): the tenant's receipts after {@code startAfter}. */
    public void receipts(final StreamSink sink, final byte[] tenantName, final long startAfter)
    {
        added.offer(new ReceiptStream(sink, sink.tenantId(), tenantName, startAfter));
    }

    /**
     * Any thread: the tenant's inbound events after {@code startAfter} ({@code JournalCursor.FROM_NOW} allowed).
     *
     * @param onOpen run on the stream thread once the cursor is placed, before any event is read: "from now" is
     *               then, so the subscription's OK must not go before it.
     */
    public void inbound(final StreamSink sink, final byte[] tenantName, final long startAfter,
        final Runnable onOpen)
    {
        added.offer(new InboundStream(sink, sink.tenantId(), tenantName, startAfter, onOpen));
    }

    @Override
    public int doWork()
    {
        int work = 0;
        JournalStream s;
        while ((s = added.poll()) != null)
        {
            s.open(journal);
            streams.add(s);
            work++;
        }
        for (int i = streams.size() - 1; i >= 0; i--)
        {
            final JournalStream stream = streams.get(i);
            if (!stream.sink.isOpen())
            {
                stream.close();
                streams.remove(i);
                continue;
            }
            work += stream.poll();
        }
        size = streams.size();
        return work;
    }

    /** Subscriptions served now (any thread; as of the stream thread's last duty cycle). */
    public int size()
    {
        return size;
    }

    @Override
    public void onClose()
    {
        streams.forEach(JournalStream::close);
        streams.clear();
    }

    @Override
    public String roleName()
    {
        return "journal-streams";
    }
}
