package io.dispatch.journal;

/**
 * Binary layout of journal records (Chronicle Queue documents, little-endian). The message id of a
 * message is the Chronicle index of its ACCEPTED record.
 *
 * <pre>
 * ACCEPTED                                   STATE (a batch of state changes)
 *  0 u8  type = 1                             0 u8  type = 2
 *  1 u8  kind                                 1 u8  count (1..64)
 *  2 u8  channel                              2 count x 24-byte records, see {@link StateRecords}
 *  3 u8  tenantNameLength
 *  4 i32 ttlSeconds
 *  8 i64 acceptedAtEpochMs
 * 16 i64 keyHash (0 = no idempotency key)
 * 24 u16 bodyLength
 * 26 tenant name bytes, then the SUBMIT body exactly as received
 * </pre>
 * Records are append-only and self-describing by type, so a newer engine can add types; a reader
 * skips types it does not know.
 */
public final class JournalRecord
{
    public static final byte TYPE_ACCEPTED = 1;
    public static final byte TYPE_STATE = 2;

    private JournalRecord()
    {
    }
}
