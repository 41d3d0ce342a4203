package io.dispatch.load;

import java.util.ArrayList;
import java.util.List;

/** A {@link SubmitSink} that keeps each submit so a test can answer it later, at a time of its choosing. */
final class CapturingSink implements SubmitSink
{
    final List<Long> globalIndexes = new ArrayList<>();
    final List<Integer> streams = new ArrayList<>();
    final List<Integer> classes = new ArrayList<>();
    final List<Long> intendedNs = new ArrayList<>();
    private final List<InFlightSubmit> pending = new ArrayList<>();
    private long nextMessageId = 1;
    boolean refuse;

    @Override
    public boolean submit(final int stream, final long globalIndex, final InFlightSubmit listener)
    {
        if (refuse)
        {
            return false;
        }
        globalIndexes.add(globalIndex);
        streams.add(stream);
        classes.add(listener.classIndex());
        intendedNs.add(listener.intendedNs());
        pending.add(listener);
        return true;
    }

    /** ACKs every pending submit, in order, with increasing message ids. */
    List<Long> ackAll()
    {
        final List<Long> ids = new ArrayList<>();
        for (final InFlightSubmit l : pending)
        {
            final long id = nextMessageId++;
            ids.add(id);
            l.onAck(id, false);
        }
        pending.clear();
        return ids;
    }

    int pendingCount()
    {
        return pending.size();
    }
}
