package io.dispatch.ingest;

import io.dispatch.config.SessionLimits;
import io.dispatch.config.TenantConfig;
import io.dispatch.ring.AnswerSink;
import io.dispatch.ring.AnswerSinks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Live sessions by reference. A reference is {@code generation << 12 | slot}, so a message whose
 * session has gone (and whose slot was reused) no longer resolves. Also counts connections and receipt
 * subscriptions per tenant against {@link SessionLimits}. Register/unregister are rare and
 * synchronized; {@link #resolve} and {@link #tenantSubscribers} are lock-free reads for the ring stages, which see
 * each session as its {@link SessionProxy}.
 */
public final class SessionRegistry implements AnswerSinks
{
    public static final int MAX_SESSIONS = AnswerSinks.MAX_SINKS;
    private static final int SLOT_MASK = MAX_SESSIONS - 1;
    private static final AnswerSink[] NONE = new AnswerSink[0];

    /** {@link #register}: the engine's connection cap is reached. */
    public static final int FULL = -1;
    /** {@link #register}: the tenant's connection cap is reached. */
    public static final int TENANT_FULL = -2;

    private final AtomicReferenceArray<SessionHandler> slots = new AtomicReferenceArray<>(MAX_SESSIONS);
    private final int[] connectionsByTenant = new int[TenantConfig.MAX_TENANTS];
    private final int[] subscriptionsByTenant = new int[TenantConfig.MAX_TENANTS];
    private int connections;
    private int subscriptions;
    private int generation;
    private volatile AnswerSink[] tenantSubscribers = NONE;
    private final SessionLimits limits;

    /** With the default limits (tests). */
    public SessionRegistry()
    {
        this(SessionLimits.DEFAULT);
    }

    /** @param limits the engine's and each tenant's connection and subscription caps. */
    public SessionRegistry(final SessionLimits limits)
    {
        this.limits = limits;
    }

    SessionLimits limits()
    {
        return limits;
    }

    /**
     * Registers an authenticated session of {@link SessionHandler#tenantId()}.
     *
     * @return the new session's reference, {@link #FULL} or {@link #TENANT_FULL}.
     */
    synchronized int register(final SessionHandler session)
    {
        final int tenant = session.tenantId();
        if (connections >= limits.maxConnections())
        {
            return FULL;
        }
        if (connectionsByTenant[tenant] >= limits.maxConnectionsPerTenant())
        {
            return TENANT_FULL;
        }
        for (int i = 1; i < MAX_SESSIONS; i++)
        {
            if (slots.get(i) == null)
            {
                generation = (generation + 1) & 0x7FFFF;
                final int ref = generation << 12 | i;
                session.proxy().assignRef(ref);
                slots.set(i, session);
                connections++;
                connectionsByTenant[tenant]++;
                return ref;
            }
        }
        return FULL;
    }

    /**
     * Counts a registered session's first SUBSCRIBE against the caps; its later ones only change the scope.
     *
     * @return 0, {@link #FULL} or {@link #TENANT_FULL}.
     */
    synchronized int subscribe(final SessionHandler session)
    {
        final int tenant = session.tenantId();
        if (subscriptions >= limits.maxSubscriptions())
        {
            return FULL;
        }
        if (subscriptionsByTenant[tenant] >= limits.maxSubscriptionsPerTenant())
        {
            return TENANT_FULL;
        }
        subscriptions++;
        subscriptionsByTenant[tenant]++;
        return 0;
    }

    /** @param subscribed whether {@link #subscribe} counted the session. */
    synchronized void unregister(final SessionHandler session, final boolean subscribed)
    {
        final int ref = session.proxy().ref();
        if (ref > 0 && slots.get(ref & SLOT_MASK) == session)
        {
            slots.set(ref & SLOT_MASK, null);
            connections--;
            connectionsByTenant[session.tenantId()]--;
            if (subscribed)
            {
                subscriptions--;
                subscriptionsByTenant[session.tenantId()]--;
            }
        }
        refreshSubscribers();
    }

    synchronized void refreshSubscribers()
    {
        final List<AnswerSink> list = new ArrayList<>();
        for (int i = 1; i < MAX_SESSIONS; i++)
        {
            final SessionHandler s = slots.get(i);
            if (s != null && s.proxy().subscriptionScope() == AnswerSink.SCOPE_TENANT)
            {
                list.add(s.proxy());
            }
        }
        tenantSubscribers = list.toArray(NONE);
    }

    @Override
    public AnswerSink resolve(final int ref)
    {
        if (ref <= 0)
        {
            return null;
        }
        final SessionHandler s = slots.get(ref & SLOT_MASK);
        return s != null && s.proxy().ref() == ref ? s.proxy() : null;
    }

    /** Sessions subscribed to every receipt of their tenant (any tenant: filter by {@link AnswerSink#tenantId()}). */
    @Override
    public AnswerSink[] tenantSubscribers()
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
            final SessionHandler s = slots.get(i);
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
