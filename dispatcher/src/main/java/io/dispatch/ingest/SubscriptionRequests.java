package io.dispatch.ingest;

import io.dispatch.journal.JournalCursor;
import io.dispatch.netty.ByteBufView;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.SubscribeFlyweight;
import io.dispatch.protocol.SubscribeInboundFlyweight;
import io.dispatch.ring.AnswerSink;
import io.netty.buffer.ByteBuf;

/**
 * A connection's SUBSCRIBE (receipts: live from the status stage, or resumed from the journal by the stream thread)
 * and SUBSCRIBE_INBOUND (inbound events, from the stream thread). Neither costs credit. Each returns
 * {@link RequestAdapter#SUBSCRIBED}, {@link RequestAdapter#SUBSCRIBING} or {@link RequestAdapter#REFUSED} with
 * {@link #refusal()} and {@link #detail()}. See docs/design/inbound-and-resume.md.
 * <p>
 * <b>Note:</b> not thread-safe; the connection's event loop only.
 */
final class SubscriptionRequests
{
    private final IngestContext context;
    private final SessionHandler session;
    private final SessionProxy proxy;
    private final SubscribeFlyweight subscribe = new SubscribeFlyweight();
    private final SubscribeInboundFlyweight subscribeInbound = new SubscribeInboundFlyweight();
    private final ByteBufView frameView = new ByteBufView();
    private ErrorCode refusal;
    private String detail;
    /** Whether the registry counted a receipt subscription of this connection. */
    private boolean subscribed;
    /** Cluster mode: a resumed SUBSCRIBE waits for the router's answer. */
    private boolean resumePending;

    SubscriptionRequests(final IngestContext context, final SessionHandler session, final SessionProxy proxy)
    {
        this.context = context;
        this.session = session;
        this.proxy = proxy;
    }

    ErrorCode refusal()
    {
        return refusal;
    }

    String detail()
    {
        return detail;
    }

    boolean subscribed()
    {
        return subscribed;
    }

    /**
     * SUBSCRIBE ({@link SubscribeFlyweight}): a scope and a state mask, optionally a resume position (scope 1 only:
     * served by the stream thread from the journal, or in cluster mode by the {@link RequestRouter}).
     *
     * @param ok answers OK on the event loop, for a resume the router answers later.
     */
    int onSubscribe(final ByteBuf frame, final int offset, final int length, final long correlationId,
        final Runnable ok)
    {
        final ErrorCode invalid = subscribe.wrap(frameView.wrap(frame), offset, length).validate();
        if (invalid != null)
        {
            return refuse(invalid, subscribe.problem());
        }
        final boolean resume = subscribe.isResume();
        // one producer per receipt queue: the ring's status stage for live receipts, the stream thread (or in cluster
        // mode the router's stream) for resumed ones
        if (resumePending ||
            proxy.hasReceipts() && (resume || proxy.subscriptionScope() == AnswerSink.SCOPE_JOURNAL))
        {
            return refuse(ErrorCode.INVALID_FIELD, "this connection already subscribed receipts; " +
                "a resumed subscription needs a connection of its own");
        }
        if (resume && context.router != null)
        {
            return resumeInCluster(correlationId, ok);
        }
        final int refused = openReceipts();
        if (refused != 0)
        {
            return refused;
        }
        final int mask = subscribe.stateMask();
        if (resume)
        {
            // served by the stream thread from the journal: the status stage's live fan-out skips this scope
            proxy.subscribe(AnswerSink.SCOPE_JOURNAL, mask);
            context.streams.receipts(proxy, context.tenants.nameBytes(proxy.tenantId()), subscribe.resumeAfter());
        }
        else
        {
            proxy.subscribe(subscribe.scope(), mask);
            context.sessions.refreshSubscribers();
        }
        return RequestAdapter.SUBSCRIBED;
    }

    /** @return 0 when the connection has a receipt queue (now or already), else {@link RequestAdapter#REFUSED}. */
    private int openReceipts()
    {
        if (!proxy.hasReceipts())
        {
            final int full = context.sessions.subscribe(session);
            if (full < 0)
            {
                return refuse(ErrorCode.BACKPRESSURE, full == SessionRegistry.TENANT_FULL
                    ? "tenant " + session.tenant().name() + " has " +
                    context.sessions.limits().maxSubscriptionsPerTenant() +
                    " receipt subscriptions (ingest.maxSubscriptionsPerTenant); retry later"
                    : "the engine has " + context.sessions.limits().maxSubscriptions() +
                    " receipt subscriptions (ingest.maxSubscriptions); retry later");
            }
            subscribed = true;
            proxy.openReceipts(context.receiptBufferRecords);
        }
        return 0;
    }

    /**
     * Cluster mode: the router checks the position against the cluster's status topic away from the event loop and
     * answers later; the receipt queue opens only once the position is honoured, so a refused resume leaves the
     * connection free to subscribe again.
     */
    private int resumeInCluster(final long correlationId, final Runnable ok)
    {
        final int mask = subscribe.stateMask();
        final boolean taken = context.router.resumeReceipts(session, subscribe.resumeAfter(), new ResumedReceipts()
        {
            @Override
            public boolean open()
            {
                resumePending = false;
                if (!proxy.isOpen())
                {
                    return false;
                }
                if (openReceipts() != 0)
                {
                    session.answerRefused(correlationId, refusal, detail);
                    return false;
                }
                proxy.subscribe(AnswerSink.SCOPE_JOURNAL, mask);
                ok.run();
                return true;
            }

            @Override
            public void refuse(final ErrorCode code, final String why)
            {
                resumePending = false;
                session.answerRefused(correlationId, code, why);
            }
        });
        if (!taken)
        {
            return refuse(ErrorCode.INVALID_FIELD, "resumeAfter: not available on this node; subscribe without it");
        }
        resumePending = true;
        return RequestAdapter.SUBSCRIBING;
    }

    /**
     * SUBSCRIBE_INBOUND ({@link SubscribeInboundFlyweight}): empty (from now) or a resume position.
     *
     * @param onOpen answers OK once the stream thread placed the cursor, so an event journaled after the OK is
     *               never "before now".
     */
    int onSubscribeInbound(final ByteBuf frame, final int offset, final int length, final Runnable onOpen)
    {
        final ErrorCode invalid = subscribeInbound.wrap(frameView.wrap(frame), offset, length).validate();
        if (invalid != null)
        {
            return refuse(invalid, subscribeInbound.problem());
        }
        final long resumeAfter = subscribeInbound.resumeAfter() == SubscribeInboundFlyweight.FROM_NOW ?
            JournalCursor.FROM_NOW : subscribeInbound.resumeAfter();
        if (proxy.hasInbound())
        {
            return refuse(ErrorCode.INVALID_FIELD, "this connection already subscribed inbound events");
        }
        proxy.openInbound();
        context.streams.inbound(proxy, context.tenants.nameBytes(proxy.tenantId()), resumeAfter, onOpen);
        return RequestAdapter.SUBSCRIBING;
    }

    private int refuse(final ErrorCode code, final String detail)
    {
        this.refusal = code;
        this.detail = detail;
        return RequestAdapter.REFUSED;
    }
}
