package io.dispatch.ingest;

import io.dispatch.config.TenantConfig;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.netty.ByteBufView;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.HelloFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's HELLO: reads it ({@link HelloFlyweight}), has the {@link HelloAuthenticator} check the key (maybe off
 * the event loop, reading paused meanwhile), registers the session within the connection caps, opens its answer queue
 * and credit window, and answers HELLO_OK. A broken HELLO, a refused key or a full engine is ERROR, then close.
 * <p>
 * <b>Note:</b> not thread-safe; the connection's event loop only (part of its {@link SessionHandler}). Runs once per
 * connection, so it may allocate.
 */
final class Handshake
{
    /** The session's logger: operators follow event=session_open under it. */
    private static final Logger LOG = LoggerFactory.getLogger(SessionHandler.class);

    private final IngestContext context;
    private final SessionHandler session;
    private final SessionProxy proxy;
    private final SessionOutput output;
    private final SessionExit exit;
    private final HelloFlyweight hello = new HelloFlyweight();
    private final ByteBufView view = new ByteBufView();
    /** Set once authenticated. */
    private TenantConfig tenant;
    /** A HELLO's key is being checked; reading is paused meanwhile. */
    private boolean authenticating;

    Handshake(final IngestContext context, final SessionHandler session, final SessionProxy proxy,
        final SessionOutput output, final SessionExit exit)
    {
        this.context = context;
        this.session = session;
        this.proxy = proxy;
        this.output = output;
        this.exit = exit;
    }

    /** @return the tenant the HELLO authenticated, null before. */
    TenantConfig tenant()
    {
        return tenant;
    }

    boolean authenticating()
    {
        return authenticating;
    }

    void onHello(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        if (tenant != null || authenticating)
        {
            output.error(correlationId, ErrorCode.ALREADY_AUTHENTICATED, tenant != null
                ? "HELLO already accepted on this connection" : "a HELLO is being verified on this connection");
            return;
        }
        final ErrorCode invalid = hello.wrap(view.wrap(frame), offset, length).validate();
        if (invalid != null)
        {
            session.fatal(correlationId, invalid, hello.problem());
            return;
        }
        final String clientName = hello.clientName();
        // a hashed key may be verified off the event loop: read nothing more until the answer
        authenticating = true;
        final ChannelHandlerContext ctx = session.ctx();
        ctx.channel().config().setAutoRead(false);
        context.authenticator.authenticate(hello.tenant(), hello.apiKey(), ctx.channel().remoteAddress(),
            ctx.executor(), new HelloAuthenticator.Outcome()
            {
                @Override
                public void accepted(final TenantConfig t)
                {
                    onAuthenticated(correlationId, t, clientName);
                }

                @Override
                public void refused(final ErrorCode code, final String detail)
                {
                    session.fatal(correlationId, code, detail);
                }
            });
    }

    private void onAuthenticated(final long correlationId, final TenantConfig t, final String clientName)
    {
        authenticating = false;
        if (session.isClosed() || exit.goodbyeReceived())
        {
            return; // the client left (or said GOODBYE, answered already) while its key was verified
        }
        final ChannelHandlerContext ctx = session.ctx();
        ctx.channel().config().setAutoRead(true);
        proxy.tenantId(t.id());
        // counted before anything is reserved for the connection: a refused one costs no direct memory
        final int registered = context.sessions.register(session);
        if (registered < 0)
        {
            final String problem = registered == SessionRegistry.TENANT_FULL
                ? "tenant " + t.name() + " has " + context.sessions.limits().maxConnectionsPerTenant() +
                " connections (ingest.maxConnectionsPerTenant)"
                : "the engine has " + context.sessions.limits().maxConnections() +
                " connections (ingest.maxConnections)";
            LOG.warn("event=session_refused tenant={} remote={} reason=\"{}\"", t.name(), ctx.channel().remoteAddress(),
                problem);
            session.fatal(correlationId, ErrorCode.BACKPRESSURE, problem + "; retry later");
            return;
        }
        proxy.openAnswers(context.initialCredit + 64);
        tenant = t;
        output.openCredit(context.initialCredit);
        session.startTick();
        final ByteBuf out = ctx.alloc().buffer(40);
        ByteBufFrames.helloOk(out, correlationId, FrameDescriptor.CURRENT_VERSION, output.credit(),
            context.maxFrameLength, proxy.ref());
        ctx.writeAndFlush(out);
        LOG.info("event=session_open tenant={} client={} remote={} session={}", t.name(), clientName,
            ctx.channel().remoteAddress(), proxy.ref());
    }
}
