package io.dispatch;

import io.dispatch.policy.DedupIndex;
import io.dispatch.policy.RecipientKeys;
import io.dispatch.stage.PolicyCaps;
import io.dispatch.stage.PolicyHandler;

/**
 * The per-recipient state a partition's owner decides with, for cluster mode to restore and correct
 * (docs/design/cluster.md, "State changelog and takeover"): the idempotency keys ({@link DedupIndex}) and the
 * frequency-cap counters (the policy stage's). Keys and recipients are hashed with this node's tenant ids, so the
 * restoring side passes raw key and address bytes and this node's id of the tenant.
 * <p>
 * <b>Note:</b> every method but {@link #countsForCaps} and the two horizons runs on the journal thread only (the
 * dedup, policy and journal stages' thread): from the {@code ClusterHooks#journaledObserver}.
 */
public final class OwnerState
{
    private final DedupIndex dedup;
    private final PolicyHandler policy;
    private final PolicyCaps caps;
    private final long dedupHorizonMs;
    private final long capRetentionMs;

    OwnerState(final DedupIndex dedup, final PolicyHandler policy, final PolicyCaps caps, final long dedupHorizonMs,
        final long capRetentionMs)
    {
        this.dedup = dedup;
        this.policy = policy;
        this.caps = caps;
        this.dedupHorizonMs = dedupHorizonMs;
        this.capRetentionMs = capRetentionMs;
    }

    public long dedupHorizonMs()
    {
        return dedupHorizonMs;
    }

    /** @return the longest cap window configured at start: a send older than this counts against no cap. */
    public long capRetentionMs()
    {
        return capRetentionMs;
    }

    /** Any thread. @return whether a send of this class on this channel counts against a cap of the tenant. */
    public boolean countsForCaps(final int tenantId, final int kind, final int channel)
    {
        return !caps.get(tenantId, kind, 0).isEmpty() || !caps.get(tenantId, kind, channel).isEmpty();
    }

    /** Journal thread: a key an earlier owner accepted as {@code messageId} at {@code atMs}. */
    public void restoreKey(final int tenantId, final byte[] key, final int offset, final int length,
        final long messageId, final long atMs)
    {
        dedup.record(DedupIndex.hash(tenantId, key, offset, length), messageId, atMs);
    }

    /** Journal thread: the copy that recorded {@code keyHash} was dropped unsent; its key may come again. */
    public void forgetKey(final long keyHash, final long messageId)
    {
        dedup.forget(keyHash, messageId);
    }

    /**
     * Journal thread: a send an earlier owner decided, counted against the caps as recovery counts a journaled one.
     *
     * @param recipient the address, length-prefixed at {@code lengthAt} as in a SUBMIT body.
     */
    public void restoreSend(final int tenantId, final byte kind, final byte channel, final byte[] recipient,
        final int lengthAt, final long atMs)
    {
        policy.sent(tenantId, kind, channel, RecipientKeys.recipientKey(tenantId, recipient, lengthAt), atMs);
    }
}
