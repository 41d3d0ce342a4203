package io.dispatch.journal;

/**
 * Binary layout of journal records (Chronicle Queue documents, little-endian). The message id of a
 * message is the Chronicle index of its ACCEPTED record.
 *
 * <pre>
 * ACCEPTED (type 4; type 1 = the spine's layout without the
 * decision fields, still read as decision SEND)  STATE (a batch of state changes)
 *  0 u8  type = 4                             0 u8  type = 2
 *  1 u8  kind                                 1 u8  count (1..64)
 *  2 u8  channel                              2 count x 24-byte records, see {@link StateRecords}
 *  3 u8  tenantNameLength                       (DEFERRED: atEpochMs is the instant it is due)
 *  4 i32 ttlSeconds (from acceptance; includes the send-at delay)
 *  8 i64 acceptedAtEpochMs                    CONSENT (a directory update)
 * 16 i64 keyHash (0 = no idempotency key)     0 u8  type = 3
 * 24 u16 bodyLength                           1 i64 atEpochMs
 * 26 u8  decision (Decision code)             9 u8  tenantNameLength, tenant name
 * 27 u8  prepaid (holds a rate token)           then the CONSENT frame body as received
 * 28 u16 reason                                 (u16 length first)
 * 30 i64 dueAtEpochMs (DEFER)
 * 38 tenant name bytes, then the SUBMIT body exactly as received
 *
 * ACCEPTED_CAMPAIGN (type 5): a campaign's message: the type 4 layout with, before the tenant name,
 * 38 i64 campaignId   46 i32 consentOverride (the directory's consent flags for the recipient)
 * 50 tenant name bytes, then the SUBMIT body
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

    /** An inbound event (the layout above). */
    public static final byte TYPE_INBOUND = 16;

    public static boolean isAccepted(final byte type)
    {
        return type == TYPE_ACCEPTED_DECIDED || type == TYPE_ACCEPTED_CAMPAIGN || type == TYPE_ACCEPTED;
    }

    private JournalRecord()
    {
    }
}
