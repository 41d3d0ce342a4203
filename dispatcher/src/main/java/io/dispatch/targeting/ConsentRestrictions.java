package io.dispatch.targeting;

import io.dispatch.directory.TenantDirectory;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.DirectoryOp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Derives what a directory op takes away from its recipient's consent, as CONSENT bodies for the policy stage's
 * address map (which governs direct SUBMITs), one per address of the recipient on the channel concerned:
 * <ul>
 *   <li>ad or night-ad consent the op withdraws is cleared: a CONSENT op withdraws every flag it clears; the
 *       consent fields of an UPSERT or PATCH (a CRM's current state, restated by every import) withdraw what
 *       the recipient held before the op and not after it;</li>
 *   <li>an opt-out the op records sets {@link ConsentFlags#DIRECTORY_OPTED_OUT} and clears ad and night-ad
 *       consent (an opt-out withdraws consent); one it withdraws lifts the flag again, and only that flag: never
 *       a client's opt-out, nor the consent the opt-out cleared;</li>
 *   <li>a recipient opted out on a channel who gets a new address there: the new address is opted out too;</li>
 *   <li>DELETE withdraws ad and night-ad consent from every address the recipient had.</li>
 * </ul>
 * Grants never reach the address map: a direct SUBMIT needs a client's CONSENT frame for its address. So an
 * import publishes only for rows that change something restrictive, and importing the same file again
 * publishes nothing. Call {@link #before} with a valid op just before the directory applies it, and
 * {@link #after} once it did. Addresses are those a SUBMIT would name ({@link TenantDirectory#addresses});
 * a push token also in its bare form, which a single-provider lane takes.
 * <p>
 * <b>Note:</b> not thread-safe; the targeting thread's. Allocates nothing once {@link ConsentBodies} has grown.
 */
final class ConsentRestrictions
{
    private static final int CHANNELS = 3;
    private static final int CONSENT = ConsentFlags.AD | ConsentFlags.NIGHT_AD;
    private static final byte[] SOURCE = "directory:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DELETE_SOURCE = "directory-delete:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] APNS = "apns:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FCM = "fcm:".getBytes(StandardCharsets.US_ASCII);

    private final ConsentBodies out;
    private final int[] flagsBefore = new int[CHANNELS + 1];
    private final byte[][] addressesBefore = new byte[CHANNELS + 1][TenantDirectory.MAX_ADDRESSES_LENGTH];
    private final int[] addressesBeforeLength = new int[CHANNELS + 1];
    private final byte[] addresses = new byte[TenantDirectory.MAX_ADDRESSES_LENGTH];

    ConsentRestrictions(final ConsentBodies out)
    {
        this.out = out;
    }

    /** Notes the recipient's consent, and the addresses the op may change or delete, before the op applies. */
    void before(final TenantDirectory t, final DirectoryOp op)
    {
        if (!concernsRecipient(op))
        {
            return;
        }
        final int ordinal = t.ordinal(op.buffer(), op.subjectOffset(), op.subjectLength());
        for (int c = 1; c <= CHANNELS; c++)
        {
            flagsBefore[c] = ordinal < 0 ? 0 : t.consentFlags(ordinal, c);
            final boolean needed = op.op() == DirectoryOp.DELETE || (flagsBefore[c] & ConsentFlags.OPTED_OUT) != 0;
            addressesBeforeLength[c] = ordinal >= 0 && needed ? t.addresses(ordinal, c, addressesBefore[c], 0) : 0;
        }
    }

    /** Appends the op's restrictions, if any, to the bodies; the op was applied. */
    void after(final TenantDirectory t, final DirectoryOp op)
    {
        if (!concernsRecipient(op))
        {
            return;
        }
        if (op.op() == DirectoryOp.DELETE)
        {
            for (int c = 1; c <= CHANNELS; c++)
            {
                emit(c, 0, CONSENT, addressesBefore[c], addressesBeforeLength[c], DELETE_SOURCE, op);
            }
            return;
        }
        final int ordinal = t.ordinal(op.buffer(), op.subjectOffset(), op.subjectLength());
        for (int c = 1; c <= CHANNELS; c++)
        {
            final int now = t.consentFlags(ordinal, c);
            int withdrawn = flagsBefore[c] & ~now;
            int recorded = now & ~flagsBefore[c];
            if (op.op() == DirectoryOp.CONSENT && (op.consentChannel() == 0 || op.consentChannel() == c))
            {
                // an explicit withdrawal or opt-out holds even if the directory had nothing to take away
                withdrawn |= op.consentClear() & CONSENT;
                recorded |= op.consentSet() & ConsentFlags.OPTED_OUT;
            }
            int set = (recorded & ConsentFlags.OPTED_OUT) != 0 ? ConsentFlags.DIRECTORY_OPTED_OUT : 0;
            int clear = withdrawn & CONSENT;
            if ((withdrawn & ConsentFlags.OPTED_OUT) != 0)
            {
                clear |= ConsentFlags.DIRECTORY_OPTED_OUT;
            }
            final boolean optedOut = (now & ConsentFlags.OPTED_OUT) != 0;
            if (set == 0 && clear == 0 && !optedOut)
            {
                continue; // the common import row: nothing taken away, no opt-out whose addresses could change
            }
            final int length = t.addresses(ordinal, c, addresses, 0);
            if (set == 0 && optedOut
                && !Arrays.equals(addresses, 0, length, addressesBefore[c], 0, addressesBeforeLength[c]))
            {
                set = ConsentFlags.DIRECTORY_OPTED_OUT;
            }
            if (set != 0)
            {
                // an opt-out withdraws consent: lifting it later must not give the address its old consent back
                clear |= CONSENT;
            }
            if (set != 0 || clear != 0)
            {
                emit(c, set, clear, addresses, length, SOURCE, op);
            }
        }
    }

    /** One body per address in {@code list} (u8 length + bytes each). */
    private void emit(final int channel, final int set, final int clear, final byte[] list, final int length,
        final byte[] source, final DirectoryOp op)
    {
        for (int p = 0; p < length; p += 1 + (list[p] & 0xFF))
        {
            final int n = list[p] & 0xFF;
            out.add(channel, set, clear, list, p + 1, n, source, op.buffer(), op.subjectOffset(), op.subjectLength());
            if (channel == ChannelType.PUSH.code())
            {
                final int prefix = startsWith(list, p + 1, n, FCM) ? FCM.length : APNS.length;
                out.add(channel, set, clear, list, p + 1 + prefix, n - prefix, source, op.buffer(), op.subjectOffset(),
                    op.subjectLength());
            }
        }
    }

    private static boolean startsWith(final byte[] b, final int at, final int length, final byte[] prefix)
    {
        return length >= prefix.length && Arrays.equals(b, at, at + prefix.length, prefix, 0, prefix.length);
    }

    /** OPT_OUT (a phone's opt-out of one sender number) and INVALIDATE_TOKEN name no recipient. */
    private static boolean concernsRecipient(final DirectoryOp op)
    {
        final byte type = op.op();
        return type == DirectoryOp.UPSERT || type == DirectoryOp.PATCH || type == DirectoryOp.DELETE
            || type == DirectoryOp.CONSENT;
    }
}
