package io.dispatch.targeting;

import io.dispatch.protocol.CampaignDescriptor;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

/** One campaign as the targeting thread runs it: definition, audience, cursor and pacing. */
final class Campaign
{
    final long id;
    final int tenantId;
    final CampaignSpec spec;
    final int slot;
    /** The name's bytes, as cluster mode records which recipients a campaign handled. */
    final byte[] nameBytes;
    /** Per channel code: the recipient attribute id of each placeholder of the channel's template (-1: none). */
    final int[][] attributeIds = new int[4][];

    byte state = CampaignDescriptor.STATE_SCHEDULED;
    RoaringBitmap audience;
    PeekableIntIterator cursor;
    /** Audience members handed to the ring (or skipped at fan-out) so far. */
    int position;
    /** Pacing: position when the current pacing period began, and its start. */
    long pacedFrom;
    long pacedSinceMs;
    long progressAtMs;
    /** Messages handed to the ring by this run of the fan-out (a dry run's answer waits for all of them). */
    long published;
    /** Loaded back after a restart: its messages may meet their own earlier copies, so dedup looks them up. */
    boolean resumed;
    int unreachableAtProgress;
    int optedOutAtProgress;

    /** A dry run's caller, answered when every message of the run is counted. */
    Requester explainRequester;
    long explainCorrelationId;

    /**
     * The last position recorded as journaled, and the ring sequence of the last message published since:
     * once every stage has passed it, {@link #position} is journaled too (Campaigns.recordProgress).
     */
    int durablePosition;
    long pendingSequence = -1;
    /**
     * Cluster mode: ordinals fanned out (or skipped as unreachable) since the ring last passed {@link
     * #pendingSequence}; reported handled to the cluster once it has (Campaigns.recordProgress).
     */
    final org.agrona.collections.IntArrayList toReport = new org.agrona.collections.IntArrayList();
    /**
     * Cluster mode: recipients skipped because their partition moved to another node (taken out of the targeted count
     * here, the node taking them over counts them), and how many of them the directory journal has.
     */
    int moved;
    int movedJournaled;

    Campaign(final long id, final int tenantId, final CampaignSpec spec, final int slot)
    {
        this.id = id;
        this.tenantId = tenantId;
        this.spec = spec;
        this.slot = slot;
        this.nameBytes = spec.name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    boolean isActive()
    {
        return state == CampaignDescriptor.STATE_RUNNING || state == CampaignDescriptor.STATE_SCHEDULED;
    }

    /** Puts the cursor on the audience member at {@code position} (after a restart or at the start). */
    void seek(final int newPosition)
    {
        position = newPosition;
        durablePosition = newPosition;
        cursor = audience.getIntIterator();
        if (newPosition > 0 && newPosition < audience.getCardinality())
        {
            cursor.advanceIfNeeded(audience.select(newPosition));
        }
        else if (newPosition > 0)
        {
            cursor = new RoaringBitmap().getIntIterator();
        }
        pacedFrom = newPosition;
    }
}
