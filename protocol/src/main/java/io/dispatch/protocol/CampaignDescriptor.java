package io.dispatch.protocol;

/**
 * Layouts of the campaign frames (little-endian). A campaign sends one marketing message per recipient of
 * a directory segment, on the first channel of its channel order that reaches the recipient.
 *
 * <pre>
 * CAMPAIGN (C→S)
 *  0 u16   flags          bit 0 dry run (explain: count what each recipient's decision would be, send nothing)
 *  2 u16   reserved
 *  4 u32   pacingPerSecond 0 = as fast as the lanes take it
 *  8 i64   startAtEpochMs 0 = now; at most schedule.maxAheadDays ahead
 * 16 u32   ttlSeconds     per message, 0 = the engine default
 * 20 str8  name           1..64 bytes, tenant-scoped and idempotent: the same name again answers the
 *                         existing campaign instead of starting a second one
 *    str8  senderNumber   0..32 bytes: the sender whose opt-out list applies (empty = none)
 *    u8    channelCount   1..3, then channelCount x u8 channel in preference order (e.g. 3, 2, 1)
 *    u8    templateCount  1..3, then templateCount x (u8 channel, str8 templateId): the template per channel;
 *                         every channel of the order needs one
 *    str16 segment        1..4000 bytes: a segment expression (docs/segments.md)
 *    u8    varCount       0..40, then varCount x (str8 name, str16 value): constant template variables;
 *                         any other placeholder is filled from the recipient attribute of the same name
 *
 * CAMPAIGN_CONTROL (C→S)   u64 campaignId, u8 action: 1 pause, 2 resume, 3 cancel (also once fanned out:
 *                          ends every accepted message not yet handed to a provider CANCELLED)
 * CAMPAIGN_STATS (C→S)     u64 campaignId (0 = look up by name), str8 name (when campaignId is 0)
 *
 * CAMPAIGN_RESULT (S→C, the answer to all three)
 *  0 u64   campaignId     the journal index of the CAMPAIGN record; 0 for a dry run
 *  8 u8    state          see the STATE_ constants
 *  9 u8    reserved
 * 10 u16   counterCount   then counterCount x (u16 counter, u64 value); see the COUNTER_ constants;
 *                         counters never seen are left out
 * </pre>
 * Errors (unknown campaign, bad segment with position, unknown template) are NACKs naming the field. The CAMPAIGN
 * body is written and read through {@link CampaignFlyweight}, which holds its offsets.
 */
public final class CampaignDescriptor
{
    public static final int FLAG_DRY_RUN = 1;

    /** The CAMPAIGN body's offsets are {@link CampaignFlyweight}'s; these name the same for older readers. */
    public static final int FLAGS_OFFSET = CampaignFlyweight.FLAGS_OFFSET;
    public static final int PACING_OFFSET = CampaignFlyweight.PACING_OFFSET;
    public static final int START_AT_OFFSET = CampaignFlyweight.START_AT_OFFSET;
    public static final int TTL_OFFSET = CampaignFlyweight.TTL_OFFSET;
    public static final int NAME_OFFSET = CampaignFlyweight.NAME_OFFSET;

    public static final int MAX_NAME_LENGTH = 64;
    public static final int MAX_SENDER_LENGTH = 32;
    public static final int MAX_SEGMENT_LENGTH = 4000;
    public static final int MAX_VARS = 40;

    public static final byte ACTION_PAUSE = 1;
    public static final byte ACTION_RESUME = 2;
    public static final byte ACTION_CANCEL = 3;

    public static final byte STATE_SCHEDULED = 1;
    public static final byte STATE_RUNNING = 2;
    public static final byte STATE_PAUSED = 3;
    public static final byte STATE_CANCELLED = 4;
    /** Every recipient has been fanned out (deliveries may still be under way). */
    public static final byte STATE_FANNED_OUT = 5;
    /** A dry run's answer. */
    public static final byte STATE_EXPLAINED = 6;

    /** Recipients the segment matched when the campaign started. */
    public static final int COUNTER_TARGETED = 1;
    /** Recipients handed to the ring so far (the progress cursor). */
    public static final int COUNTER_FANNED_OUT = 2;
    /** Recipients skipped at fan-out because no channel of the order reaches them. */
    public static final int COUNTER_UNREACHABLE = 3;
    /** Recipients skipped at fan-out because their phone opted out of the campaign's sender number. */
    public static final int COUNTER_SENDER_OPT_OUT = 4;
    /** Messages the policies decided to send now / hold until later / suppress (by decision). */
    public static final int COUNTER_DECIDED_SEND = 5;
    public static final int COUNTER_DECIDED_DEFER = 6;
    public static final int COUNTER_DECIDED_SUPPRESS = 7;
    /** Recipients already sent to by this campaign (a resumed fan-out after a restart). */
    public static final int COUNTER_DUPLICATE = 8;
    /** Messages ended CANCELLED after acceptance, before reaching a provider (a cancelled campaign, or by id). */
    public static final int COUNTER_CANCELLED = 9;
    /**
     * Messages DELIVERED on a lane with a receipt deadline ({@code lane.<ch>.fallbackUndeliveredMs}) before it: the
     * fallback sends (SMS after push) the campaign did not need.
     */
    public static final int COUNTER_FALLBACK_AVOIDED = 15;
    /** Per channel c (1 sms, 2 push, 3 chat): messages fanned out on c, delivered on c, failed on c. */
    public static final int COUNTER_CHANNEL_BASE = 100;
    public static final int CHANNEL_FANNED_OUT = 0;
    public static final int CHANNEL_DELIVERED = 1;
    public static final int CHANNEL_FAILED = 2;
    /** Suppressed messages by reason r: COUNTER_SUPPRESSED_BASE + r (docs/protocol.md reasons). */
    public static final int COUNTER_SUPPRESSED_BASE = 1000;

    private CampaignDescriptor()
    {
    }

    /** @return the counter id of a per-channel count (what is one of the CHANNEL_ constants). */
    public static int channelCounter(final int channel, final int what)
    {
        return COUNTER_CHANNEL_BASE + channel * 10 + what;
    }

    /** @return the name of a STATE_ value in upper case ("FANNED_OUT"), or null when this build does not know it. */
    public static String stateName(final int state)
    {
        switch (state)
        {
            case STATE_SCHEDULED:
                return "SCHEDULED";
            case STATE_RUNNING:
                return "RUNNING";
            case STATE_PAUSED:
                return "PAUSED";
            case STATE_CANCELLED:
                return "CANCELLED";
            case STATE_FANNED_OUT:
                return "FANNED_OUT";
            case STATE_EXPLAINED:
                return "EXPLAINED";
            default:
                return null;
        }
    }
}
