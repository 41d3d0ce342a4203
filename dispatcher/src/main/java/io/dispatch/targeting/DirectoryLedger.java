package io.dispatch.targeting;

import io.dispatch.journal.Journal;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.DirectoryOp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Reads a tenant's recipients and their consent back from the directory journal, the record of truth (the live
 * directory is the targeting thread's alone): a recipient's profile as the journaled ops leave it, and the consent
 * ledger, every consent statement with its time, source and journal position, in journal order. A reader of its
 * own on the admin thread; a scan of the whole directory journal per call, so it is for audits, not for traffic.
 * <p>
 * Ledger rows: a {@code CONSENT} op is an event and gives a row for each flag it sets or clears, even one already
 * so (an explicit withdrawal is evidence in itself); consent fields of {@code UPSERT}/{@code PATCH} restate the CRM's
 * state and give a row only for a flag they change; {@code DELETE} withdraws what the recipient had;
 * {@code OPT_OUT} (a phone's opt-out of a sender number) belongs to the recipient whose phone it is at the time.
 */
public final class DirectoryLedger
{
    private static final String[] CHANNELS = {"all", "sms", "push", "chat"};
    private static final int[] FLAGS = {ConsentFlags.AD, ConsentFlags.NIGHT_AD, ConsentFlags.OPTED_OUT};
    private static final String[] PURPOSES = {"ad", "night_ad", "opted_out"};

    /**
     * One consent statement for one channel and purpose.
     *
     * @param journal      which journal holds it: "directory" (directory ops) or "messages" (CONSENT frames)
     * @param journalIndex the position of the record in that journal
     * @param recordedAtMs when the engine journaled it
     * @param atMs         when it happened (the op's own time, else when journaled)
     * @param recipient    the recipient id, empty for a phone no recipient had
     * @param address      the phone of a sender opt-out, else empty
     * @param channel      sms, push or chat
     * @param purpose      ad, night_ad, opted_out or sender_opt_out (then {@code sender} names the number)
     * @param action       grant or withdraw (for opted_out and sender_opt_out: opt_out or opt_out_withdrawn)
     * @param via          the op that carried it: CONSENT, UPSERT, PATCH, DELETE or OPT_OUT
     * @param source       the evidence the op gave (free text: a call, a form, an import)
     */
    public record Entry(String journal, long journalIndex, long recordedAtMs, long atMs, String recipient, String address,
        String channel, String purpose, String action, String sender, String via, String source)
    {
    }

    /** A recipient as the journal leaves it, with its ledger. */
    public static final class Profile
    {
        public final String id;
        public boolean exists;
        public final Map<String, String> attributes = new TreeMap<>();
        public final TreeSet<String> tags = new TreeSet<>();
        public final TreeSet<String> pushTokens = new TreeSet<>();
        public final TreeSet<String> invalidPushTokens = new TreeSet<>();
        /** Consent flags per channel code 1..3, with the time and source of their last change. */
        public final int[] consent = new int[4];
        public final long[] consentAtMs = new long[4];
        public final String[] consentSource = new String[4];
        public final List<Entry> ledger = new ArrayList<>();
        public long firstIndex = -1;
        public long lastIndex = -1;

        Profile(final String id)
        {
            this.id = id;
        }
    }

    private final Journal queue;

    public DirectoryLedger(final Journal queue)
    {
        this.queue = queue;
    }

    /** @return the recipient as the journal leaves it, null when the tenant's journal never named it. */
    public Profile show(final String tenant, final String recipientId)
    {
        final Profile p = new Profile(recipientId);
        final Replay replay = new Replay(tenant, recipientId, p, 0, Long.MAX_VALUE, p.ledger::add);
        queue.readAll(replay);
        return p.firstIndex < 0 ? null : p;
    }

    /**
     * Every consent statement of the tenant (or of one recipient) whose time is in [fromMs, toMs), in journal order.
     *
     * @return the number of rows given to {@code out}.
     */
    public long export(
        final String tenant, final String recipientId, final long fromMs, final long toMs, final Consumer<Entry> out)
    {
        final long[] count = {0};
        final Profile p = recipientId == null ? null : new Profile(recipientId);
        queue.readAll(new Replay(tenant, recipientId, p, fromMs, toMs, e ->
        {
            count[0]++;
            out.accept(e);
        }));
        return count[0];
    }

    /** Replays the OPS records of one tenant, following one recipient (profile and consent) or all (consent). */
    private static final class Replay implements Journal.DocumentVisitor
    {
        private final byte[] tenant;
        private final String only;
        private final Profile profile;
        private final long fromMs;
        private final long toMs;
        private final Consumer<Entry> out;
        private final DirectoryOp op = new DirectoryOp();
        /** Consent flags per followed recipient, 4 bits per channel code (the ConsentStore packing). */
        private final Map<String, Integer> flags = new HashMap<>();
        /** Following every recipient: who has which phone, for the sender opt-outs (a phone names the last one given it). */
        private final Map<String, String> recipientByPhone = new HashMap<>();
        private final Map<String, String> phoneByRecipient = new HashMap<>();
        private long index;
        private long recordedAtMs;

        Replay(final String tenant, final String only, final Profile profile, final long fromMs, final long toMs,
            final Consumer<Entry> out)
        {
            this.tenant = tenant.getBytes(StandardCharsets.UTF_8);
            this.only = only;
            this.profile = profile;
            this.fromMs = fromMs;
            this.toMs = toMs;
            this.out = out;
        }

        @Override
        public void onDocument(final long index, final byte[] b, final int length)
        {
            if (length < 10 || b[0] != DirectoryRecords.OPS || !isTenant(b))
            {
                return;
            }
            this.index = index;
            recordedAtMs = DirectoryRecords.i64(b, 1);
            int p = 10 + tenant.length;
            final int count = DirectoryRecords.u16(b, p);
            p += 2;
            for (int i = 0; i < count; i++)
            {
                final int opLength = DirectoryRecords.u16(b, p);
                if (op.wrap(b, p + 2, opLength).validate() == null)
                {
                    onOp();
                }
                p += 2 + opLength;
            }
        }

        private boolean isTenant(final byte[] b)
        {
            if (DirectoryRecords.u8(b, 9) != tenant.length)
            {
                return false;
            }
            for (int i = 0; i < tenant.length; i++)
            {
                if (b[10 + i] != tenant[i])
                {
                    return false;
                }
            }
            return true;
        }

        private void onOp()
        {
            final byte kind = op.op();
            if (kind == DirectoryOp.OPT_OUT)
            {
                onOptOut();
                return;
            }
            if (kind == DirectoryOp.INVALIDATE_TOKEN)
            {
                if (profile != null && profile.exists)
                {
                    final String token = new String(op.buffer(), op.tokenOffset(), op.tokenLength(), StandardCharsets.UTF_8);
                    final String named = op.subject() + ":" + token;
                    if (profile.pushTokens.remove(named))
                    {
                        profile.invalidPushTokens.add(named);
                        touched();
                    }
                }
                return;
            }
            final String id = op.subject();
            if (only != null && !only.equals(id))
            {
                return;
            }
            touched();
            switch (kind)
            {
                case DirectoryOp.UPSERT:
                case DirectoryOp.PATCH:
                    onProfile(id, kind == DirectoryOp.UPSERT);
                    break;
                case DirectoryOp.DELETE:
                    final int before = flags.getOrDefault(id, 0);
                    for (int c = 1; c <= 3; c++)
                    {
                        // deleting a member ends their consent; an opt-out outlives the profile (docs/design/directory.md)
                        final int held = before >>> (c * 4) & (ConsentFlags.AD | ConsentFlags.NIGHT_AD);
                        statements(id, c, 0, held, held, recordedAtMs, "DELETE", "");
                    }
                    flags.remove(id);
                    phone(id, null);
                    if (profile != null)
                    {
                        clearProfile();
                        profile.exists = false;
                        java.util.Arrays.fill(profile.consent, 0);
                    }
                    break;
                case DirectoryOp.CONSENT:
                    final long at = op.consentAtEpochMs() == 0 ? recordedAtMs : op.consentAtEpochMs();
                    consent(id, op.consentChannel(), op.consentSet(), op.consentClear(), at, "CONSENT", op.source(), true);
                    if (profile != null)
                    {
                        profile.exists = true;
                    }
                    break;
                default:
                    break;
            }
        }

        private void touched()
        {
            if (profile != null)
            {
                if (profile.firstIndex < 0)
                {
                    profile.firstIndex = index;
                }
                profile.lastIndex = index;
            }
        }

        private void onProfile(final String id, final boolean upsert)
        {
            if (profile != null)
            {
                if (upsert)
                {
                    clearProfile();
                }
                profile.exists = true;
            }
            final String via = upsert ? "UPSERT" : "PATCH";
            if (upsert)
            {
                phone(id, null);
            }
            op.resetFields();
            byte type;
            while ((type = op.nextField()) != 0)
            {
                if (profile == null && op.nameIs("phone") && (type == DirectoryOp.STRING || type == DirectoryOp.UNSET))
                {
                    phone(id, type == DirectoryOp.STRING ? op.stringValue() : null);
                }
                if (type == DirectoryOp.CONSENT_FIELD)
                {
                    final long at = op.longValue() == 0 ? recordedAtMs : op.longValue();
                    consent(id, op.fieldConsentChannel(), op.fieldConsentSet(), op.fieldConsentClear(), at, via,
                        op.fieldConsentSource(), false);
                }
                else if (profile != null)
                {
                    profileField(type);
                }
            }
        }

        private void profileField(final byte type)
        {
            switch (type)
            {
                case DirectoryOp.STRING:
                    profile.attributes.put(op.name(), op.stringValue());
                    break;
                case DirectoryOp.INT:
                    profile.attributes.put(op.name(), Long.toString(op.longValue()));
                    break;
                case DirectoryOp.TIME:
                    profile.attributes.put(op.name(), java.time.Instant.ofEpochMilli(op.longValue()).toString());
                    break;
                case DirectoryOp.TAG_ADD:
                    profile.tags.add(op.name());
                    break;
                case DirectoryOp.TAG_REMOVE:
                    profile.tags.remove(op.name());
                    break;
                case DirectoryOp.UNSET:
                    profile.attributes.remove(op.name());
                    break;
                case DirectoryOp.PUSH_TOKEN:
                    profile.pushTokens.add(op.name() + ":" + op.stringValue());
                    profile.invalidPushTokens.remove(op.name() + ":" + op.stringValue());
                    break;
                case DirectoryOp.PUSH_TOKEN_REMOVE:
                    profile.pushTokens.remove(op.name() + ":" + op.stringValue());
                    profile.invalidPushTokens.remove(op.name() + ":" + op.stringValue());
                    break;
                default:
                    break;
            }
        }

        /** Following every recipient: {@code id} has {@code phone} now (null: none). */
        private void phone(final String id, final String phone)
        {
            if (profile != null)
            {
                return;
            }
            final String old = phone == null ? phoneByRecipient.remove(id) : phoneByRecipient.put(id, phone);
            if (old != null && id.equals(recipientByPhone.get(old)))
            {
                recipientByPhone.remove(old);
            }
            if (phone != null)
            {
                recipientByPhone.put(phone, id);
            }
        }

        private void clearProfile()
        {
            // UPSERT replaces attributes, tags and addresses, and keeps the consent
            profile.attributes.clear();
            profile.tags.clear();
            profile.pushTokens.clear();
            profile.invalidPushTokens.clear();
        }

        /** Applies set/clear to the channel (0 = every channel) and writes the ledger rows. */
        private void consent(final String id, final int channel, final int set, final int clear, final long atMs,
            final String via, final String source, final boolean event)
        {
            int all = flags.getOrDefault(id, 0);
            for (int c = 1; c <= 3; c++)
            {
                if (channel != 0 && channel != c)
                {
                    continue;
                }
                final int before = all >>> (c * 4) & 0xF;
                final int after = (before | set) & ~clear & ConsentFlags.ALL;
                all = all & ~(0xF << (c * 4)) | after << (c * 4);
                // an event states every flag it names; a restated field only the flags it changes
                statements(id, c, after, event ? set | clear : before ^ after, before, atMs, via, source);
                if (profile != null)
                {
                    profile.consent[c] = after;
                    profile.consentAtMs[c] = atMs;
                    profile.consentSource[c] = source;
                }
            }
            flags.put(id, all);
        }

        private void statements(final String id, final int channel, final int after, final int named, final int before,
            final long atMs, final String via, final String source)
        {
            if (named == 0 || atMs < fromMs || atMs >= toMs)
            {
                return;
            }
            for (int f = 0; f < FLAGS.length; f++)
            {
                if ((named & FLAGS[f]) == 0)
                {
                    continue;
                }
                final boolean on = (after & FLAGS[f]) != 0;
                final String action = FLAGS[f] == ConsentFlags.OPTED_OUT
                    ? (on ? "opt_out" : "opt_out_withdrawn") : (on ? "grant" : "withdraw");
                out.accept(new Entry("directory", index, recordedAtMs, atMs, id, "", CHANNELS[channel], PURPOSES[f], action, "",
                    via, source));
            }
        }

        private void onOptOut()
        {
            final String phone = new String(op.buffer(), op.phoneOffset(), op.phoneLength(), StandardCharsets.UTF_8);
            final String recipient;
            if (profile != null)
            {
                // a phone's opt-out of a sender belongs to the followed recipient while that phone is theirs
                if (!profile.exists || !phone.equals(profile.attributes.get("phone")))
                {
                    return;
                }
                recipient = profile.id;
                touched();
            }
            else
            {
                recipient = recipientByPhone.getOrDefault(phone, "");
            }
            final long at = op.optOutAtEpochMs() == 0 ? recordedAtMs : op.optOutAtEpochMs();
            if (at >= fromMs && at < toMs)
            {
                out.accept(new Entry("directory", index, recordedAtMs, at, recipient, phone, "sms", "sender_opt_out",
                    op.optOutRemoved() ? "opt_out_withdrawn" : "opt_out", op.subject(), "OPT_OUT", op.source()));
            }
        }
    }
}
