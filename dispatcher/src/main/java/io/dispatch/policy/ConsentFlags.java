package io.dispatch.policy;

/**
 * Consent and suppression flags of one recipient address on one channel, as carried by the CONSENT frame
 * and kept by the {@link RecipientDirectory}. Wire values are stable.
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
        return sb.substring(0, sb.length() - 1);
    }
}
