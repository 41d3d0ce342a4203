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
    /**
     * Cluster mode: this node took a partition over; the body is u8 flags (1: paused across the cluster), then the
     * campaign's CAMPAIGN body (found by name, created with an empty audience when this node does not have it). Its
     * recipients that {@code ClusterTargeting.takesOver} are added to the campaign's remaining audience, those that
     * another owner handled meanwhile dropped from it. Answered CAMPAIGN_RESULT.
     */
    public static final int CAMPAIGN_TAKE_OVER = 5;
    /** CAMPAIGN_TAKE_OVER's flag: the campaign is paused across the cluster (a copy created here starts paused). */
    public static final byte TAKE_OVER_PAUSED = 1;
    /**
     * Cluster mode: a partition is being handed over (no recipient of it is fanned out from now on): waits until the
     * ring journaled every campaign message published, reports them handled, and answers DIRECTORY_RESULT.
     */
    public static final int CAMPAIGN_HAND_OVER = 6;

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
