package io.dispatch.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Reads one recipient-directory operation in place: an item of a DIRECTORY_UPDATE frame, as received, as
 * journaled and as replayed. Little-endian. Call {@link #wrap}, then {@link #validate}; after a successful
 * validation the accessors and the field cursor ({@link #nextField}) are meaningful.
 *
 * <pre>
 * 0 u8    op          1 UPSERT, 2 PATCH, 3 DELETE, 4 CONSENT, 5 OPT_OUT, 6 INVALIDATE_TOKEN
 * 1 str8  subject     UPSERT..CONSENT: recipient id (1..128 bytes)
 *                     OPT_OUT: the sender number opted out of (1..32)
 *                     INVALIDATE_TOKEN: the platform, "apns" or "fcm"
 * then by op:
 *   UPSERT, PATCH     u8 fieldCount (0..255), then fieldCount x field:
 *                       u8 fieldType, str8 name (1..64 bytes of [a-z0-9_]), value by type:
 *                       1 STRING       str16 value (0..1000 bytes UTF-8)
 *                       2 INT          i64
 *                       3 TIME         i64 epoch ms
 *                       4 TAG_ADD      (no value; name is the tag)
 *                       5 TAG_REMOVE   (no value; name is the tag)
 *                       6 UNSET        (no value; PATCH only: removes the attribute or address)
 *                       7 PUSH_TOKEN   str8 token (1..255); name is the platform "apns" or "fcm"
 *                       8 PUSH_TOKEN_REMOVE  str8 token; name is the platform
 *                       9 CONSENT      u16 set, u16 clear, i64 atEpochMs (0 = when journaled), str8 source;
 *                                      name is the channel "sms", "push", "chat" or "all" (a CSV row with
 *                                      consent columns stays one op, applied whole or not at all)
 *   DELETE            nothing
 *   CONSENT           u8 channel (0 = every channel, 1 sms, 2 push, 3 chat), u16 set, u16 clear
 *                     (1 ad, 2 night ad, 4 opted out), i64 atEpochMs (0 = when journaled), str8 source
 *   OPT_OUT           str8 phone (1..32), u8 remove (0 = opt out, 1 = withdraw the opt-out),
 *                     i64 atEpochMs (0 = when journaled), str8 source
 *   INVALIDATE_TOKEN  str8 token (1..255)
 * </pre>
 * UPSERT replaces the recipient's profile (attributes, tags, addresses) and keeps its consent; PATCH changes
 * only the listed fields. Reserved attribute names and their types: {@code gender} STRING (F, M or X),
 * {@code birth_year} INT, {@code region} STRING, {@code last_visit} TIME, {@code last_purchase} TIME,
 * {@code phone} STRING (digits, optional leading +), {@code chat_key} STRING. Any other name is a custom
 * attribute whose type (STRING, INT or TIME) is fixed by its first use in the tenant.
 * <p>
 * <b>Note:</b> not thread-safe; keep one per thread.
 */
public final class DirectoryOp
{
    public static final byte UPSERT = 1;
    public static final byte PATCH = 2;
    public static final byte DELETE = 3;
    public static final byte CONSENT = 4;
    public static final byte OPT_OUT = 5;
    public static final byte INVALIDATE_TOKEN = 6;

    public static final byte STRING = 1;
    public static final byte INT = 2;
    public static final byte TIME = 3;
    public static final byte TAG_ADD = 4;
    public static final byte TAG_REMOVE = 5;
    public static final byte UNSET = 6;
    public static final byte PUSH_TOKEN = 7;
    public static final byte PUSH_TOKEN_REMOVE = 8;
    public static final byte CONSENT_FIELD = 9;

    public static final int MAX_ID_LENGTH = 128;
    public static final int MAX_SENDER_LENGTH = 32;
    public static final int MAX_PHONE_LENGTH = 32;
    public static final int MAX_NAME_LENGTH = 64;
    public static final int MAX_STRING_LENGTH = 1000;
    public static final int MAX_TOKEN_LENGTH = 255;
    public static final int MAX_SOURCE_LENGTH = 255;
    /** Upper bound of one encoded op: a DIRECTORY_UPDATE item is at most this long. */
    public static final int MAX_OP_LENGTH = 64 * 1024;

    /**
     * DIRECTORY_UPDATE body: u16 count (1..1024), u16 reserved, then count x (u16 opLength, op). Each op is
     * applied whole or not at all; the answer, sent once the applied ops are journaled, is DIRECTORY_RESULT:
     * u16 applied, u16 rejectedCount, then rejectedCount x (u16 index, u16 errorCode, str16 problem naming
     * the field). A frame whose framing is broken (count or lengths) gets a NACK and nothing is applied.
     */
    public static final int BATCH_HEADER_LENGTH = 4;
    public static final int MAX_BATCH_COUNT = 1024;

    private static final int CONSENT_FLAGS_MASK = 7;

    private byte[] b;
    private int offset;
    private int end;

    private int subjectOffset;
    private int subjectLength;
    private int bodyOffset;
    private String problem;

    // field cursor
    private int cursor;
    private int fieldsLeft;
    private byte fieldType;
    private int nameOffset;
    private int nameLength;
    private int valueOffset;
    private int valueLength;
    private long longValue;

    public DirectoryOp wrap(final byte[] buffer, final int offset, final int length)
    {
        this.b = buffer;
        this.offset = offset;
        this.end = offset + length;
        this.problem = null;
        return this;
    }

    /** @return null when the op is well formed, otherwise what is wrong, naming the field. */
    public String validate()
    {
        if (end - offset < 2)
        {
            return "op shorter than 2 bytes";
        }
        final int op = op();
        if (op < UPSERT || op > INVALIDATE_TOKEN)
        {
            return "op " + op + " (1 UPSERT, 2 PATCH, 3 DELETE, 4 CONSENT, 5 OPT_OUT, 6 INVALIDATE_TOKEN)";
        }
        subjectLength = u8(offset + 1);
        subjectOffset = offset + 2;
        bodyOffset = subjectOffset + subjectLength;
        if (bodyOffset > end)
        {
            return "subject length beyond the op";
        }
        if (!Utf8.isValid(b, subjectOffset, subjectLength))
        {
            return "subject: not valid UTF-8";
        }
        switch (op)
        {
            case UPSERT:
            case PATCH:
                if (badLength(subjectLength, 1, MAX_ID_LENGTH, "recipient id")) { return problem; }
                return validateFields(op == PATCH);
            case DELETE:
                if (badLength(subjectLength, 1, MAX_ID_LENGTH, "recipient id")) { return problem; }
                return bodyOffset == end ? null : "DELETE has bytes after the recipient id";
            case CONSENT:
                if (badLength(subjectLength, 1, MAX_ID_LENGTH, "recipient id")) { return problem; }
                return validateConsent();
            case OPT_OUT:
                if (badLength(subjectLength, 1, MAX_SENDER_LENGTH, "sender number")) { return problem; }
                return validateOptOut();
            default:
                if (!isPlatform(subjectOffset, subjectLength))
                {
                    return "platform (apns or fcm)";
                }
                return validateTail(bodyOffset, MAX_TOKEN_LENGTH, "token", 0);
        }
    }

    public byte op()
    {
        return b[offset];
    }

    public int subjectOffset()
    {
        return subjectOffset;
    }

    public int subjectLength()
    {
        return subjectLength;
    }

    public String subject()
    {
        return new String(b, subjectOffset, subjectLength, StandardCharsets.UTF_8);
    }

    public byte[] buffer()
    {
        return b;
    }

    // ---- CONSENT ----

    public int consentChannel()
    {
        return u8(bodyOffset);
    }

    public int consentSet()
    {
        return u16(bodyOffset + 1);
    }

    public int consentClear()
    {
        return u16(bodyOffset + 3);
    }

    public long consentAtEpochMs()
    {
        return i64(bodyOffset + 5);
    }

    /** CONSENT and OPT_OUT: offset of the source's length byte. */
    public int sourceLengthAt()
    {
        return op() == CONSENT ? bodyOffset + 13 : bodyOffset + 1 + u8(bodyOffset) + 9;
    }

    public String source()
    {
        final int at = sourceLengthAt();
        return new String(b, at + 1, u8(at), StandardCharsets.UTF_8);
    }

    // ---- OPT_OUT (subject = sender number) ----

    public int phoneOffset()
    {
        return bodyOffset + 1;
    }

    public int phoneLength()
    {
        return u8(bodyOffset);
    }

    public boolean optOutRemoved()
    {
        return u8(bodyOffset + 1 + phoneLength()) == 1;
    }

    public long optOutAtEpochMs()
    {
        return i64(bodyOffset + 2 + phoneLength());
    }

    // ---- INVALIDATE_TOKEN (subject = platform) ----

    public int tokenOffset()
    {
        return bodyOffset + 1;
    }

    public int tokenLength()
    {
        return u8(bodyOffset);
    }

    // ---- UPSERT / PATCH field cursor ----

    /** Puts the field cursor before the first field of an UPSERT or PATCH. */
    public DirectoryOp resetFields()
    {
        fieldsLeft = u8(bodyOffset);
        cursor = bodyOffset + 1;
        return this;
    }

    public int fieldCount()
    {
        return u8(bodyOffset);
    }

    /** @return the type of the next field, or 0 when there is none. */
    public byte nextField()
    {
        if (fieldsLeft == 0)
        {
            return 0;
        }
        fieldsLeft--;
        fieldType = b[cursor];
        nameLength = u8(cursor + 1);
        nameOffset = cursor + 2;
        int p = nameOffset + nameLength;
        valueOffset = p;
        valueLength = 0;
        longValue = 0;
        switch (fieldType)
        {
            case STRING:
                valueLength = u16(p);
                valueOffset = p + 2;
                p = valueOffset + valueLength;
                break;
            case INT:
            case TIME:
                longValue = i64(p);
                p += 8;
                break;
            case PUSH_TOKEN:
            case PUSH_TOKEN_REMOVE:
                valueLength = u8(p);
                valueOffset = p + 1;
                p = valueOffset + valueLength;
                break;
            case CONSENT_FIELD:
                valueOffset = p;
                longValue = i64(p + 4);
                valueLength = u8(p + 12);
                p += 13 + valueLength;
                break;
            default:
                break;
        }
        cursor = p;
        return fieldType;
    }

    public byte fieldType()
    {
        return fieldType;
    }

    public int nameOffset()
    {
        return nameOffset;
    }

    public int nameLength()
    {
        return nameLength;
    }

    public String name()
    {
        return new String(b, nameOffset, nameLength, StandardCharsets.US_ASCII);
    }

    /** STRING: the UTF-8 value; PUSH_TOKEN(_REMOVE): the token. */
    public int valueOffset()
    {
        return valueOffset;
    }

    public int valueLength()
    {
        return valueLength;
    }

    public String stringValue()
    {
        return new String(b, valueOffset, valueLength, StandardCharsets.UTF_8);
    }

    /** CONSENT_FIELD: the channel code named by the field (0 = all). */
    public int fieldConsentChannel()
    {
        return nameIs("sms") ? 1 : nameIs("push") ? 2 : nameIs("chat") ? 3 : 0;
    }

    /** CONSENT_FIELD: the flags to set. */
    public int fieldConsentSet()
    {
        return u16(valueOffset);
    }

    /** CONSENT_FIELD: the flags to clear. */
    public int fieldConsentClear()
    {
        return u16(valueOffset + 2);
    }

    /** CONSENT_FIELD: the source text. */
    public String fieldConsentSource()
    {
        return new String(b, valueOffset + 13, u8(valueOffset + 12), StandardCharsets.UTF_8);
    }

    /** INT and TIME; CONSENT_FIELD: atEpochMs. */
    public long longValue()
    {
        return longValue;
    }

    /** @return whether the field name equals the ASCII string. */
    public boolean nameIs(final String s)
    {
        return bytesAre(nameOffset, nameLength, s);
    }

    /** The declared type of a reserved attribute name, or 0 for a custom attribute. */
    public static byte reservedType(final String name)
    {
        switch (name)
        {
            case "gender":
            case "region":
            case "phone":
            case "chat_key":
                return STRING;
            case "birth_year":
                return INT;
            case "last_visit":
            case "last_purchase":
                return TIME;
            default:
                return 0;
        }
    }

    // ---- validation ----

    private String validateFields(final boolean patch)
    {
        if (bodyOffset + 1 > end)
        {
            return "fieldCount missing";
        }
        int left = u8(bodyOffset);
        int p = bodyOffset + 1;
        int index = 0;
        while (left-- > 0)
        {
            if (p + 2 > end)
            {
                return "field " + index + " truncated";
            }
            final byte type = b[p];
            final int nLength = u8(p + 1);
            final int nAt = p + 2;
            if (nLength == 0 || nLength > MAX_NAME_LENGTH || nAt + nLength > end)
            {
                return "field " + index + " name length " + nLength + " (1.." + MAX_NAME_LENGTH + ")";
            }
            // The name as a String only for a problem message: validation runs on every ingested op.
            p = nAt + nLength;
            switch (type)
            {
                case STRING:
                    if (p + 2 > end || p + 2 + u16(p) > end) { return "field '" + name(nAt, nLength) + "' value truncated"; }
                    if (u16(p) > MAX_STRING_LENGTH)
                    {
                        return "field '" + name(nAt, nLength) + "' value longer than " + MAX_STRING_LENGTH + " bytes";
                    }
                    if (!Utf8.isValid(b, p + 2, u16(p)))
                    {
                        return "field '" + name(nAt, nLength) + "' value: not valid UTF-8";
                    }
                    final String typeProblem = checkReserved(nAt, nLength, STRING);
                    if (typeProblem != null) { return typeProblem; }
                    final String valueProblem = checkReservedValue(nAt, nLength, p + 2, u16(p));
                    if (valueProblem != null) { return valueProblem; }
                    p += 2 + u16(p);
                    break;
                case INT:
                case TIME:
                    if (!isAttributeName(nAt, nLength)) { return "field name '" + name(nAt, nLength) + "' (use [a-z0-9_])"; }
                    if (p + 8 > end) { return "field '" + name(nAt, nLength) + "' value truncated"; }
                    final String reservedProblem = checkReserved(nAt, nLength, type);
                    if (reservedProblem != null) { return reservedProblem; }
                    if (type == TIME && i64(p) < 0) { return "field '" + name(nAt, nLength) + "' time before 1970"; }
                    p += 8;
                    break;
                case TAG_ADD:
                case TAG_REMOVE:
                    if (!isTag(nAt, nLength)) { return "tag '" + name(nAt, nLength) + "' (use [A-Za-z0-9_:.-])"; }
                    break;
                case UNSET:
                    if (!patch) { return "field '" + name(nAt, nLength) + "': UNSET is for PATCH only"; }
                    if (!isAttributeName(nAt, nLength)) { return "field name '" + name(nAt, nLength) + "' (use [a-z0-9_])"; }
                    break;
                case PUSH_TOKEN:
                case PUSH_TOKEN_REMOVE:
                    if (!isPlatform(nAt, nLength)) { return "push token platform '" + name(nAt, nLength) + "' (apns or fcm)"; }
                    if (p + 1 > end || p + 1 + u8(p) > end) { return "push token truncated"; }
                    if (u8(p) == 0) { return "push token empty"; }
                    p += 1 + u8(p);
                    break;
                case CONSENT_FIELD:
                    if (!(bytesAre(nAt, nLength, "sms") || bytesAre(nAt, nLength, "push") || bytesAre(nAt, nLength, "chat")
                        || bytesAre(nAt, nLength, "all")))
                    {
                        return "consent channel '" + name(nAt, nLength) + "' (sms, push, chat or all)";
                    }
                    if (p + 13 > end || p + 13 + u8(p + 12) > end) { return "consent '" + name(nAt, nLength) + "' truncated"; }
                    final String flagsProblem = checkConsentFlags(u16(p), u16(p + 2));
                    if (flagsProblem != null) { return "consent '" + name(nAt, nLength) + "' " + flagsProblem; }
                    if (i64(p + 4) < 0) { return "consent '" + name(nAt, nLength) + "' atEpochMs"; }
                    p += 13 + u8(p + 12);
                    break;
                default:
                    return "field " + index + " type " + type + " (1..9)";
            }
            index++;
        }
        return p == end ? null : "bytes after the last field";
    }

    private String checkReserved(final int nameAt, final int nameLength, final byte type)
    {
        if (!isAttributeName(nameAt, nameLength))
        {
            return "field name '" + name(nameAt, nameLength) + "' (use [a-z0-9_])";
        }
        final byte reserved = reservedType(nameAt, nameLength);
        if (reserved != 0 && reserved != type)
        {
            return "field '" + name(nameAt, nameLength) + "' must be " + typeName(reserved);
        }
        return null;
    }

    /** {@link #reservedType(String)} of a name in the buffer, without allocating. */
    private byte reservedType(final int at, final int length)
    {
        if (bytesAre(at, length, "gender") || bytesAre(at, length, "region") || bytesAre(at, length, "phone")
            || bytesAre(at, length, "chat_key"))
        {
            return STRING;
        }
        if (bytesAre(at, length, "birth_year"))
        {
            return INT;
        }
        return bytesAre(at, length, "last_visit") || bytesAre(at, length, "last_purchase") ? TIME : 0;
    }

    private boolean bytesAre(final int at, final int length, final String s)
    {
        if (s.length() != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (b[at + i] != s.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    private String name(final int at, final int length)
    {
        return new String(b, at, length, StandardCharsets.ISO_8859_1);
    }

    private String checkReservedValue(final int nameAt, final int nameLength, final int at, final int length)
    {
        if (bytesAre(nameAt, nameLength, "gender"))
        {
            if (length != 1 || (b[at] != 'F' && b[at] != 'M' && b[at] != 'X'))
            {
                return "field 'gender' must be F, M or X";
            }
        }
        else if (bytesAre(nameAt, nameLength, "phone"))
        {
            if (!isPhone(at, length))
            {
                return "field 'phone' must be 1..32 digits with an optional leading +";
            }
        }
        return null;
    }

    private String validateConsent()
    {
        if (bodyOffset + 14 > end)
        {
            return "CONSENT truncated";
        }
        final int channel = u8(bodyOffset);
        if (channel != 0 && ChannelType.of(channel) == null)
        {
            return "channel " + channel + " (0 = every channel, 1 sms, 2 push, 3 chat)";
        }
        final String flagsProblem = checkConsentFlags(consentSet(), consentClear());
        if (flagsProblem != null)
        {
            return flagsProblem;
        }
        if (consentAtEpochMs() < 0)
        {
            return "atEpochMs";
        }
        return validateTail(bodyOffset + 13, MAX_SOURCE_LENGTH, "source", -1);
    }

    private static String checkConsentFlags(final int set, final int clear)
    {
        if ((set & ~CONSENT_FLAGS_MASK) != 0 || (clear & ~CONSENT_FLAGS_MASK) != 0)
        {
            return "flags: only 1 (ad), 2 (night ad) and 4 (opted out) are defined";
        }
        if ((set & clear) != 0)
        {
            return "flags: the same flag is both set and cleared";
        }
        return null;
    }

    private String validateOptOut()
    {
        if (bodyOffset + 1 > end || bodyOffset + 1 + u8(bodyOffset) + 9 + 1 > end)
        {
            return "OPT_OUT truncated";
        }
        if (!isPhone(phoneOffset(), phoneLength()))
        {
            return "phone must be 1..32 digits with an optional leading +";
        }
        final int remove = u8(bodyOffset + 1 + phoneLength());
        if (remove > 1)
        {
            return "remove (0 or 1)";
        }
        if (optOutAtEpochMs() < 0)
        {
            return "atEpochMs";
        }
        return validateTail(bodyOffset + 1 + phoneLength() + 9, MAX_SOURCE_LENGTH, "source", -1);
    }

    /** A str8 that must end the op; minLength -1 allows empty. */
    private String validateTail(final int at, final int max, final String field, final int minLength)
    {
        if (at + 1 > end)
        {
            return field + " missing";
        }
        final int length = u8(at);
        if (length > max || (minLength >= 0 && length == 0))
        {
            return field + " length " + length;
        }
        return at + 1 + length == end ? null : field + " length does not match the op length";
    }

    private boolean badLength(final int length, final int min, final int max, final String field)
    {
        if (length < min || length > max)
        {
            problem = field + " length " + length + " (" + min + ".." + max + ")";
            return true;
        }
        return false;
    }

    private boolean isPlatform(final int at, final int length)
    {
        return length == 4 && b[at] == 'a' && b[at + 1] == 'p' && b[at + 2] == 'n' && b[at + 3] == 's'
            || length == 3 && b[at] == 'f' && b[at + 1] == 'c' && b[at + 2] == 'm';
    }

    private boolean isPhone(final int at, final int length)
    {
        if (length == 0 || length > MAX_PHONE_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            final byte c = b[at + i];
            if (!(c >= '0' && c <= '9') && !(i == 0 && c == '+'))
            {
                return false;
            }
        }
        return length > 1 || b[at] != '+';
    }

    private boolean isAttributeName(final int at, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            final char c = (char)(b[at + i] & 0xFF);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '_')
            {
                return false;
            }
        }
        return true;
    }

    private boolean isTag(final int at, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            final char c = (char)(b[at + i] & 0xFF);
            if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9')
                && c != '_' && c != ':' && c != '.' && c != '-')
            {
                return false;
            }
        }
        return true;
    }

    public static String typeName(final byte type)
    {
        switch (type)
        {
            case STRING: return "STRING";
            case INT: return "INT";
            case TIME: return "TIME";
            case TAG_ADD: return "TAG_ADD";
            case TAG_REMOVE: return "TAG_REMOVE";
            case UNSET: return "UNSET";
            case PUSH_TOKEN: return "PUSH_TOKEN";
            case PUSH_TOKEN_REMOVE: return "PUSH_TOKEN_REMOVE";
            case CONSENT_FIELD: return "CONSENT";
            default: return "type " + type;
        }
    }

    private int u8(final int at)
    {
        return b[at] & 0xFF;
    }

    private int u16(final int at)
    {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private long i64(final int at)
    {
        long v = 0;
        for (int i = 7; i >= 0; i--)
        {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }
}
