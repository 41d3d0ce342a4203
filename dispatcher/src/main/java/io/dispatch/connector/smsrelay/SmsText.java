package io.dispatch.connector.smsrelay;

import java.nio.charset.Charset;

/**
 * Byte lengths as the Korean relays count them: text goes to the carriers in EUC-KR, one byte per ASCII
 * character and two per Hangul syllable or other KS X 1001 character (NHN SMS API guide, "주의 사항"). A
 * character EUC-KR cannot encode (emoji, Hangul syllables outside KS X 1001) fails at the relay (-2023), so it
 * is refused before sending.
 * <p>The two-byte characters are found once, at class load, by decoding every two-byte EUC-KR code (8,836 of them),
 * so measuring a text is a table look-up per character: no encoder, no allocation. Stateless; thread-safe.
 */
final class SmsText
{
    static final int SMS_BYTES = 90;
    static final int TITLE_BYTES = 40;
    static final int LMS_BYTES = 2_000;
    static final int NOT_ENCODABLE = -1;

    private static final Charset EUC_KR = Charset.forName("EUC-KR");
    /** The chars EUC-KR encodes in two bytes. */
    private static final java.util.BitSet TWO_BYTE = twoByteChars();

    private static java.util.BitSet twoByteChars()
    {
        final java.util.BitSet set = new java.util.BitSet(65_536);
        final byte[] code = new byte[2];
        for (int lead = 0xA1; lead <= 0xFE; lead++)
        {
            for (int trail = 0xA1; trail <= 0xFE; trail++)
            {
                code[0] = (byte)lead;
                code[1] = (byte)trail;
                final String decoded = new String(code, EUC_KR);
                if (decoded.length() == 1 && decoded.charAt(0) != '\uFFFD')
                {
                    set.set(decoded.charAt(0));
                }
            }
        }
        return set;
    }

    /** @return the EUC-KR byte length, or {@link #NOT_ENCODABLE}. */
    int length(final CharSequence text)
    {
        return eucKrLength(text);
    }

    static int eucKrLength(final CharSequence text)
    {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < 0x80)
            {
                bytes++;
            }
            else if (TWO_BYTE.get(c))
            {
                bytes += 2;
            }
            else
            {
                return NOT_ENCODABLE;
            }
        }
        return bytes;
    }

    /**
     * @return the end (exclusive, a char index) of the longest prefix of {@code text} from {@code start} that fits
     *         {@code maxBytes}; the text must be encodable.
     */
    static int fit(final CharSequence text, final int start, final int maxBytes)
    {
        int bytes = 0;
        int i = start;
        while (i < text.length())
        {
            final int w = text.charAt(i) < 0x80 ? 1 : 2;
            if (bytes + w > maxBytes)
            {
                break;
            }
            bytes += w;
            i++;
        }
        return i;
    }

    /** @return the title NHN requires for LMS/MMS when the message gives none: its first line, cut to 40 bytes. */
    static String titleFrom(final String body)
    {
        final int newline = body.indexOf('\n');
        final String line = (newline < 0 ? body : body.substring(0, newline)).strip();
        return line.substring(0, fit(line, 0, TITLE_BYTES));
    }
}
