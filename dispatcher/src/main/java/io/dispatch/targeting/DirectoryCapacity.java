package io.dispatch.targeting;

import io.dispatch.directory.TenantDirectory;
import io.dispatch.protocol.DirectoryOp;

/**
 * Refuses the directory ops that would add a recipient once all tenants together hold
 * {@code directory.maxRecipients}: a directory that outgrows the heap would take the whole engine down with an
 * OutOfMemoryError, while a refused op is a clear answer (DIRECTORY_FULL) the importer reports per row. Ops on
 * existing recipients, deletes and opt-outs still apply. Journal replay is never refused: what was applied
 * once must apply again. <b>Note:</b> the targeting thread's.
 */
final class DirectoryCapacity
{
    /** Heap budget per recipient for the default: ~300 B held plus room for a snapshot read (docs/tuning.md). */
    static final long HEAP_BYTES_PER_RECIPIENT = 450;

    private final long maxRecipients;
    private long recipients;
    /** What the op let through does to the count once applied: +1 adds a recipient, -1 deletes one. */
    private int change;
    private boolean roomForAll;

    /** @param maxRecipients 0: derived from the JVM's maximum heap. */
    DirectoryCapacity(final long maxRecipients)
    {
        this.maxRecipients = maxRecipients > 0 ? maxRecipients : Runtime.getRuntime().maxMemory() / HEAP_BYTES_PER_RECIPIENT;
    }

    long maxRecipients()
    {
        return maxRecipients;
    }

    /**
     * Before a batch: the live recipients of every tenant, and how many ops the batch has. When even all of them
     * adding a recipient stays within the limit, no op is looked up (the applier finds its recipient anyway).
     */
    void startBatch(final long recipientsNow, final int ops)
    {
        recipients = recipientsNow;
        roomForAll = recipientsNow + ops <= maxRecipients;
    }

    /** @return why a valid op may not apply (the directory is full and the op would add a recipient), else null. */
    String refusal(final TenantDirectory t, final DirectoryOp op)
    {
        change = 0;
        if (roomForAll)
        {
            return null;
        }
        final byte type = op.op();
        final boolean namesRecipient = type == DirectoryOp.UPSERT || type == DirectoryOp.PATCH
            || type == DirectoryOp.CONSENT || type == DirectoryOp.DELETE;
        final boolean exists = namesRecipient && t.ordinal(op.buffer(), op.subjectOffset(), op.subjectLength()) >= 0;
        if (type == DirectoryOp.DELETE)
        {
            change = exists ? -1 : 0;
        }
        else if (namesRecipient && !exists)
        {
            if (recipients >= maxRecipients)
            {
                return "directory full: " + recipients + " recipients, the limit directory.maxRecipients is "
                    + maxRecipients + " (by default max heap / " + HEAP_BYTES_PER_RECIPIENT
                    + " B); raise -Xmx or the setting (docs/tuning.md)";
            }
            change = 1;
        }
        return null;
    }

    /** The op {@link #refusal} let through was applied. */
    void applied()
    {
        recipients += change;
        change = 0;
    }
}
