package io.dispatch.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

import static io.dispatch.protocol.SubmitDescriptor.CHANNEL_OFFSET;
import static io.dispatch.protocol.SubmitDescriptor.FIXED_LENGTH;
import static io.dispatch.protocol.SubmitDescriptor.FLAGS_OFFSET;
import static io.dispatch.protocol.SubmitDescriptor.KIND_OFFSET;
import static io.dispatch.protocol.SubmitDescriptor.SEND_AT_OFFSET;
import static io.dispatch.protocol.SubmitDescriptor.TTL_OFFSET;

/**
 * The one reader and writer of a SUBMIT body ({@link SubmitDescriptor}), in place: no copy, no allocation.
 * <p>
 * To read: {@link #wrap} then {@link #validate}; the accessors are meaningful only after a successful validation,
 * and {@link #vars()} walks the variables.
 * <p>
 * To write: {@link #wrapForEncode}, the fixed fields in any order, then the variable part strictly in layout order:
 * idempotency key, recipient, template id, text, {@link #varCount(int)}, then each variable's name and value.
 * A field is appended either from a source ({@link #recipient(DirectBuffer, int, int)}) or written in place by the
 * caller at {@link #str8ValueAt()} / {@link #str16ValueAt()} and committed with its length
 * ({@link #recipientWritten(int)}), for writers that produce the bytes themselves (a campaign's recipient address).
 * After encoding, the read accessors describe what was written and {@link #encodedLength()} is the body length.
 * <p>
 * <b>Note:</b> not thread-safe; keep one per thread.
 */
public final class SubmitFlyweight
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final VarCursor vars = new VarCursor();
    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private int length;
    /** Encoding: where the next field of the variable part goes. */
    private int limit;

    private int keyOffset;
    private int keyLength;
    private int recipientOffset;
    private int recipientLength;
    private int templateOffset;
    private int templateLength;
    private int textOffset;
    private int textLength;
    private int varsOffset;
    private int varCount;
    private String invalidField;

    public SubmitFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        this.length = length;
        this.invalidField = null;
        return this;
    }

    /**
     * Checks every length against the body and every field against its limits.
     *
     * @return null when valid, otherwise the error; {@link #invalidField()} names the field.
     */
    public ErrorCode validate()
    {
        if (length < SubmitDescriptor.FIXED_LENGTH)
        {
            return fail(ErrorCode.MALFORMED_FRAME, "submit body shorter than 16 bytes");
        }
        if (MessageKind.of(kindCode()) == null)
        {
            return fail(ErrorCode.INVALID_FIELD, "kind");
        }
        if (ChannelType.of(channelCode()) == null)
        {
            return fail(ErrorCode.INVALID_FIELD, "channel");
        }
        if ((flags() & ~SubmitDescriptor.KNOWN_FLAGS) != 0)
        {
            return fail(ErrorCode.UNSUPPORTED_FEATURE, "flags (only bit 0, dry run, is defined)");
        }
        if (ttlSeconds() < 0)
        {
            return fail(ErrorCode.INVALID_FIELD, "ttlSeconds");
        }
        if (sendAtEpochMs() < 0)
        {
            return fail(ErrorCode.INVALID_FIELD, "sendAtEpochMs");
        }

        final int end = offset + length;
        int p = offset + SubmitDescriptor.FIXED_LENGTH;

        if (p + 1 > end) { return fail(ErrorCode.MALFORMED_FRAME, "idempotencyKey length"); }
        keyLength = u8(p);
        keyOffset = p + 1;
        p = keyOffset + keyLength;
        if (keyLength > SubmitDescriptor.MAX_KEY_LENGTH) { return fail(ErrorCode.INVALID_FIELD, "idempotencyKey"); }

        if (p + 1 > end) { return fail(ErrorCode.MALFORMED_FRAME, "recipient length"); }
        recipientLength = u8(p);
        recipientOffset = p + 1;
        p = recipientOffset + recipientLength;
        if (recipientLength == 0 || recipientLength > SubmitDescriptor.MAX_RECIPIENT_LENGTH)
        {
            return fail(ErrorCode.INVALID_FIELD, "recipient");
        }

        if (p + 1 > end) { return fail(ErrorCode.MALFORMED_FRAME, "templateId length"); }
        templateLength = u8(p);
        templateOffset = p + 1;
        p = templateOffset + templateLength;
        if (templateLength > SubmitDescriptor.MAX_TEMPLATE_ID_LENGTH)
        {
            return fail(ErrorCode.INVALID_FIELD, "templateId");
        }

        if (p + 2 > end) { return fail(ErrorCode.MALFORMED_FRAME, "text length"); }
        textLength = u16(p);
        textOffset = p + 2;
        p = textOffset + textLength;
        if (textLength > SubmitDescriptor.MAX_TEXT_LENGTH) { return fail(ErrorCode.INVALID_FIELD, "text"); }
        if ((textLength == 0) == (templateLength == 0))
        {
            return fail(ErrorCode.INVALID_FIELD, "text/templateId (exactly one is required)");
        }

        if (p + 1 > end) { return fail(ErrorCode.MALFORMED_FRAME, "varCount"); }
        varCount = u8(p);
        varsOffset = p + 1;
        p = varsOffset;
        if (varCount > SubmitDescriptor.MAX_VARS) { return fail(ErrorCode.INVALID_FIELD, "varCount"); }
        for (int i = 0; i < varCount; i++)
        {
            if (p + 1 > end) { return fail(ErrorCode.MALFORMED_FRAME, "var name length"); }
            final int nameLength = u8(p);
            if (nameLength == 0 || nameLength > SubmitDescriptor.MAX_VAR_NAME_LENGTH)
            {
                return fail(ErrorCode.INVALID_FIELD, "var name");
            }
            p += 1 + nameLength;
            if (p + 2 > end) { return fail(ErrorCode.MALFORMED_FRAME, "var value length"); }
            final int valueLength = u16(p);
            if (valueLength > SubmitDescriptor.MAX_VAR_VALUE_LENGTH)
            {
                return fail(ErrorCode.INVALID_FIELD, "var value");
            }
            p += 2 + valueLength;
        }
        if (p > end)
        {
            return fail(ErrorCode.MALFORMED_FRAME, "submit body truncated");
        }
        if (p != end)
        {
            return fail(ErrorCode.MALFORMED_FRAME, "trailing bytes after submit body");
        }
        return checkUtf8();
    }

    /** Every string must be well-formed UTF-8, so nothing undecodable is journaled (the layout is valid here). */
    private ErrorCode checkUtf8()
    {
        if (!Utf8.isValid(buffer, keyOffset, keyLength))
        {
            return fail(ErrorCode.INVALID_FIELD, "idempotencyKey: not valid UTF-8");
        }
        if (!Utf8.isValid(buffer, recipientOffset, recipientLength))
        {
            return fail(ErrorCode.INVALID_FIELD, "recipient: not valid UTF-8");
        }
        if (!Utf8.isValid(buffer, templateOffset, templateLength))
        {
            return fail(ErrorCode.INVALID_FIELD, "templateId: not valid UTF-8");
        }
        if (!Utf8.isValid(buffer, textOffset, textLength))
        {
            return fail(ErrorCode.INVALID_FIELD, "text: not valid UTF-8");
        }
        int p = varsOffset;
        for (int i = 0; i < varCount; i++)
        {
            final int nameLength = u8(p);
            if (!Utf8.isValid(buffer, p + 1, nameLength))
            {
                return fail(ErrorCode.INVALID_FIELD, "var name: not valid UTF-8");
            }
            p += 1 + nameLength;
            final int valueLength = u16(p);
            if (!Utf8.isValid(buffer, p + 2, valueLength))
            {
                return fail(ErrorCode.INVALID_FIELD, "var value: not valid UTF-8");
            }
            p += 2 + valueLength;
        }
        return null;
    }

    private ErrorCode fail(final ErrorCode code, final String field)
    {
        invalidField = field;
        return code;
    }

    /** @return the field (or layout part) that failed validation. */
    public String invalidField()
    {
        return invalidField;
    }

    public DirectBuffer buffer() { return buffer; }
    public int offset() { return offset; }
    public int length() { return length; }
    public int kindCode() { return buffer.getByte(offset + KIND_OFFSET) & 0xFF; }
    public int channelCode() { return buffer.getByte(offset + CHANNEL_OFFSET) & 0xFF; }
    public int flags() { return buffer.getShort(offset + FLAGS_OFFSET, ORDER) & 0xFFFF; }
    public int ttlSeconds() { return buffer.getInt(offset + TTL_OFFSET, ORDER); }
    public long sendAtEpochMs() { return buffer.getLong(offset + SEND_AT_OFFSET, ORDER); }
    public boolean isDryRun() { return (flags() & SubmitDescriptor.FLAG_DRY_RUN) != 0; }
    public int keyOffset() { return keyOffset; }
    public int keyLength() { return keyLength; }
    public int recipientOffset() { return recipientOffset; }
    public int recipientLength() { return recipientLength; }
    public int templateOffset() { return templateOffset; }
    public int templateLength() { return templateLength; }
    public int textOffset() { return textOffset; }
    public int textLength() { return textLength; }
    public int varsOffset() { return varsOffset; }
    public int varCount() { return varCount; }

    /** @return this body's variables, rewound to the first (one cursor per flyweight: do not nest two walks). */
    public VarCursor vars()
    {
        return vars.wrap(this);
    }

    /** Starts writing a body at {@code offset}: fixed fields zeroed, the variable part empty. */
    public SubmitFlyweight wrapForEncode(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        this.invalidField = null;
        buffer.setMemory(offset, FIXED_LENGTH, (byte)0);
        limit = offset + FIXED_LENGTH;
        length = FIXED_LENGTH;
        keyLength = recipientLength = templateLength = textLength = varCount = 0;
        keyOffset = recipientOffset = templateOffset = textOffset = varsOffset = limit;
        return this;
    }

    public SubmitFlyweight kindCode(final int code)
    {
        mutableBuffer.putByte(offset + KIND_OFFSET, (byte)code);
        return this;
    }

    public SubmitFlyweight channelCode(final int code)
    {
        mutableBuffer.putByte(offset + CHANNEL_OFFSET, (byte)code);
        return this;
    }

    public SubmitFlyweight flags(final int flags)
    {
        mutableBuffer.putShort(offset + FLAGS_OFFSET, (short)flags, ORDER);
        return this;
    }

    public SubmitFlyweight ttlSeconds(final int ttlSeconds)
    {
        mutableBuffer.putInt(offset + TTL_OFFSET, ttlSeconds, ORDER);
        return this;
    }

    public SubmitFlyweight sendAtEpochMs(final long sendAtEpochMs)
    {
        mutableBuffer.putLong(offset + SEND_AT_OFFSET, sendAtEpochMs, ORDER);
        return this;
    }

    /** @return where the bytes of the next str8 field go when the caller writes them in place. */
    public int str8ValueAt()
    {
        return limit + 1;
    }

    /** @return where the bytes of the next str16 field (the text, a variable's value) go when written in place. */
    public int str16ValueAt()
    {
        return limit + 2;
    }

    public SubmitFlyweight idempotencyKey(final DirectBuffer src, final int srcOffset, final int srcLength)
    {
        mutableBuffer.putBytes(str8ValueAt(), src, srcOffset, srcLength);
        return idempotencyKeyWritten(srcLength);
    }

    public SubmitFlyweight idempotencyKeyWritten(final int written)
    {
        keyOffset = commitStr8(written);
        keyLength = written;
        return this;
    }

    public SubmitFlyweight recipient(final DirectBuffer src, final int srcOffset, final int srcLength)
    {
        mutableBuffer.putBytes(str8ValueAt(), src, srcOffset, srcLength);
        return recipientWritten(srcLength);
    }

    public SubmitFlyweight recipientWritten(final int written)
    {
        recipientOffset = commitStr8(written);
        recipientLength = written;
        return this;
    }

    public SubmitFlyweight templateId(final DirectBuffer src, final int srcOffset, final int srcLength)
    {
        mutableBuffer.putBytes(str8ValueAt(), src, srcOffset, srcLength);
        return templateIdWritten(srcLength);
    }

    public SubmitFlyweight templateIdWritten(final int written)
    {
        templateOffset = commitStr8(written);
        templateLength = written;
        return this;
    }

    public SubmitFlyweight text(final DirectBuffer src, final int srcOffset, final int srcLength)
    {
        mutableBuffer.putBytes(str16ValueAt(), src, srcOffset, srcLength);
        return textWritten(srcLength);
    }

    public SubmitFlyweight textWritten(final int written)
    {
        textOffset = commitStr16(written);
        textLength = written;
        return this;
    }

    /** Writes the variable count; each variable follows as a name then a value. */
    public SubmitFlyweight varCount(final int count)
    {
        mutableBuffer.putByte(limit, (byte)count);
        varCount = count;
        varsOffset = ++limit;
        length = limit - offset;
        return this;
    }

    public SubmitFlyweight varName(final DirectBuffer src, final int srcOffset, final int srcLength)
    {
        mutableBuffer.putBytes(str8ValueAt(), src, srcOffset, srcLength);
        return varNameWritten(srcLength);
    }

    public SubmitFlyweight varNameWritten(final int written)
    {
        commitStr8(written);
        return this;
    }

    public SubmitFlyweight varValue(final DirectBuffer src, final int srcOffset, final int srcLength)
    {
        mutableBuffer.putBytes(str16ValueAt(), src, srcOffset, srcLength);
        return varValueWritten(srcLength);
    }

    public SubmitFlyweight varValueWritten(final int written)
    {
        commitStr16(written);
        return this;
    }

    /** @return the length of the body written since {@link #wrapForEncode}. */
    public int encodedLength()
    {
        return length;
    }

    private int commitStr8(final int written)
    {
        if (written < 0 || written > 0xFF)
        {
            throw new IllegalArgumentException("str8 field of " + written + " bytes (0..255)");
        }
        mutableBuffer.putByte(limit, (byte)written);
        final int at = limit + 1;
        limit = at + written;
        length = limit - offset;
        return at;
    }

    private int commitStr16(final int written)
    {
        if (written < 0 || written > 0xFFFF)
        {
            throw new IllegalArgumentException("str16 field of " + written + " bytes (0..65535)");
        }
        mutableBuffer.putShort(limit, (short)written, ORDER);
        final int at = limit + 2;
        limit = at + written;
        length = limit - offset;
        return at;
    }

    private int u8(final int index)
    {
        return buffer.getByte(index) & 0xFF;
    }

    private int u16(final int index)
    {
        return buffer.getShort(index, ORDER) & 0xFFFF;
    }
}
