package io.dispatch.stream;

import io.dispatch.ingest.IngestSession;

/** A SUBSCRIBE_INBOUND: the tenant's inbound events as INBOUND frames, each with its position. */
final class InboundStream extends JournalStream
{
    InboundStream(final IngestSession session, final int tenantId, final byte[] tenantName, final long startAfter,
        final Runnable onOpen)
    {
        super(session, tenantId, tenantName, startAfter, onOpen);
    }

    @Override
    public boolean onInbound(final long position, final long atMs, final byte[] tenantName, final int tenantNameLength,
        final byte[] body, final int length)
    {
        if (!ofTenant(tenantName, tenantNameLength))
        {
            return true;
        }
        if (!session.offerInbound(position, body, length))
        {
            return false;
        }
        offered = true;
        return true;
    }
}
