package io.dispatch.targeting;

import io.dispatch.directory.TenantDirectory;
import io.dispatch.policy.RecipientDirectory;
import io.dispatch.policy.RecipientKeys;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFrame;
import io.dispatch.protocol.DirectoryOp;
import org.roaringbitmap.PeekableIntIterator;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Derives which addresses a directory op gives to or takes from its recipient, as address links for the policy
 * stage's address map, so the frequency caps count a person's sends on every address they have
 * ({@code io.dispatch.policy.RecipientDirectory#capSubject}). An UPSERT or PATCH links each address the recipient
 * gained and unlinks each it lost; a DELETE unlinks every address it had. Addresses are those a SUBMIT would name
 * on any channel ({@link TenantDirectory#addresses}), each once: the phone, the chat key, each valid push token as
 * "fcm:…"/"apns:…" and bare. A link is per address, since a cap across channels counts the person's sends on all
 * of them; its body's channel byte says what the address is to the recipient (1 phone, 2 push token, 3 chat key),
 * so a fallback can tell a chat key from a phone. Only changes are linked, so importing the same file again publishes nothing.
 * The person is named by the source, {@code directory:<recipient id>}, as for {@link ConsentRestrictions}.
 * <p>
 * Call {@link #before} with a valid op just before the directory applies it, and {@link #after} once it did.
 * <b>Note:</b> not thread-safe; the targeting thread's. Allocates nothing once {@link ConsentBodies} has grown.
 */
final class AddressLinks
{
    private static final int CHANNELS = 3;
    private static final int MAX_ID_LENGTH = 255;
    private static final byte[] SOURCE = "directory:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] APNS = "apns:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FCM = "fcm:".getBytes(StandardCharsets.US_ASCII);

    private final ConsentBodies out;
    private final byte[] channelAddresses = new byte[TenantDirectory.MAX_ADDRESSES_LENGTH];
    private final byte[] before = new byte[CHANNELS * TenantDirectory.MAX_ADDRESSES_LENGTH];
    private final byte[] now = new byte[CHANNELS * TenantDirectory.MAX_ADDRESSES_LENGTH];
    private int beforeLength;

    AddressLinks(final ConsentBodies out)
    {
        this.out = out;
    }

    /** Notes the recipient's addresses before the op applies. */
    void before(final TenantDirectory t, final DirectoryOp op)
    {
        if (!changesAddresses(op))
        {
            return;
        }
        final int ordinal = t.ordinal(op.buffer(), op.subjectOffset(), op.subjectLength());
        beforeLength = ordinal < 0 ? 0 : addresses(t, ordinal, before);
    }

    /** Appends the op's links and unlinks, if any, to the bodies; the op was applied. */
    void after(final TenantDirectory t, final DirectoryOp op)
    {
        if (!changesAddresses(op))
        {
            return;
        }
        final int ordinal = op.op() == DirectoryOp.DELETE ? -1 :
            t.ordinal(op.buffer(), op.subjectOffset(), op.subjectLength());
        final int nowLength = ordinal < 0 ? 0 : addresses(t, ordinal, now);
        emitMissing(ConsentFrame.UNLINK, before, beforeLength, now, nowLength, op);
        emitMissing(ConsentFrame.LINK, now, nowLength, before, beforeLength, op);
    }

    /**
     * Start-up, before the message journal's recovery: links every address of every live recipient of the tenant,
     * as the links journaled so far would have (recovery then replays those in order over it). Covers recipients
     * whose links were never journaled: imported before links existed, or in journal files since removed.
     *
     * @return how many addresses were linked.
     */
    int linkAll(final TenantDirectory t, final int tenantId, final RecipientDirectory map)
    {
        final byte[] source = Arrays.copyOf(SOURCE, SOURCE.length + MAX_ID_LENGTH);
        int linked = 0;
        for (final PeekableIntIterator it = t.live().getIntIterator(); it.hasNext(); )
        {
            final int ordinal = it.next();
            final int idLength = t.recipientId(ordinal, source, SOURCE.length);
            if (idLength < 0)
            {
                continue;
            }
            final long person = RecipientDirectory.personKey(tenantId, source, 0, SOURCE.length + idLength);
            final int length = addresses(t, ordinal, now);
            for (int p = 0; p < length; p += 2 + (now[p] & 0xFF))
            {
                map.link(RecipientKeys.recipientKey(tenantId, now, p), person, now[p + 1 + (now[p] & 0xFF)], now, p);
                linked++;
            }
        }
        return linked;
    }

    /**
     * Every address of the recipient on any channel, once (the chat channel names the phone too), and each push token
     * also bare: a link is per address, not per channel. Each entry is a u8 length, the address and a u8 role: the
     * channel it is first found on, so 1 the phone, 2 a push token, 3 the chat key.
     */
    private int addresses(final TenantDirectory t, final int ordinal, final byte[] dst)
    {
        int length = 0;
        for (int c = 1; c <= CHANNELS; c++)
        {
            final int n = t.addresses(ordinal, c, channelAddresses, 0);
            for (int p = 0; p < n; p += 1 + (channelAddresses[p] & 0xFF))
            {
                final int size = channelAddresses[p] & 0xFF;
                length = add(dst, length, channelAddresses, p + 1, size, c);
                if (c == ChannelType.PUSH.code())
                {
                    // a single-provider lane takes the bare token
                    final int prefix = startsWith(channelAddresses, p + 1, size, FCM) ? FCM.length :
                        startsWith(channelAddresses, p + 1, size, APNS) ? APNS.length : 0;
                    if (prefix > 0)
                    {
                        length = add(dst, length, channelAddresses, p + 1 + prefix, size - prefix, c);
                    }
                }
            }
        }
        return length;
    }

    private static int add(final byte[] dst, final int length, final byte[] b, final int at, final int n, final int role)
    {
        if (contains(dst, length, b, at, n))
        {
            return length;
        }
        dst[length] = (byte)n;
        System.arraycopy(b, at, dst, length + 1, n);
        dst[length + 1 + n] = (byte)role;
        return length + 2 + n;
    }

    /** One body, carrying the address's role as its channel, for each address of {@code list} that {@code other} lacks. */
    private void emitMissing(final byte kind, final byte[] list, final int length, final byte[] other,
        final int otherLength, final DirectoryOp op)
    {
        for (int p = 0; p < length; p += 2 + (list[p] & 0xFF))
        {
            final int n = list[p] & 0xFF;
            if (!contains(other, otherLength, list, p + 1, n))
            {
                out.addLink(kind, list[p + 1 + n], list, p + 1, n, SOURCE, op.buffer(), op.subjectOffset(),
                    op.subjectLength());
            }
        }
    }

    private static boolean contains(final byte[] list, final int length, final byte[] b, final int at, final int n)
    {
        for (int p = 0; p < length; p += 2 + (list[p] & 0xFF))
        {
            if ((list[p] & 0xFF) == n && Arrays.equals(list, p + 1, p + 1 + n, b, at, at + n))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(final byte[] b, final int at, final int length, final byte[] prefix)
    {
        return length >= prefix.length && Arrays.equals(b, at, at + prefix.length, prefix, 0, prefix.length);
    }

    /** CONSENT, OPT_OUT and INVALIDATE_TOKEN leave the recipient's addresses as they are. */
    private static boolean changesAddresses(final DirectoryOp op)
    {
        final byte type = op.op();
        return type == DirectoryOp.UPSERT || type == DirectoryOp.PATCH || type == DirectoryOp.DELETE;
    }
}
