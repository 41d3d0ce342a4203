package io.dispatch.connector.smpp;

/**
 * The canonical forms under which SMSC message ids are matched: the id of a {@code submit_sm_resp} and the id of a
 * delivery receipt ({@code receipted_message_id} TLV or the text's {@code id:}) meet only through these keys.
 * <p>
 * SMPP 3.4 makes message_id a C-string of up to 65 octets and says nothing of its form; many SMSCs write a number in
 * hex in one place and in decimal in the other (Kannel's {@code msg-id-type} names the same four combinations). A
 * number's key is its unsigned 64-bit value in lower-case hex without leading zeros, whatever base it was written
 * in, so {@code "0001A2B"}, {@code "1a2b"} and {@code "6699"} (decimal) are one key. Per side (submit_sm_resp,
 * receipt) the base is:
 * <ul>
 *   <li>{@code hex} or {@code decimal}: read in that base; an id that is not a number in it is kept as written.</li>
 *   <li>{@code text}: as written, compared exactly.</li>
 *   <li>{@code auto} (the default): the base cannot be told from one id, so an id that reads as a number in both
 *       bases has two keys (hex reading first); either may match. Two messages can then share a key (hex
 *       {@code 2710} is the decimal reading of hex {@code 10000}): name the bases when the SMSC's are known.</li>
 * </ul>
 * Immutable and thread-safe.
 */
final class ProviderIds
{
    /** How one side writes its ids. */
    enum Base
    {
        AUTO, TEXT, HEX, DECIMAL
    }

    static final ProviderIds AUTO = new ProviderIds(Base.AUTO, Base.AUTO);
    private static final String[] NONE = new String[0];

    private final Base submitBase;
    private final Base receiptBase;

    ProviderIds(final Base submitBase, final Base receiptBase)
    {
        this.submitBase = submitBase;
        this.receiptBase = receiptBase;
    }

    /**
     * @param value {@code auto}, {@code text}, {@code hex}, {@code decimal} (both sides), or {@code hex-decimal} /
     *              {@code decimal-hex} (submit_sm_resp base, then receipt base).
     * @throws IllegalArgumentException naming the setting.
     */
    static ProviderIds parse(final String value)
    {
        switch (value.trim())
        {
            case "auto": return AUTO;
            case "text": return new ProviderIds(Base.TEXT, Base.TEXT);
            case "hex": return new ProviderIds(Base.HEX, Base.HEX);
            case "decimal": return new ProviderIds(Base.DECIMAL, Base.DECIMAL);
            case "hex-decimal": return new ProviderIds(Base.HEX, Base.DECIMAL);
            case "decimal-hex": return new ProviderIds(Base.DECIMAL, Base.HEX);
            default: throw new IllegalArgumentException("messageIds: '" + value + "' is not auto, text, hex, decimal, "
                + "hex-decimal or decimal-hex (the submit_sm_resp base, then the receipt base)");
        }
    }

    /** @return the keys of a submit_sm_resp message_id, most likely first; none for an empty or missing id. */
    String[] submitKeys(final String id)
    {
        return keys(id, submitBase);
    }

    /** @return the keys of a receipt's message id, most likely first; none for an empty or missing id. */
    String[] receiptKeys(final String id)
    {
        return keys(id, receiptBase);
    }

    /** @return true when a submit_sm_resp carried no id to match receipts by. */
    static boolean isMissing(final String id)
    {
        return id == null || id.isBlank();
    }

    @Override
    public String toString()
    {
        return submitBase == receiptBase ? submitBase.name().toLowerCase(java.util.Locale.ROOT) :
            submitBase.name().toLowerCase(java.util.Locale.ROOT) + "-" + receiptBase.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String[] keys(final String raw, final Base base)
    {
        if (isMissing(raw))
        {
            return NONE;
        }
        final String id = raw.trim();
        switch (base)
        {
            case TEXT: return new String[] {id};
            case HEX: return new String[] {orText(number(id, 16), id)};
            case DECIMAL: return new String[] {orText(number(id, 10), id)};
            default:
                final String hex = number(id, 16);
                final String decimal = number(id, 10);
                if (hex == null)
                {
                    return new String[] {id};
                }
                return decimal == null || decimal.equals(hex) ? new String[] {hex} : new String[] {hex, decimal};
        }
    }

    private static String orText(final String key, final String id)
    {
        return key == null ? id : key;
    }

    /** @return the id's unsigned 64-bit value in {@code radix} as lower-case hex, or null when it is not one. */
    static String number(final String id, final int radix)
    {
        int start = 0;
        while (start < id.length() - 1 && id.charAt(start) == '0')
        {
            start++;
        }
        final String digits = id.substring(start);
        if (digits.length() > (radix == 16 ? 16 : 20))
        {
            return null;
        }
        for (int i = 0; i < digits.length(); i++)
        {
            final char c = digits.charAt(i);
            if (c >= 128 || Character.digit(c, radix) < 0)
            {
                return null;
            }
        }
        try
        {
            return Long.toHexString(Long.parseUnsignedLong(digits, radix));
        }
        catch (final NumberFormatException ex)
        {
            return null; // a 20-digit decimal beyond 2^64
        }
    }
}
