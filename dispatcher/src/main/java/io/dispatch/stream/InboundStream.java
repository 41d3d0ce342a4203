package io.dispatch.stream;


/** A SUBSCRIBE_INBOUND: the tenant's inbound events as INBOUND frames, each with its position. */
final class InboundStream extends JournalStream
{
    InboundStream(final StreamSink sink, final int tenantId, final byte[] tenantName, final long startAfter,
        final Runnable onOpen)
    {
        super(sink, tenantId, tenantName, startAfter, onOpen);
    }

    @Override
    public boolean onInbound(final long position, final long atMs, final byte[] tenantName, final int tenantNameLength,
        final byte[] body, final int length)
    {
        if (!ofTenant(tenantName, tenantNameLength))
        {
            return true;
        }
        if (!sink.offerInbound(position, body, length))
        {
            return false;
        }
        offered = true;
        return true;
    }
}
