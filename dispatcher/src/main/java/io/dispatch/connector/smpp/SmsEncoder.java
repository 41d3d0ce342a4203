package io.dispatch.connector.smpp;

import java.nio.charset.StandardCharsets;

/**
 * Text → one or more {@code short_message} payloads.
 * <ul>
 *   <li>Text whose every character is in the GSM 03.38 default alphabet and in ASCII goes as ASCII octets with
 *       data_coding 0x00 (the SMSC default alphabet): 160 septets in one SMS, 153 per part; characters of the GSM
 *       extension table ({@code ^ { } \ [ ] ~ |}) count two septets, as the SMSC will escape them.</li>
 *   <li>Anything else (Hangul, accented letters, emoji, the backquote) goes as UCS2 (UTF-16BE, data_coding 0x08):
 *       70 characters in one SMS, 67 per part, and a part never ends between the two halves of a surrogate pair.</li>
 *   <li>Longer text is split into parts, each prefixed with the 6-octet concatenation UDH
 *       {@code 05 00 03 <ref> <total> <seq>} (8-bit reference) and sent with esm_class UDHI (0x40); or, for SMSCs
 *       that want SAR TLVs instead, left bare (the SMSC builds the UDH, so the part sizes are the same).</li>
 * </ul>
 * Stateless and thread-safe.
 */
final class SmsEncoder
{
    static final byte DATA_CODING_DEFAULT = 0x00;
    static final byte DATA_CODING_UCS2 = 0x08;
    static final byte ESM_CLASS_DEFAULT = 0x00;
    static final byte ESM_CLASS_UDHI = 0x40;
    static final int UDH_LENGTH = 6;

    private static final int SEPTETS_SINGLE = 160;
    private static final int SEPTETS_PART = 153;
    private static final int UCS2_SINGLE = 70;
    private static final int UCS2_PART = 67;
    private static final String GSM_EXTENSION = "^{}\\[~]|";

    /**
     * One message ready for submit_sm: every part shares data coding and esm_class.
     *
     * @param reference the concatenation reference the parts carry (in their UDH, or for SAR TLVs).
     */
    record Encoded(byte dataCoding, byte esmClass, byte[][] parts, int reference)
    {
    }

    private SmsEncoder()
    {
    }

    /**
     * @param reference the concatenation reference for multipart messages (the UDH keeps its low 8 bits).
     * @param udh       prefix parts with the concatenation UDH; false leaves them bare for SAR TLVs.
     * @return the parts, or {@code null} when the text needs more than {@code maxParts} parts.
     */
    static Encoded encode(final String text, final int maxParts, final int reference, final boolean udh)
    {
        return isDefaultAlphabet(text) ? encodeDefault(text, maxParts, reference, udh) :
            encodeUcs2(text, maxParts, reference, udh);
    }

    /** {@link #encode(String, int, int, boolean)} with the UDH. */
    static Encoded encode(final String text, final int maxParts, final int reference)
    {
        return encode(text, maxParts, reference, true);
    }

    static boolean isDefaultAlphabet(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (!(c >= 0x20 && c <= 0x7E && c != '`') && c != '\n' && c != '\r')
            {
                return false;
            }
        }
        return true;
    }

    private static Encoded encodeDefault(final String text, final int maxParts, final int reference, final boolean udh)
    {
        int septets = 0;
        for (int i = 0; i < text.length(); i++)
        {
            septets += septets(text.charAt(i));
        }
        if (septets <= SEPTETS_SINGLE)
        {
            return new Encoded(DATA_CODING_DEFAULT, ESM_CLASS_DEFAULT,
                new byte[][] {text.getBytes(StandardCharsets.US_ASCII)}, reference);
        }
        // count first so an oversized text costs no allocation of parts
        final int[] ends = new int[maxParts];
        int count = 0;
        int used = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final int cost = septets(text.charAt(i));
            if (used + cost > SEPTETS_PART)
            {
                if (count == maxParts - 1)
                {
                    return null;
                }
                ends[count++] = i;
                used = 0;
            }
            used += cost;
        }
        ends[count++] = text.length();
        final byte[][] parts = new byte[count][];
        int start = 0;
        for (int p = 0; p < count; p++)
        {
            parts[p] = part(text.substring(start, ends[p]).getBytes(StandardCharsets.US_ASCII), udh, reference, count, p + 1);
            start = ends[p];
        }
        return new Encoded(DATA_CODING_DEFAULT, udh ? ESM_CLASS_UDHI : ESM_CLASS_DEFAULT, parts, reference);
    }

    private static Encoded encodeUcs2(final String text, final int maxParts, final int reference, final boolean udh)
    {
        if (text.length() <= UCS2_SINGLE)
        {
            return new Encoded(DATA_CODING_UCS2, ESM_CLASS_DEFAULT, new byte[][] {text.getBytes(StandardCharsets.UTF_16BE)},
                reference);
        }
        final int[] ends = new int[maxParts];
        int count = 0;
        int start = 0;
        while (start < text.length())
        {
            if (count == maxParts)
            {
                return null;
            }
            int end = Math.min(text.length(), start + UCS2_PART);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1)))
            {
                end--;
            }
            ends[count++] = end;
            start = end;
        }
        final byte[][] parts = new byte[count][];
        start = 0;
        for (int p = 0; p < count; p++)
        {
            parts[p] = part(text.substring(start, ends[p]).getBytes(StandardCharsets.UTF_16BE), udh, reference, count, p + 1);
            start = ends[p];
        }
        return new Encoded(DATA_CODING_UCS2, udh ? ESM_CLASS_UDHI : ESM_CLASS_DEFAULT, parts, reference);
    }

    private static int septets(final char c)
    {
        return GSM_EXTENSION.indexOf(c) >= 0 ? 2 : 1;
    }

    private static byte[] part(final byte[] body, final boolean udh, final int reference, final int total, final int seq)
    {
        if (!udh)
        {
            return body;
        }
        final byte[] out = new byte[UDH_LENGTH + body.length];
        out[0] = 0x05; // UDH length, excluding this octet
        out[1] = 0x00; // IE: concatenated short message, 8-bit reference
        out[2] = 0x03; // IE length
        out[3] = (byte)reference;
        out[4] = (byte)total;
        out[5] = (byte)seq;
        System.arraycopy(body, 0, out, UDH_LENGTH, body.length);
        return out;
    }
}
