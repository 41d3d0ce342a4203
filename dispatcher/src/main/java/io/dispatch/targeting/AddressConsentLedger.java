package io.dispatch.targeting;

import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalRecord;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.ConsentFrame;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The address-level consent of a tenant read back from the message journal: every CONSENT frame a client sent
 * ({@code scripts/send --consent}, a webhook relaying an 080 call), as its CONSENT record holds it, with the time it
 * was journaled and its source. The restrictions the directory mirrors into the address map (source
 * {@code directory:<id>} or {@code directory-delete:<id>}) and its address links are left out: the directory op
 * behind each is in {@link DirectoryLedger}'s rows already. A reader of its own on the admin thread, reading the
 * consent archive (the CONSENT records of cycles retention deleted, {@link io.dispatch.journal.ConsentArchive}) and
 * then the whole message journal: for audits, not traffic. The rows are the same before and after a deletion.
 */
public final class AddressConsentLedger
{
    private static final String[] CHANNELS = {"all", "sms", "push", "chat", "talktalk", "messenger"};
    private static final int[] FLAGS = {ConsentFlags.AD, ConsentFlags.NIGHT_AD, ConsentFlags.OPTED_OUT};
    private static final String[] PURPOSES = {"ad", "night_ad", "opted_out"};

    private final Journal messages;

    public AddressConsentLedger(final Journal messages)
    {
        this.messages = messages;
    }

    /**
     * @param addresses only CONSENT frames for one of these addresses, or every one when null.
     * @param recipient the recipient id to put in the rows (the one the addresses belong to), or "".
     */
    public void export(final String tenant, final Set<String> addresses, final String recipient, final long fromMs,
        final long toMs, final Consumer<DirectoryLedger.Entry> out)
    {
        final byte[] name = tenant.getBytes(StandardCharsets.UTF_8);
        // the archive first: CONSENT records of cycles retention deleted, then the journal's after them
        messages.consentArchive().readAll(messages, (index, b, length) ->
        {
            if (length < 11 || b[0] != JournalRecord.TYPE_CONSENT || !sameTenant(b, name))
            {
                return;
            }
            final long atMs = i64(b, 1);
            final int body = 10 + name.length + 2;
            if (atMs < fromMs || atMs >= toMs || b[body + ConsentFrame.KIND_OFFSET] != ConsentFrame.CONSENT)
            {
                return;
            }
            final int addressLength = b[body + ConsentFrame.RECIPIENT_LENGTH_OFFSET] & 0xFF;
            final String address = new String(b, body + ConsentFrame.RECIPIENT_LENGTH_OFFSET + 1, addressLength,
                StandardCharsets.UTF_8);
            final int sourceAt = body + ConsentFrame.RECIPIENT_LENGTH_OFFSET + 1 + addressLength;
            final String source = new String(b, sourceAt + 1, b[sourceAt] & 0xFF, StandardCharsets.UTF_8);
            if ((addresses != null && !addresses.contains(address))
                || source.startsWith("directory:") || source.startsWith("directory-delete:"))
            {
                return;
            }
            final int channel = b[body] & 0xFF;
            final int set = u16(b, body + 2);
            final int clear = u16(b, body + 4);
            // every channel: TalkTalk friend on/off and Messenger consent come as CONSENT records of their channel
            for (int c = 1; c < CHANNELS.length; c++)
            {
                if (channel != 0 && channel != c)
                {
                    continue;
                }
                for (int f = 0; f < FLAGS.length; f++)
                {
                    if (((set | clear) & FLAGS[f]) == 0)
                    {
                        continue;
                    }
                    final boolean on = (set & FLAGS[f]) != 0;
                    final String action = FLAGS[f] == ConsentFlags.OPTED_OUT
                        ? (on ? "opt_out" : "opt_out_withdrawn") : (on ? "grant" : "withdraw");
                    out.accept(new DirectoryLedger.Entry("messages", index, atMs, atMs, recipient, address, CHANNELS[c],
                        PURPOSES[f], action, "", "CONSENT_FRAME", source));
                }
            }
        });
    }

    private static boolean sameTenant(final byte[] b, final byte[] name)
    {
        if ((b[9] & 0xFF) != name.length)
        {
            return false;
        }
        for (int i = 0; i < name.length; i++)
        {
            if (b[10 + i] != name[i])
            {
                return false;
            }
        }
        return true;
    }

    private static int u16(final byte[] b, final int at)
    {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static long i64(final byte[] b, final int at)
    {
        long v = 0;
        for (int i = 7; i >= 0; i--)
        {
            v = v << 8 | (b[at + i] & 0xFF);
        }
        return v;
    }
}
