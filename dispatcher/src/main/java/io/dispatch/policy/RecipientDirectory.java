package io.dispatch.policy;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFlags;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.Arrays;

/**
 * The minimal recipient directory the policies consult: per tenant and recipient address, the consent
 * flags of each channel ({@link ConsentFlags}, four bits per channel code). Keys are 64-bit hashes of
 * (tenant, address), as in the dedup index, so an entry costs one open-addressing slot (about 24 bytes).
 * An address never seen has no consent: marketing to it is suppressed (opt-in law).
 * <p>
 * Rebuilt from the journal's CONSENT records on restart: a client's CONSENT frames and the restrictions the
 * targeting thread mirrors from the recipient directory ({@code io.dispatch.targeting.ConsentRestrictions}).
 * It governs direct SUBMITs; campaign messages carry the consent of the recipient directory and only an
 * {@link ConsentFlags#OPTED_OUT} here still applies to them.
 * <p>
 * It also maps each address of a recipient of the recipient directory to that recipient's person key, so the
 * frequency caps count a person's sends on all their addresses ({@link #capSubject}). The targeting thread mirrors
 * the links as it applies directory ops; they are journaled like consent and rebuilt the same way.
 * <b>Note:</b> single writer, the policy stage thread.
 */
public final class RecipientDirectory
{
    private static final int BITS_PER_CHANNEL = 4;
    private static final long MISSING = 0;

    private final Long2LongHashMap flagsByKey = new Long2LongHashMap(1 << 16, 0.65f, MISSING);
    private final Long2LongHashMap personByKey = new Long2LongHashMap(1 << 16, 0.65f, MISSING);
    /** Person key → their phone, as a u8 length and the bytes: where a fallback to SMS goes instead of a chat key. */
    private final Long2ObjectHashMap<byte[]> phoneByPerson = new Long2ObjectHashMap<>(1 << 12, 0.65f);
    /** Person key → their phone's address key, so an unlink of that phone drops it even after another person took it. */
    private final Long2LongHashMap phoneKeyByPerson = new Long2LongHashMap(1 << 12, 0.65f, MISSING);

    /** {@link #role}: the address is the recipient's phone, push token (either form) or chat key; 0 unknown. */
    public static final int PHONE = 1;
    public static final int PUSH_TOKEN = 2;
    public static final int CHAT_KEY = 3;
    private static final long ROLE_MASK = 3;

    /** @return the key of a directory recipient's person, from the source "directory:&lt;id&gt;" of its links. */
    public static long personKey(final int tenantId, final byte[] source, final int offset, final int length)
    {
        // another seed than an address's key, so an address spelled like a source is not that person; the low two
        // bits hold the address's role in the map
        final long key = DedupIndex.hash(~tenantId, source, offset, length) & ~ROLE_MASK;
        return key == MISSING ? 4 : key;
    }

    /**
     * The address belongs to the person now (an address two recipients share goes with the latest link).
     * @param role {@link #PHONE}, {@link #PUSH_TOKEN} or {@link #CHAT_KEY}.
     */
    public void link(final long key, final long personKey, final int role)
    {
        personByKey.put(key, personKey | (role & ROLE_MASK));
    }

    /**
     * As {@link #link}, and a phone's bytes are kept for the person: a fallback to SMS of their chat key or push token
     * is re-addressed to it ({@link #phoneOf}). One small array per recipient with a phone, allocated when the
     * directory links it, never per message.
     *
     * @param lengthAt offset in {@code b} of the address's u8 length, followed by its bytes.
     */
    public void link(final long key, final long personKey, final int role, final byte[] b, final int lengthAt)
    {
        link(key, personKey, role);
        if (role == PHONE)
        {
            final byte[] phone = phoneByPerson.get(personKey);
            final int length = 1 + (b[lengthAt] & 0xFF);
            if (phone == null || !Arrays.equals(phone, 0, phone.length, b, lengthAt, lengthAt + length))
            {
                phoneByPerson.put(personKey, Arrays.copyOfRange(b, lengthAt, lengthAt + length));
            }
            phoneKeyByPerson.put(personKey, key);
        }
    }

    /** The address no longer belongs to the person; a later link to another person stays. */
    public void unlink(final long key, final long personKey)
    {
        if ((personByKey.get(key) & ~ROLE_MASK) == personKey)
        {
            personByKey.remove(key);
        }
        if (phoneKeyByPerson.get(personKey) == key)
        {
            phoneKeyByPerson.remove(personKey);
            phoneByPerson.remove(personKey);
        }
    }

    /**
     * @return the phone (u8 length, then the bytes; do not modify) of the directory recipient who has the address,
     * null when nobody has it or they have no phone.
     */
    public byte[] phoneOf(final long key)
    {
        final long person = personByKey.get(key);
        return person == MISSING ? null : phoneByPerson.get(person & ~ROLE_MASK);
    }

    /** @return what the frequency caps count the address's sends under: its person's key, else the address's. */
    public long capSubject(final long key)
    {
        final long person = personByKey.get(key);
        return person == MISSING ? key : person & ~ROLE_MASK;
    }

    /** @return what the address is to the directory recipient who has it ({@link #PHONE} …); 0 when nobody has it. */
    public int role(final long key)
    {
        return (int)(personByKey.get(key) & ROLE_MASK);
    }

    public int linkedAddresses()
    {
        return personByKey.size();
    }

    /**
     * @param channel a channel code (1..5), or 0 for every channel.
     * @param clear   clearing {@link ConsentFlags#OPTED_OUT} also lifts {@link ConsentFlags#DIRECTORY_OPTED_OUT}:
     *                a CONSENT frame is the newest word about the address.
     */
    public void apply(final long key, final int channel, final int set, final int clear)
    {
        final int cleared = (clear & ConsentFlags.OPTED_OUT) != 0 ? clear | ConsentFlags.DIRECTORY_OPTED_OUT : clear;
        long all = flagsByKey.get(key);
        for (int c = 1; c < ChannelType.CODES; c++)
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
