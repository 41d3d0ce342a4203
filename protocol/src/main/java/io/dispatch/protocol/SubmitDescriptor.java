package io.dispatch.protocol;

/**
 * Layout and limits of a SUBMIT body (also each item of SUBMIT_BATCH). Little-endian.
 *
 * <pre>
 *   0: u8   kind            1 informational, 2 auth, 3 marketing
 *   1: u8   channel         1 sms, 2 push, 3 chat
 *   2: u16  flags           must be 0 in v1 (bit 0 is reserved for dry-run)
 *   4: u32  ttlSeconds      0 = engine default
 *   8: u64  sendAtEpochMs   0 = now
 *  16: str8  idempotencyKey (0..128 bytes UTF-8; empty = no dedup)
 *      str8  recipient      (1..255 bytes: an FCM registration token is ~160 characters)
 *      str8  templateId     (0..64 bytes)
 *      str16 text           (0..4000 bytes); exactly one of templateId and text is non-empty
 *      u8    varCount       (0..40), then varCount x (str8 name 1..64, str16 value 0..1000)
 * </pre>
 * {@code str8} is a u8 length then bytes; {@code str16} a u16 length then bytes.
 */
public final class SubmitDescriptor
{
    public static final int KIND_OFFSET = 0;
    public static final int CHANNEL_OFFSET = 1;
    public static final int FLAGS_OFFSET = 2;
    public static final int TTL_OFFSET = 4;
    public static final int SEND_AT_OFFSET = 8;
    public static final int FIXED_LENGTH = 16;
    /** Flags bit 0: dry run (explain): decide and answer EXPLAIN_RESULT, never journal or send. */
    public static final int FLAG_DRY_RUN = 1;
    public static final int KNOWN_FLAGS = FLAG_DRY_RUN;

    public static final int MAX_KEY_LENGTH = 128;
    public static final int MAX_RECIPIENT_LENGTH = 255;
    public static final int MAX_TEMPLATE_ID_LENGTH = 64;
    public static final int MAX_TEXT_LENGTH = 4000;
    public static final int MAX_VARS = 40;
    public static final int MAX_VAR_NAME_LENGTH = 64;
    public static final int MAX_VAR_VALUE_LENGTH = 1000;

    /** Upper bound of one encoded SUBMIT body. */
    public static final int MAX_BODY_LENGTH = FIXED_LENGTH + 1 + MAX_KEY_LENGTH + 1 + MAX_RECIPIENT_LENGTH
        + 1 + MAX_TEMPLATE_ID_LENGTH + 2 + MAX_TEXT_LENGTH
        + 1 + MAX_VARS * (1 + MAX_VAR_NAME_LENGTH + 2 + MAX_VAR_VALUE_LENGTH);

    /** SUBMIT_BATCH body (u16 count, u16 reserved, then count x (u16 itemLength, item)): see SubmitBatchFlyweight. */
    public static final int BATCH_HEADER_LENGTH = SubmitBatchFlyweight.HEADER_LENGTH;
    public static final int MAX_BATCH_COUNT = SubmitBatchFlyweight.MAX_COUNT;

    private SubmitDescriptor()
    {
    }
}
