package io.dispatch.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * CAMPAIGN body (layout and meaning: {@link CampaignDescriptor}): fixed fields, then variable ones in this order.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |          Flags (u16)          |        Reserved (u16)         |
 *  +-------------------------------+-------------------------------+
 *  |                   Pacing Per Second (u32)                     |
 *  +---------------------------------------------------------------+
 *  |                    Start At (epoch ms, i64)                   |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                       TTL Seconds (u32)                       |
 *  +---------------------------------------------------------------+
 *  | str8 name | str8 senderNumber | u8 channelCount, channels     ...
 *  | u8 templateCount, templateCount x (u8 channel, str8 templateId)
 *  | str16 segment | u8 varCount, varCount x (str8 name, str16 value)
 *  +---------------------------------------------------------------+
 * </pre>
 * To read: {@link #wrap}, then {@link #validate()}, which checks every length, count, range and UTF-8 string and
 * records where the variable fields are; the accessors are meaningful only after it. What depends on the engine
 * (is the template configured, is it ad-marked, has every channel of the order one) is the engine's to check. The
 * templates and variables are walked as the SUBMIT_BATCH items are: an entry is named by the index where it starts
 * ({@link #firstTemplate()}, {@link #nextTemplate(int)}). To write: {@link #wrapForEncode}, then the fields in
 * layout order, then {@link #encodedLength()}.
 */
public final class CampaignFlyweight extends BodyFlyweight
{
    public static final int FLAGS_OFFSET = 0;
    public static final int RESERVED_OFFSET = 2;
    public static final int PACING_OFFSET = 4;
    public static final int START_AT_OFFSET = 8;
    public static final int TTL_OFFSET = 16;
    public static final int NAME_OFFSET = 20;
    /** The fixed fields and the name's length byte: the shortest body that can be read. */
    public static final int MIN_LENGTH = NAME_OFFSET + 1;

    /** The engine fans out at most this many recipients per second. */
    public static final long MAX_PACING_PER_SECOND = 10_000_000;
    public static final int MAX_CHANNELS = 3;

    private int nameAt;
    private int senderAt;
    private int channelsAt;
    private int templatesAt;
    private int segmentAt;
    private int varsAt;
    /** The walk's position while validating, where the next field goes while encoding. */
    private int p;
    private int end;

    public CampaignFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        wrapBody(buffer, offset, length);
        return this;
    }

    /**
     * @return null when valid, else {@link ErrorCode#INVALID_FIELD} with {@link #problem()} naming the field, as the
     * engine answered before this flyweight.
     */
    public ErrorCode validate()
    {
        if (length < MIN_LENGTH)
        {
            return fail(ErrorCode.INVALID_FIELD, "CAMPAIGN body shorter than " + MIN_LENGTH + " bytes");
        }
        if ((flags() & ~CampaignDescriptor.FLAG_DRY_RUN) != 0)
        {
            return fail(ErrorCode.INVALID_FIELD, "flags (only bit 0, dry run, is defined)");
        }
        if (pacingPerSecond() > MAX_PACING_PER_SECOND)
        {
            return fail(ErrorCode.INVALID_FIELD, "pacingPerSecond above 10,000,000");
        }
        if (startAtEpochMs() < 0)
        {
            return fail(ErrorCode.INVALID_FIELD, "startAtEpochMs");
        }
        if (ttlSeconds() > Integer.MAX_VALUE)
        {
            return fail(ErrorCode.INVALID_FIELD, "ttlSeconds");
        }
        end = offset + length;
        p = offset + NAME_OFFSET;
        nameAt = p;
        if (!str8("name", 1, CampaignDescriptor.MAX_NAME_LENGTH))
        {
            return ErrorCode.INVALID_FIELD;
        }
        senderAt = p;
        if (!str8("senderNumber", 0, CampaignDescriptor.MAX_SENDER_LENGTH))
        {
            return ErrorCode.INVALID_FIELD;
        }
        final ErrorCode channels = validateChannels();
        if (channels != null)
        {
            return channels;
        }
        final ErrorCode templates = validateTemplates();
        if (templates != null)
        {
            return templates;
        }
        segmentAt = p;
        if (!str16("segment", 1, CampaignDescriptor.MAX_SEGMENT_LENGTH))
        {
            return ErrorCode.INVALID_FIELD;
        }
        return validateVars();
    }

    private ErrorCode validateChannels()
    {
        if (!need(1, "channelCount"))
        {
            return ErrorCode.INVALID_FIELD;
        }
        final int count = u8(p++);
        if (count < 1 || count > MAX_CHANNELS)
        {
            return fail(ErrorCode.INVALID_FIELD, "channelCount " + count + " (1.." + MAX_CHANNELS + ")");
        }
        channelsAt = p - 1;
        for (int i = 0; i < count; i++)
        {
            if (!need(1, "channel"))
            {
                return ErrorCode.INVALID_FIELD;
            }
            final int ch = u8(p++);
            if (ChannelType.of(ch) == null || indexOfChannel(i, ch) >= 0)
            {
                return fail(ErrorCode.INVALID_FIELD, "channel " + ch + " (1 sms, 2 push, 3 chat; each once)");
            }
        }
        return null;
    }

    private ErrorCode validateTemplates()
    {
        if (!need(1, "templateCount"))
        {
            return ErrorCode.INVALID_FIELD;
        }
        templatesAt = p;
        final int count = u8(p++);
        for (int i = 0; i < count; i++)
        {
            if (!need(1, "template channel"))
            {
                return ErrorCode.INVALID_FIELD;
            }
            final int ch = u8(p++);
            if (!str8("templateId", 1, SubmitDescriptor.MAX_TEMPLATE_ID_LENGTH))
            {
                return ErrorCode.INVALID_FIELD;
            }
            if (ChannelType.of(ch) == null)
            {
                return fail(ErrorCode.INVALID_FIELD, "template channel " + ch);
            }
        }
        return null;
    }

    private ErrorCode validateVars()
    {
        if (!need(1, "varCount"))
        {
            return ErrorCode.INVALID_FIELD;
        }
        varsAt = p;
        final int count = u8(p++);
        if (count > CampaignDescriptor.MAX_VARS)
        {
            return fail(ErrorCode.INVALID_FIELD, "varCount " + count + " (0.." + CampaignDescriptor.MAX_VARS + ")");
        }
        for (int i = 0; i < count; i++)
        {
            if (!str8("var name", 1, SubmitDescriptor.MAX_VAR_NAME_LENGTH) ||
                !str16("var value", 0, SubmitDescriptor.MAX_VAR_VALUE_LENGTH))
            {
                return ErrorCode.INVALID_FIELD;
            }
        }
        return p != end ? fail(ErrorCode.INVALID_FIELD, "bytes after the last variable") : null;
    }

    private int indexOfChannel(final int before, final int ch)
    {
        for (int i = 0; i < before; i++)
        {
            if (channel(i) == ch)
            {
                return i;
            }
        }
        return -1;
    }

    private boolean str8(final String field, final int min, final int max)
    {
        if (!need(1, field + " length"))
        {
            return false;
        }
        final int n = u8(p++);
        return text(field, n, min, max);
    }

    private boolean str16(final String field, final int min, final int max)
    {
        if (!need(2, field + " length"))
        {
            return false;
        }
        final int n = u16(p);
        p += 2;
        return text(field, n, min, max);
    }

    private boolean text(final String field, final int n, final int min, final int max)
    {
        if (n < min || n > max)
        {
            fail(ErrorCode.INVALID_FIELD, field + " length " + n + " (" + min + ".." + max + ")");
            return false;
        }
        if (!need(n, field))
        {
            return false;
        }
        if (!Utf8.isValid(buffer, p, n))
        {
            fail(ErrorCode.INVALID_FIELD, field + ": not valid UTF-8");
            return false;
        }
        p += n;
        return true;
    }

    private boolean need(final int n, final String field)
    {
        if (p + n > end)
        {
            fail(ErrorCode.INVALID_FIELD, field + " truncated");
            return false;
        }
        return true;
    }

    public int flags()
    {
        return u16(offset + FLAGS_OFFSET);
    }

    public boolean dryRun()
    {
        return (flags() & CampaignDescriptor.FLAG_DRY_RUN) != 0;
    }

    /** @return recipients per second, unsigned; 0 = as fast as the lanes take them. */
    public long pacingPerSecond()
    {
        return buffer.getInt(offset + PACING_OFFSET, LE) & 0xFFFF_FFFFL;
    }

    public long startAtEpochMs()
    {
        return buffer.getLong(offset + START_AT_OFFSET, LE);
    }

    /** @return each message's time to live, unsigned; 0 = the engine default. */
    public long ttlSeconds()
    {
        return buffer.getInt(offset + TTL_OFFSET, LE) & 0xFFFF_FFFFL;
    }

    /** @return the name (allocates: once per campaign). */
    public String name()
    {
        return buffer.getStringWithoutLengthUtf8(nameAt + 1, u8(nameAt));
    }

    public int senderNumberOffset()
    {
        return senderAt + 1;
    }

    public int senderNumberLength()
    {
        return u8(senderAt);
    }

    public int channelCount()
    {
        return u8(channelsAt);
    }

    /** @return the channel code at {@code index} of the preference order. */
    public int channel(final int index)
    {
        return u8(channelsAt + 1 + index);
    }

    public int templateCount()
    {
        return u8(templatesAt);
    }

    /** @return where the first (channel, templateId) entry starts. */
    public int firstTemplate()
    {
        return templatesAt + 1;
    }

    public int templateChannel(final int template)
    {
        return u8(template);
    }

    public int templateIdOffset(final int template)
    {
        return template + 2;
    }

    public int templateIdLength(final int template)
    {
        return u8(template + 1);
    }

    /** @return the template id (allocates: once per campaign). */
    public String templateId(final int template)
    {
        return buffer.getStringWithoutLengthUtf8(templateIdOffset(template), templateIdLength(template));
    }

    public int nextTemplate(final int template)
    {
        return templateIdOffset(template) + templateIdLength(template);
    }

    /** @return the segment expression (allocates: once per campaign). */
    public String segment()
    {
        return buffer.getStringWithoutLengthUtf8(segmentAt + 2, u16(segmentAt));
    }

    public int varCount()
    {
        return u8(varsAt);
    }

    /** @return where the first (name, value) entry starts. */
    public int firstVar()
    {
        return varsAt + 1;
    }

    public int varNameOffset(final int var)
    {
        return var + 1;
    }

    public int varNameLength(final int var)
    {
        return u8(var);
    }

    private int varValueAt(final int var)
    {
        return varNameOffset(var) + varNameLength(var);
    }

    public int varValueOffset(final int var)
    {
        return varValueAt(var) + 2;
    }

    public int varValueLength(final int var)
    {
        return u16(varValueAt(var));
    }

    public int nextVar(final int var)
    {
        return varValueOffset(var) + varValueLength(var);
    }

    public CampaignFlyweight wrapForEncode(final MutableDirectBuffer buffer, final int offset)
    {
        wrapBodyForEncode(buffer, offset);
        return this;
    }

    /** Writes the fixed fields (the reserved one 0); first when encoding. */
    public CampaignFlyweight fixed(final int flags, final int pacingPerSecond, final long startAtEpochMs,
        final int ttlSeconds)
    {
        mutableBuffer.putShort(offset + FLAGS_OFFSET, (short)flags, LE);
        mutableBuffer.putShort(offset + RESERVED_OFFSET, (short)0, LE);
        mutableBuffer.putInt(offset + PACING_OFFSET, pacingPerSecond, LE);
        mutableBuffer.putLong(offset + START_AT_OFFSET, startAtEpochMs, LE);
        mutableBuffer.putInt(offset + TTL_OFFSET, ttlSeconds, LE);
        length = NAME_OFFSET;
        return this;
    }

    public CampaignFlyweight name(final byte[] name)
    {
        nameAt = putStr8(name);
        return this;
    }

    public CampaignFlyweight senderNumber(final byte[] senderNumber)
    {
        senderAt = putStr8(senderNumber);
        return this;
    }

    /** Writes the channel order: the count, then each code. */
    public CampaignFlyweight channels(final byte[] codes)
    {
        channelsAt = putU8(codes.length);
        mutableBuffer.putBytes(offset + length, codes);
        length += codes.length;
        return this;
    }

    /** Writes the template count; {@link #template} follows that many times. */
    public CampaignFlyweight templateCount(final int count)
    {
        templatesAt = putU8(count);
        return this;
    }

    public CampaignFlyweight template(final int channel, final byte[] templateId)
    {
        putU8(channel);
        putStr8(templateId);
        return this;
    }

    public CampaignFlyweight segment(final byte[] segment)
    {
        segmentAt = putStr16(segment);
        return this;
    }

    /** Writes the variable count; {@link #var} follows that many times. */
    public CampaignFlyweight varCount(final int count)
    {
        varsAt = putU8(count);
        return this;
    }

    public CampaignFlyweight var(final byte[] name, final byte[] value)
    {
        putStr8(name);
        putStr16(value);
        return this;
    }

    private int putU8(final int value)
    {
        final int at = offset + length;
        mutableBuffer.putByte(at, (byte)value);
        length++;
        return at;
    }

    private int putStr16(final byte[] bytes)
    {
        if (bytes.length > 0xFFFF)
        {
            throw new IllegalArgumentException("str16 field of " + bytes.length + " bytes (0..65535)");
        }
        final int at = offset + length;
        mutableBuffer.putShort(at, (short)bytes.length, LE);
        mutableBuffer.putBytes(at + 2, bytes);
        length += 2 + bytes.length;
        return at;
    }
}
