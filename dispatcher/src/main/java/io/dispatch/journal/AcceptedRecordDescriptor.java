package io.dispatch.journal;

/**
 * Layout of the journal's ACCEPTED record: one Chronicle document per accepted message, whose index is the message
 * id. {@link JournalWriter#appendAccepted} writes it and {@link AcceptedRecord} reads it, both at these offsets
 * (from the type byte); integers in native order, as Chronicle's own reads use (little-endian on every platform
 * the engine runs on).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+
 *  |Type (1/4/5/25)|     Kind      |    Channel    | Tenant length |  0
 *  +---------------+---------------+---------------+---------------+
 *  |             TTL seconds (from acceptance, send-at included)   |  4
 *  +---------------------------------------------------------------+
 *  |                     Accepted at (epoch ms)                    |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |             Key hash (0 = no idempotency key)                 | 16
 *  |                                                               |
 *  +-------------------------------+---------------+---------------+
 *  |          Body length          |   Decision    |    Prepaid    | 24   type 1 (the spine's) ends at 26
 *  +-------------------------------+---------------+---------------+
 *  |            Reason             |   Due at (epoch ms, DEFER)    | 28
 *  +-------------------------------+                               |
 *  |                                                               |
 *  +-------------------------------+-------------------------------+
 *  |                               |  type 4 ends at 38; type 5 (a campaign's message) goes on:
 *  +-------------------------------+-------------------------------+
 *  |                          Campaign id                          | 38   type 25 (fed from the cluster log):
 *  |                                                               |      the source id (its cluster id) here,
 *  +---------------------------------------------------------------+      and it ends at 46
 *  |   Consent override (the directory's consent flags, -1 none)   | 46
 *  +---------------------------------------------------------------+
 *  |  Tenant name ...  then the SUBMIT body exactly as received   ...  at {@link #fixedLength(byte)}
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class AcceptedRecordDescriptor
{
    public static final int TYPE_OFFSET = 0;
    public static final int KIND_OFFSET = 1;
    public static final int CHANNEL_OFFSET = 2;
    public static final int TENANT_NAME_LENGTH_OFFSET = 3;
    public static final int TTL_OFFSET = 4;
    public static final int ACCEPTED_AT_OFFSET = 8;
    public static final int KEY_HASH_OFFSET = 16;
    public static final int BODY_LENGTH_OFFSET = 24;
    /** Type 1 (the spine's layout, read only): the tenant name follows the body length. */
    public static final int SPINE_LENGTH = 26;
    public static final int DECISION_OFFSET = 26;
    public static final int PREPAID_OFFSET = 27;
    public static final int REASON_OFFSET = 28;
    public static final int DUE_AT_OFFSET = 30;
    /** Type 4: the tenant name follows the due-at instant. */
    public static final int DECIDED_LENGTH = 38;
    public static final int CAMPAIGN_ID_OFFSET = 38;
    public static final int CONSENT_OVERRIDE_OFFSET = 46;
    /** Type 5: the tenant name follows the consent override. */
    public static final int CAMPAIGN_LENGTH = 50;
    /** Type 25: type 4's fields, then the id the message was accepted under elsewhere (cluster mode's id). */
    public static final int SOURCE_ID_OFFSET = 38;
    /** Type 25: the tenant name follows the source id. */
    public static final int FED_LENGTH = 46;

    private AcceptedRecordDescriptor()
    {
    }

    /** @return where the tenant name starts in a record of {@code type} (one {@link JournalRecord#isAccepted}). */
    public static int fixedLength(final byte type)
    {
        return type == JournalRecord.TYPE_ACCEPTED_CAMPAIGN ? CAMPAIGN_LENGTH :
            type == JournalRecord.TYPE_ACCEPTED_FED ? FED_LENGTH :
            type == JournalRecord.TYPE_ACCEPTED ? SPINE_LENGTH : DECIDED_LENGTH;
    }
}
