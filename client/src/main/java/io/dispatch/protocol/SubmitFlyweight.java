package io.dispatch.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Reads one SUBMIT body in place (no copy, no allocation). Call {@link #wrap} then {@link #validate};
 * the accessors are meaningful only after a successful validation.
 * <p>
 * <b>Note:</b> not thread-safe; keep one per thread.
 */
public final class SubmitFlyweight
{
    private ByteBuf buffer;
    private int offset;
    private int length;

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

    public SubmitFlyweight wrap(final ByteBuf buffer, final int offset, final int length)
    {
        this.buffer = buffer;
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
        keyLength = buffer.getUnsignedByte(p);
        keyOffset = p + 1;
        p = keyOffset + keyLength;
        if (keyLength > SubmitDescriptor.MAX_KEY_LENGTH) { return fail(ErrorCode.INVALID_FIELD, "idempotencyKey"); }

        if (p + 1 > end) { return fail(ErrorCode.MALFORMED_FRAME, "recipient length"); }
        recipientLength = buffer.getUnsignedByte(p);
        recipientOffset = p + 1;
        p = recipientOffset + recipientLength;
        if (recipientLength == 0 || recipientLength > SubmitDescriptor.MAX_RECIPIENT_LENGTH)
        {
            return fail(ErrorCode.INVALID_FIELD, "recipient");
        }

        if (p + 1 > end) { return fail(ErrorCode.MALFORMED_FRAME, "templateId length"); }
        templateLength = buffer.getUnsignedByte(p);
        templateOffset = p + 1;
        p = templateOffset + templateLength;
        if (templateLength > SubmitDescriptor.MAX_TEMPLATE_ID_LENGTH)
        {
            return fail(ErrorCode.INVALID_FIELD, "templateId");
        }

        if (p + 2 > end) { return fail(ErrorCode.MALFORMED_FRAME, "text length"); }
        textLength = buffer.getUnsignedShortLE(p);
        textOffset = p + 2;
        p = textOffset + textLength;
        if (textLength > SubmitDescriptor.MAX_TEXT_LENGTH) { return fail(ErrorCode.INVALID_FIELD, "text"); }
        if ((textLength == 0) == (templateLength == 0))
        {
            return fail(ErrorCode.INVALID_FIELD, "text/templateId (exactly one is required)");
        }

        if (p + 1 > end) { return fail(ErrorCode.MALFORMED_FRAME, "varCount"); }
        varCount = buffer.getUnsignedByte(p);
        varsOffset = p + 1;
        p = varsOffset;
        if (varCount > SubmitDescriptor.MAX_VARS) { return fail(ErrorCode.INVALID_FIELD, "varCount"); }
        for (int i = 0; i < varCount; i++)
        {
            if (p + 1 > end) { return fail(ErrorCode.MALFORMED_FRAME, "var name length"); }
            final int nameLength = buffer.getUnsignedByte(p);
            if (nameLength == 0 || nameLength > SubmitDescriptor.MAX_VAR_NAME_LENGTH)
            {
                return fail(ErrorCode.INVALID_FIELD, "var name");
            }
            p += 1 + nameLength;
            if (p + 2 > end) { return fail(ErrorCode.MALFORMED_FRAME, "var value length"); }
            final int valueLength = buffer.getUnsignedShortLE(p);
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
            final int nameLength = buffer.getUnsignedByte(p);
            if (!Utf8.isValid(buffer, p + 1, nameLength))
            {
                return fail(ErrorCode.INVALID_FIELD, "var name: not valid UTF-8");
            }
            p += 1 + nameLength;
            final int valueLength = buffer.getUnsignedShortLE(p);
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

    public ByteBuf buffer() { return buffer; }
    public int offset() { return offset; }
    public int length() { return length; }
    public int kindCode() { return buffer.getUnsignedByte(offset + SubmitDescriptor.KIND_OFFSET); }
    public int channelCode() { return buffer.getUnsignedByte(offset + SubmitDescriptor.CHANNEL_OFFSET); }
    public int flags() { return buffer.getUnsignedShortLE(offset + SubmitDescriptor.FLAGS_OFFSET); }
    public int ttlSeconds() { return buffer.getIntLE(offset + SubmitDescriptor.TTL_OFFSET); }
    public long sendAtEpochMs() { return buffer.getLongLE(offset + SubmitDescriptor.SEND_AT_OFFSET); }
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
}
