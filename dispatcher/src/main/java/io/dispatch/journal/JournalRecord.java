package io.dispatch.journal;

/**
 * Binary layout of journal records (Chronicle Queue documents, little-endian). The message id of a
 * message is the Chronicle index of its ACCEPTED record.
 *
 * <pre>
 * ACCEPTED (types 1, 4, 5, 25): see {@link AcceptedRecordDescriptor}
 *
 * STATE (a batch of state changes)             CONSENT (a directory update)
 *  0 u8  type = 2                               0 u8  type = 3
 *  1 u8  count (1..64)                          1 i64 atEpochMs
 *  2 count x 24-byte records, see               9 u8  tenantNameLength, tenant name
 *    {@link StateRecords} (DEFERRED: atEpochMs     then the CONSENT frame body as received
 *    is the instant it is due)                    (u16 length first)
 *
 * RATE (type 6): an operator's runtime rate change (POST /tenants/{name}/rate), replayed at start; with no tenant
 * name (length 0) the change of the lane of {@code channel} (POST /lanes/{channel}/rate)
 *  0 u8  type = 6     1 i64 atEpochMs     9 u8 channel (0 = the tenant's own rate)
 * 10 i64 perSecond   18 i64 burst        26 u8 reservedPercent   27 u8 tenantNameLength, tenant name
 *
 * INBOUND (type 16): a user's message or event from a connector (io.dispatch.inbound.InboundBody); its index is
 * its position in the inbound stream
 *  0 u8  type = 16    1 i64 atEpochMs (received)   9 u8 tenantNameLength, tenant name   then i32 bodyLength, body
 *
 * ADDRESS (type 20): the address a fallback was re-addressed to on its new channel (a directory recipient's phone
 * instead of their chat key or push token), written just before the STATE record of the move; lanes and recovery
 * send the message there instead of to the ACCEPTED record's recipient while it is on that channel
 *  0 u8  type = 20    1 i64 messageId     9 i64 atEpochMs    17 u8 channel   18 u8 addressLength, address
 * </pre>
 * Records are append-only and self-describing by type, so a newer engine can add types; a reader
 * skips types it does not know.
 */
public final class JournalRecord
{
    /** The spine's ACCEPTED layout, read only. */
    public static final byte TYPE_ACCEPTED = 1;
    public static final byte TYPE_STATE = 2;
    public static final byte TYPE_CONSENT = 3;
    public static final byte TYPE_ACCEPTED_DECIDED = 4;
    public static final byte TYPE_ACCEPTED_CAMPAIGN = 5;
    public static final byte TYPE_RATE = 6;
    /**
     * A template's text as a configuration brought it (u8 idLength, id, i32 textLength, text), journaled at start
     * when it differs from the last one: the messages after it in the journal render with it.
     */
    public static final byte TYPE_TEMPLATE = 7;
    public static final byte TYPE_ADDRESS = 20;
    /**
     * A receipt that came after the lane's receipt deadline moved the message to its fallback channel (u8 type,
     * i64 messageId, i64 atEpochMs, u8 channel, u8 state, u16 reason): evidence that both channels may have reached
     * the recipient. Not a state change: the message's state is its fallback's.
     */
    public static final byte TYPE_LATE_RECEIPT = 21;
    /**
     * An operator's runtime change of frequency caps (POST /tenants/{name}/caps), replayed at start: i64 atEpochMs,
     * u8 kind, u8 channel (0 = across channels), u8 tenantNameLength, tenant name, u16 rulesLength, the rules as text
     * ("1/24h,3/7d", "none").
     */
    public static final byte TYPE_CAPS = 24;
    /**
     * Cluster mode: an ACCEPTED record of a message fed from the cluster log, type 4's layout plus the message's
     * cluster id ({@link AcceptedRecordDescriptor#SOURCE_ID_OFFSET}), so a restart maps its later changes to it.
     */
    public static final byte TYPE_ACCEPTED_FED = 25;

    /** An inbound event (the layout above). */
    public static final byte TYPE_INBOUND = 16;

    public static boolean isAccepted(final byte type)
    {
        return type == TYPE_ACCEPTED_DECIDED || type == TYPE_ACCEPTED_CAMPAIGN || type == TYPE_ACCEPTED_FED
            || type == TYPE_ACCEPTED;
    }

    private JournalRecord()
    {
    }
}
