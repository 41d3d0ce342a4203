package io.dispatch;

import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReader;
import io.dispatch.policy.DedupIndex;
import io.dispatch.policy.RecipientKeys;
import io.dispatch.stage.PolicyCaps;
import io.dispatch.stage.PolicyHandler;

/**
 * The per-recipient state a partition's owner decides with, for cluster mode to restore and correct
 * (docs/design/cluster.md, "State changelog and takeover"): the idempotency keys ({@link DedupIndex}) and the
 * frequency-cap counters (the policy stage's), and the content-dedup keys when content dedup is on. Keys and recipients are hashed with this node's tenant ids, so the
 * restoring side passes raw key and address bytes and this node's id of the tenant.
 * <p>
 * <b>Note:</b> every method but {@link #countsForCaps} and the two horizons runs on the journal thread only (the
 * dedup, policy and journal stages' thread): from the {@code ClusterHooks#journaledObserver}.
 */
public final class OwnerState implements AutoCloseable
{
    private final DedupIndex dedup;
    private final DedupIndex content;
    private final PolicyHandler policy;
    private final PolicyCaps caps;
    private final Journal journal;
    private final long dedupHorizonMs;
    private final long capRetentionMs;
    private final AcceptedRecord record = new AcceptedRecord();
    /** Opened at the first {@link #recipientOf}, on the journal thread (Chronicle tailers are per thread). */
    private JournalReader reader;

    /** @param content the content-dedup keys, null when content dedup is off. */
    OwnerState(final DedupIndex dedup, final DedupIndex content, final PolicyHandler policy, final PolicyCaps caps,
        final Journal journal, final long dedupHorizonMs, final long capRetentionMs)
    {
        this.dedup = dedup;
        this.content = content;
        this.policy = policy;
        this.caps = caps;
        this.journal = journal;
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

    /** @return the content-dedup window ({@code dedup.contentWindowSeconds}), 0 when content dedup is off. */
    public long contentWindowMs()
    {
        return content == null ? 0 : content.horizonMs();
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

    /**
     * Journal thread: a content key an earlier owner recorded as {@code messageId} at {@code atMs} (no-op when content
     * dedup is off here).
     *
     * @param body the recipient (u8 length + bytes) at {@code recipientAt}, then the rest of a SUBMIT body up to
     *             {@code end}: what {@link RecipientKeys#contentKey} hashes.
     */
    public void restoreContent(final int tenantId, final byte channel, final byte[] body, final int recipientAt,
        final int end, final long messageId, final long atMs)
    {
        if (content != null)
        {
            content.record(RecipientKeys.contentKey(tenantId, channel, body, recipientAt, end), messageId, atMs);
        }
    }

    /**
     * Journal thread: copies the recipient address of a journaled message (u8 length + bytes) into {@code into} at
     * {@code at}. A journal read: for the rare decisions taken after acceptance (a release, a fallback), whose event
     * carries no address.
     *
     * @return false when the journal holds no ACCEPTED record with this id.
     */
    public boolean recipientOf(final long messageId, final byte[] into, final int at)
    {
        if (reader == null)
        {
            reader = journal.newReader();
        }
        if (!reader.readAccepted(messageId, record))
        {
            return false;
        }
        final int recipientAt = RecipientKeys.recipientAt(record.body);
        System.arraycopy(record.body, recipientAt, into, at, 1 + (record.body[recipientAt] & 0xFF));
        return true;
    }

    /** After the ring stopped. */
    @Override
    public void close()
    {
        if (reader != null)
        {
            reader.close();
            reader = null;
        }
    }
}
