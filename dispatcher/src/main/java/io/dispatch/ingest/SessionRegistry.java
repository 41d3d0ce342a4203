package io.dispatch.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Live sessions by reference. A reference is {@code generation << 12 | slot}, so a message whose
 * session has gone (and whose slot was reused) no longer resolves. Register/unregister are rare and
 * synchronized; {@link #resolve} and {@link #tenantSubscribers} are lock-free reads for the ring stages.
 */
public final class SessionRegistry
{
    public static final int MAX_SESSIONS = 4096;
    private static final int SLOT_MASK = MAX_SESSIONS - 1;
    private static final IngestSession[] NONE = new IngestSession[0];

    private final AtomicReferenceArray<IngestSession> slots = new AtomicReferenceArray<>(MAX_SESSIONS);
    private int generation;
    private volatile IngestSession[] tenantSubscribers = NONE;

    /** @return the new session's reference, or -1 when every slot is taken. */
    synchronized int register(final IngestSession session)
    {
        for (int i = 1; i < MAX_SESSIONS; i++)
        {
            if (slots.get(i) == null)
            {
                generation = (generation + 1) & 0x7FFFF;
                final int ref = generation << 12 | i;
                session.assignRef(ref);
                slots.set(i, session);
                return ref;
            }
        }
        return -1;
    }

    synchronized void unregister(final IngestSession session)
    {
        final int ref = session.ref();
        if (ref > 0 && slots.get(ref & SLOT_MASK) == session)
        {
            slots.set(ref & SLOT_MASK, null);
        }
        refreshSubscribers();
    }

    synchronized void refreshSubscribers()
    {
        final List<IngestSession> list = new ArrayList<>();
        for (int i = 1; i < MAX_SESSIONS; i++)
        {
            final IngestSession s = slots.get(i);
            if (s != null && s.subscriptionScope() == io.dispatch.protocol.Frames.SCOPE_TENANT)
            {
                list.add(s);
            }
        }
        tenantSubscribers = list.toArray(NONE);
    }

    public IngestSession resolve(final int ref)
    {
        if (ref <= 0)
        {
            return null;
        }
        final IngestSession s = slots.get(ref & SLOT_MASK);
        return s != null && s.ref() == ref ? s : null;
    }

    /** Sessions subscribed to every receipt of their tenant (any tenant: filter by {@link IngestSession#tenantId()}). */
    public IngestSession[] tenantSubscribers()
    {
        return tenantSubscribers;
    }

    /**
     * A drain: every session stops reading and sends GOODBYE with {@code reason} and the retry hint once it has
     * written every answer it owes, then closes. @return how many sessions were told.
     */
    public synchronized int goodbyeAll(final int reason, final long retryAfterMs)
    {
        int n = 0;
        for (int i = 1; i < MAX_SESSIONS; i++)
        {
            final IngestSession s = slots.get(i);
            if (s != null)
            {
                s.leave(reason, retryAfterMs);
                n++;
            }
        }
        return n;
    }

    public int size()
    {
        int n = 0;
        for (int i = 1; i < MAX_SESSIONS; i++)
        {
            if (slots.get(i) != null)
            {
                n++;
            }
        }
        return n;
    }
}
