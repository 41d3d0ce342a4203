package io.dispatch.targeting;

/**
 * A request for the targeting thread: a DIRECTORY_UPDATE or campaign frame body copied off the connection,
 * or a token invalidation reported by a push connector (a DIRECTORY_UPDATE body with no requester). One object per frame, not per recipient.
 */
public final class TargetingRequest
{
    public static final int DIRECTORY_UPDATE = 1;
    public static final int CAMPAIGN = 2;
    public static final int CAMPAIGN_CONTROL = 3;
    public static final int CAMPAIGN_STATS = 4;

    final int type;
    final int tenantId;
    final Requester requester;
    final long correlationId;
    final byte[] body;

    public TargetingRequest(final int type, final int tenantId, final Requester requester, final long correlationId,
        final byte[] body)
    {
        this.type = type;
        this.tenantId = tenantId;
        this.requester = requester;
        this.correlationId = correlationId;
        this.body = body;
    }

    public int type()
    {
        return type;
    }

    public int tenantId()
    {
        return tenantId;
    }

    public Requester requester()
    {
        return requester;
    }

    public long correlationId()
    {
        return correlationId;
    }

    public byte[] body()
    {
        return body;
    }
}
