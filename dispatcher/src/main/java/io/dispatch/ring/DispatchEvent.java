package io.dispatch.ring;

import io.dispatch.ingest.IngestSession;

/**
 * One pre-allocated slot of the dispatch ring. A slot carries one of three things:
 * <ul>
 *   <li>{@link #SUBMIT}: a message from a client (the raw SUBMIT body is copied into {@link #body});</li>
 *   <li>{@link #STATE}: a batch of state changes reported by a connector lane, packed in {@link #body}
 *       ({@code io.dispatch.journal.StateRecords});</li>
 *   <li>{@link #STATUS_QUERY}: a client's STATUS request, answered by the status stage that owns the table.</li>
 * </ul>
 * Fields are written by the publisher before publish and by stages in ring order; every stage reads only
 * what earlier stages wrote. {@link #body} grows to the largest message seen and is then reused, so the
 * steady state allocates nothing.
 */
public final class DispatchEvent
{
    public static final int SUBMIT = 1;
    public static final int STATE = 2;
    public static final int STATUS_QUERY = 3;

    /** Outcomes of a SUBMIT, set by the dedup and journal stages. */
    public static final byte OUTCOME_ACCEPTED = 0;
    public static final byte OUTCOME_DUPLICATE = 1;
    public static final byte OUTCOME_JOURNAL_FAILED = 2;

    private static final int INITIAL_BODY_CAPACITY = 512;

    public int type;
    public IngestSession session;
    public int sessionRef;
    public long correlationId;

    // SUBMIT
    public int tenantId;
    public byte kind;
    public byte channel;
    public long keyHash;
    public long acceptedAtMs;
    public byte[] body = new byte[INITIAL_BODY_CAPACITY];
    public int bodyLength;
    public byte outcome;

    // SUBMIT result, STATE and STATUS_QUERY subject
    public long messageId;

    // STATE
    public int stateCount;

    public byte[] ensureBodyCapacity(final int length)
    {
        if (body.length < length)
        {
            body = new byte[Integer.highestOneBit(length - 1) << 1];
        }
        return body;
    }

    public void clearReferences()
    {
        session = null;
    }
}
