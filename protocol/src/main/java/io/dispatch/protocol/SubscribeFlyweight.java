package io.dispatch.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * SUBSCRIBE body: the receipts a connection wants. Costs no credit. The scope is {@link #SCOPE_CONNECTION} (messages
 * submitted on this connection) or {@link #SCOPE_TENANT} (every message of the tenant); bit {@code n} of the state
 * mask selects receipts for state code {@code n}, and 0 (or a body without it) selects every state. A body of
 * {@link #RESUME_BODY_LENGTH} bytes or more resumes a tenant subscription after a RECEIPT's position (0 = the start
 * of the journal).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |     Scope     |   Reserved    |          State Mask           |
 *  +---------------+---------------+-------------------------------+
 *  |                  Resume After (optional)                      |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class SubscribeFlyweight extends BodyFlyweight
{
    public static final byte SCOPE_CONNECTION = 0;
    public static final byte SCOPE_TENANT = 1;
    /** The state mask selecting every state. */
    public static final int ALL_STATES = 0xFFFF;

    public static final int SCOPE_OFFSET = 0;
    public static final int RESERVED_OFFSET = 1;
    public static final int STATE_MASK_OFFSET = 2;
    public static final int RESUME_AFTER_OFFSET = 4;
    public static final int BODY_LENGTH = 4;
    public static final int RESUME_BODY_LENGTH = 12;

    public SubscribeFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        wrapBody(buffer, offset, length);
        return this;
    }

    /**
     * Checks the scope and the resume position; whether the engine can serve the subscription (caps, cluster mode, a
     * second one) is the engine's.
     *
     * @return null when valid, else {@link ErrorCode#INVALID_FIELD} with {@link #problem()}.
     */
    public ErrorCode validate()
    {
        final int scope = length >= 1 ? u8(offset + SCOPE_OFFSET) : -1;
        if (scope != SCOPE_CONNECTION && scope != SCOPE_TENANT)
        {
            return fail(ErrorCode.INVALID_FIELD, "scope must be 0 (connection) or 1 (tenant)");
        }
        if (isResume() && scope != SCOPE_TENANT)
        {
            return fail(ErrorCode.INVALID_FIELD, "resumeAfter: only a scope 1 (tenant) subscription resumes");
        }
        if (isResume() && resumeAfter() < 0)
        {
            return fail(ErrorCode.INVALID_FIELD, "resumeAfter: a RECEIPT's position, or 0 for the start");
        }
        return null;
    }

    public byte scope()
    {
        return buffer.getByte(offset + SCOPE_OFFSET);
    }

    /** @return the mask as sent; 0 (also for a body too short to hold one) means every state. */
    public int stateMask()
    {
        return length >= BODY_LENGTH ? u16(offset + STATE_MASK_OFFSET) : 0;
    }

    /** @return whether the body carries a resume position. */
    public boolean isResume()
    {
        return length >= RESUME_BODY_LENGTH;
    }

    /** Only when {@link #isResume()}. */
    public long resumeAfter()
    {
        return buffer.getLong(offset + RESUME_AFTER_OFFSET, LE);
    }

    public SubscribeFlyweight wrapForEncode(final MutableDirectBuffer buffer, final int offset)
    {
        wrapBodyForEncode(buffer, offset);
        return this;
    }

    /** Writes the 4-byte body: scope, reserved 0, state mask. */
    public SubscribeFlyweight scopeAndMask(final byte scope, final int stateMask)
    {
        mutableBuffer.putByte(offset + SCOPE_OFFSET, scope);
        mutableBuffer.putByte(offset + RESERVED_OFFSET, (byte)0);
        mutableBuffer.putShort(offset + STATE_MASK_OFFSET, (short)stateMask, LE);
        length = BODY_LENGTH;
        return this;
    }

    /** After {@link #scopeAndMask}: makes it a resumed subscription. */
    public SubscribeFlyweight resumeAfter(final long position)
    {
        mutableBuffer.putLong(offset + RESUME_AFTER_OFFSET, position, LE);
        length = RESUME_BODY_LENGTH;
        return this;
    }
}
