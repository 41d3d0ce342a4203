package io.dispatch.targeting;

import io.dispatch.directory.TenantDirectory;
import io.dispatch.ingest.ConsentFrame;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DirectoryOp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Derives which addresses a directory op gives to or takes from its recipient, as address links for the policy
 * stage's address map, so the frequency caps count a person's sends on every address they have
 * ({@code io.dispatch.policy.RecipientDirectory#capSubject}). An UPSERT or PATCH links each address the recipient
 * gained on a channel and unlinks each it lost; a DELETE unlinks every address it had. Addresses are those a
 * SUBMIT would name ({@link TenantDirectory#addresses}): the phone, the chat key, each valid push token as
 * "fcm:…"/"apns:…" and bare. Only changes are linked, so importing the same file again publishes nothing.
 * The person is named by the source, {@code directory:<recipient id>}, as for {@link ConsentRestrictions}.
 * <p>
 * Call {@link #before} with a valid op just before the directory applies it, and {@link #after} once it did.
 * <b>Note:</b> not thread-safe; the targeting thread's. Allocates nothing once {@link ConsentBodies} has grown.
 */
final class AddressLinks
{
    private static final int CHANNELS = 3;
    private static final byte[] SOURCE = "directory:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] APNS = "apns:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FCM = "fcm:".getBytes(StandardCharsets.US_ASCII);

    private final ConsentBodies out;
    private final byte[][] before = new byte[CHANNELS + 1][TenantDirectory.MAX_ADDRESSES_LENGTH];
    private final int[] beforeLength = new int[CHANNELS + 1];
    private final byte[] now = new byte[TenantDirectory.MAX_ADDRESSES_LENGTH];

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
        for (int c = 1; c <= CHANNELS; c++)
        {
            beforeLength[c] = ordinal < 0 ? 0 : t.addresses(ordinal, c, before[c], 0);
        }
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
        for (int c = 1; c <= CHANNELS; c++)
        {
            final int nowLength = ordinal < 0 ? 0 : t.addresses(ordinal, c, now, 0);
            emitMissing(ConsentFrame.UNLINK, c, before[c], beforeLength[c], now, nowLength, op);
            emitMissing(ConsentFrame.LINK, c, now, nowLength, before[c], beforeLength[c], op);
        }
    }

    /** One body for each address of {@code list} that {@code other} lacks (both u8 length + bytes each). */
    private void emitMissing(final byte kind, final int channel, final byte[] list, final int length,
        final byte[] other, final int otherLength, final DirectoryOp op)
    {
        for (int p = 0; p < length; p += 1 + (list[p] & 0xFF))
        {
            final int n = list[p] & 0xFF;
            if (contains(other, otherLength, list, p + 1, n))
            {
                continue;
            }
            out.addLink(kind, channel, list, p + 1, n, SOURCE, op.buffer(), op.subjectOffset(), op.subjectLength());
            if (channel == ChannelType.PUSH.code())
            {
                // a single-provider lane takes the bare token
                final int prefix = startsWith(list, p + 1, n, FCM) ? FCM.length :
                    startsWith(list, p + 1, n, APNS) ? APNS.length : 0;
                if (prefix > 0)
                {
                    out.addLink(kind, channel, list, p + 1 + prefix, n - prefix, SOURCE, op.buffer(),
                        op.subjectOffset(), op.subjectLength());
                }
            }
        }
    }

    private static boolean contains(final byte[] list, final int length, final byte[] b, final int at, final int n)
    {
        for (int p = 0; p < length; p += 1 + (list[p] & 0xFF))
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
