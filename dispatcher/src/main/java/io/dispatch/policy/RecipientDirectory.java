package io.dispatch.policy;

import org.agrona.collections.Long2LongHashMap;

/**
 * The minimal recipient directory the policies consult: per tenant and recipient address, the consent
 * flags of each channel ({@link ConsentFlags}, four bits per channel code). Keys are 64-bit hashes of
 * (tenant, address), as in the dedup index, so an entry costs one open-addressing slot (about 24 bytes).
 * An address never seen has no consent: marketing to it is suppressed (opt-in law).
 * <p>
 * Rebuilt from the journal's CONSENT records on restart: a client's CONSENT frames and the restrictions the
 * targeting thread mirrors from the recipient directory ({@code io.dispatch.targeting.ConsentRestrictions}).
 * It governs direct SUBMITs; campaign messages carry the consent of the recipient directory and only an
 * {@link ConsentFlags#OPTED_OUT} here still applies to them. <b>Note:</b> single writer, the policy stage thread.
 */
public final class RecipientDirectory
{
    private static final int BITS_PER_CHANNEL = 4;
    private static final long MISSING = 0;

    private final Long2LongHashMap flagsByKey = new Long2LongHashMap(1 << 16, 0.65f, MISSING);

    /**
     * @param channel a channel code (1..3), or 0 for every channel.
     * @param clear   clearing {@link ConsentFlags#OPTED_OUT} also lifts {@link ConsentFlags#DIRECTORY_OPTED_OUT}:
     *                a CONSENT frame is the newest word about the address.
     */
    public void apply(final long key, final int channel, final int set, final int clear)
    {
        final int cleared = (clear & ConsentFlags.OPTED_OUT) != 0 ? clear | ConsentFlags.DIRECTORY_OPTED_OUT : clear;
        long all = flagsByKey.get(key);
        for (int c = 1; c <= 3; c++)
        {
            if (channel == 0 || channel == c)
            {
                final int shift = c * BITS_PER_CHANNEL;
                long f = (all >>> shift) & 0xF;
                f = (f | set) & ~cleared & ConsentFlags.STORED;
                all = (all & ~(0xFL << shift)) | (f << shift);
            }
        }
        if (all == MISSING)
        {
            flagsByKey.remove(key);
        }
        else
        {
            flagsByKey.put(key, all);
        }
    }

    /** @return the {@link ConsentFlags} of the address on the channel; 0 when unknown. */
    public int flags(final long key, final int channel)
    {
        return (int)((flagsByKey.get(key) >>> (channel * BITS_PER_CHANNEL)) & 0xF);
    }

    public int size()
    {
        return flagsByKey.size();
    }
}
