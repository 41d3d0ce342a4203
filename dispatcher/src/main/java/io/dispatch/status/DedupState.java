package io.dispatch.status;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The idempotency keys' state methods: the journal stage records a key live when it journals its message, and
 * {@code io.dispatch.journal.JournalReplayer} records it again from the ACCEPTED record at a start. Implemented by
 * {@code io.dispatch.policy.DedupIndex}.
 */
public interface DedupState
{
    void record(long keyHash, long messageId, long atMs);

    int size();

    /** Writes the keys still within the horizon at {@code nowMs}, for a snapshot. */
    void writeSnapshot(DataOutput out, long nowMs) throws IOException;

    void readSnapshot(DataInput in) throws IOException;
}
