package io.dispatch.protocol;

/**
 * Consent and suppression flags of one recipient address on one channel, as carried by the CONSENT frame
 * and kept by the engine's recipient directory. Wire values are stable. {@link #ALL} are the flags a client may
 * set or clear; {@link #DIRECTORY_OPTED_OUT} is written only by the engine (docs/design/directory.md).
 */
public final class ConsentFlags
{
    /** Prior consent to advertising on the channel (정보통신망법 §50①). */
    public static final int AD = 1;
    /** Separate consent to advertising between 21:00 and 08:00 (§50③). */
    public static final int NIGHT_AD = 2;
    /** The recipient opted out of advertising from this tenant on the channel (§50⑥, 080 calls, Kakao 3020). */
    public static final int OPTED_OUT = 4;
    public static final int ALL = AD | NIGHT_AD | OPTED_OUT;
    /**
     * A recipient of the directory holding this address opted out on the channel: mirrored into the address map
     * from the directory, so it stops direct SUBMITs. Not a client flag: a campaign message carries the
     * directory's own flags instead, and the directory lifts it when the recipient's opt-out is withdrawn there.
     */
    public static final int DIRECTORY_OPTED_OUT = 8;
    /** The flags the address map keeps. */
    public static final int STORED = ALL | DIRECTORY_OPTED_OUT;

    private ConsentFlags()
    {
    }

    public static String describe(final int flags)
    {
        if (flags == 0)
        {
            return "none";
        }
        final StringBuilder sb = new StringBuilder();
        if ((flags & AD) != 0) { sb.append("ad,"); }
        if ((flags & NIGHT_AD) != 0) { sb.append("night-ad,"); }
        if ((flags & OPTED_OUT) != 0) { sb.append("opted-out,"); }
        if ((flags & DIRECTORY_OPTED_OUT) != 0) { sb.append("directory-opted-out,"); }
        return sb.substring(0, sb.length() - 1);
    }
}
