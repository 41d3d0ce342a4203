package io.dispatch.directory;

import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.SubmitDescriptor;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One tenant's recipient directory: recipients by ordinal (assigned in apply order, never reused), columns
 * of attributes, addresses and consent, and the bitmap indexes the {@link Segment} predicates evaluate on.
 * Layout and sizes: docs/design/directory-store.md. The read methods used by the campaign fan-out and the
 * consent mirror ({@link #recipientId}, {@link #address}, {@link #addresses}, {@link #consentFlags},
 * {@link #optedOut}, {@link #attributeText}) do not allocate.
 * <p>
 * <b>Note:</b> not thread-safe: written and read by the engine's directory thread only.
 */
public final class TenantDirectory
{
    static final int GENDER = 0;
    static final int BIRTH_YEAR = 1;
    static final int REGION = 2;
    static final int LAST_VISIT = 3;
    static final int LAST_PURCHASE = 4;
    static final int PHONE = 5;
    static final int CHAT_KEY = 6;
    /** Upper bound of what {@link #addresses} writes: one SUBMIT recipient per push token. */
    public static final int MAX_ADDRESSES_LENGTH = PushTokens.MAX_TOKENS * (1 + SubmitDescriptor.MAX_RECIPIENT_LENGTH);

    final ByteArena arena = new ByteArena();
    final IdIndex ids = new IdIndex(arena);
    final RoaringBitmap live = new RoaringBitmap();
    final List<Attribute> attributes = new ArrayList<>();
    final Map<String, Attribute> attributesByName = new HashMap<>();
    private final ByteKeyMap<Attribute> attributesByBytes = new ByteKeyMap<>();
    final Tags tags = new Tags();
    final ConsentStore consent = new ConsentStore();
    final PushTokens push = new PushTokens(arena);
    final OptOuts optOuts = new OptOuts();
    int nextOrdinal;

    TenantDirectory()
    {
        addAttribute("gender", DirectoryOp.STRING);
        addAttribute("birth_year", DirectoryOp.INT);
        addAttribute("region", DirectoryOp.STRING);
        addAttribute("last_visit", DirectoryOp.TIME);
        addAttribute("last_purchase", DirectoryOp.TIME);
        attributes.add(new AddressAttribute(PHONE, "phone", arena));
        attributes.add(new AddressAttribute(CHAT_KEY, "chat_key", arena));
        register(attributes.get(PHONE));
        register(attributes.get(CHAT_KEY));
    }

    /** Live recipients. */
    public int size()
    {
        return live.getCardinality();
    }

    /** @return the recipient's ordinal, or -1 when unknown or deleted. */
    public int ordinal(final byte[] id, final int offset, final int length)
    {
        return ids.find(id, offset, length);
    }

    /** Ordinals of the live recipients; do not mutate. */
    public RoaringBitmap live()
    {
        return live;
    }

    /** @throws SegmentException with the position and what was expected when the expression is not valid here. */
    public Segment compile(final String expression) throws SegmentException
    {
        return new SegmentParser(expression, this).parse();
    }

    /** @return a new bitmap of the live recipients the segment selects at {@code nowEpochMs}; the caller owns it. */
    public RoaringBitmap evaluate(final Segment segment, final long nowEpochMs)
    {
        return segment.root().evaluate(this, nowEpochMs, live);
    }

    /** @return bytes of the recipient id written at {@code at}, or -1 when they do not fit. */
    public int recipientId(final int ordinal, final byte[] dst, final int at)
    {
        return ids.copyId(ordinal, dst, at);
    }

    /**
     * The address to send to on a channel: 1 sms the phone; 2 push the first valid token as "apns:token" or
     * "fcm:token"; 3 chat the chat key, else the phone (Kakao AlimTalk addresses a phone number). TalkTalk and
     * Messenger address a user id the platform gives (only in its webhook), so the directory has none: a SUBMIT
     * names it directly, and directory consent stays sms, push and chat; consent on those channels comes from
     * their webhooks and CONSENT frames.
     * @return bytes written, 0 when not reachable on the channel, -1 when it does not fit.
     */
    public int address(final int ordinal, final int channel, final byte[] dst, final int at)
    {
        switch (channel)
        {
            case 1:
                return addressText(PHONE, ordinal, dst, at);
            case 2:
                return push.firstValid(ordinal, dst, at);
            case 3:
                final int chat = addressText(CHAT_KEY, ordinal, dst, at);
                return chat != 0 ? chat : addressText(PHONE, ordinal, dst, at);
            default:
                return 0;
        }
    }

    /**
     * Every address a direct SUBMIT on the channel may name for the recipient, each as a u8 length and its bytes:
     * 1 sms the phone; 2 push each valid token as "apns:token" or "fcm:token"; 3 chat the chat key and the phone.
     * An address longer than a SUBMIT's recipient field cannot be named and is left out.
     * @return bytes written; {@code dst} needs {@link #MAX_ADDRESSES_LENGTH} bytes from {@code at}.
     */
    public int addresses(final int ordinal, final int channel, final byte[] dst, final int at)
    {
        switch (channel)
        {
            case 1:
                return addressEntry(PHONE, ordinal, dst, at);
            case 2:
                return push.validTokens(ordinal, dst, at);
            case 3:
                final int chat = addressEntry(CHAT_KEY, ordinal, dst, at);
                return chat + addressEntry(PHONE, ordinal, dst, at + chat);
            default:
                return 0;
        }
    }

    private int addressEntry(final int attributeId, final int ordinal, final byte[] dst, final int at)
    {
        final long ref = ((AddressAttribute)attributes.get(attributeId)).ref(ordinal);
        if (ref == 0 || arena.length(ref) > SubmitDescriptor.MAX_RECIPIENT_LENGTH)
        {
            return 0;
        }
        final int n = arena.copyTo(ref, dst, at + 1);
        dst[at] = (byte)n;
        return 1 + n;
    }

    private int addressText(final int attributeId, final int ordinal, final byte[] dst, final int at)
    {
        final Attribute a = attributes.get(attributeId);
        return a.isSet(ordinal) ? a.text(ordinal, dst, at) : 0;
    }

    /** The {@link io.dispatch.protocol.ConsentFlags} of the recipient on the channel (1..3); 0 when none. */
    public int consentFlags(final int ordinal, final int channel)
    {
        return consent.flags(ordinal, channel);
    }

    /** When the consent flags of the channel last changed (epoch ms), 0 when never. */
    public long consentAtMs(final int ordinal, final int channel)
    {
        return consent.atMs(ordinal, channel);
    }

    /** The source of the last consent change on the channel, or null. Allocates: for audits, not fan-out. */
    public String consentSource(final int ordinal, final int channel)
    {
        return consent.source(ordinal, channel);
    }

    /** @return whether the recipient's phone opted out of the sender number. */
    public boolean optedOut(final int ordinal, final byte[] sender, final int offset, final int length)
    {
        final AddressAttribute phone = (AddressAttribute)attributes.get(PHONE);
        final long ref = phone.ref(ordinal);
        return ref != 0
            && optOuts.contains(sender, offset, length, arena.chunk(ref), arena.dataAt(ref), arena.length(ref));
    }

    /** @return the attribute's id, -1 when the tenant has none of that name (reserved names always resolve). */
    public int attributeId(final String name)
    {
        final Attribute a = attributesByName.get(name);
        return a == null ? -1 : a.id;
    }

    /**
     * The value as template text: STRING as is, INT in decimal, TIME as the ISO date yyyy-MM-dd in Asia/Seoul.
     * @return bytes written, -1 when unset or it does not fit.
     */
    public int attributeText(final int ordinal, final int attributeId, final byte[] dst, final int at)
    {
        if (attributeId < 0 || attributeId >= attributes.size())
        {
            return -1;
        }
        return attributes.get(attributeId).text(ordinal, dst, at);
    }

    /** Heap held by the bitmap indexes (tags, equality, bit slices, consent), from Roaring's own accounting. */
    public long indexBytes()
    {
        long bytes = live.getLongSizeInBytes() + tags.sizeInBytes() + consent.sizeInBytes()
            + push.reachable().getLongSizeInBytes();
        for (final Attribute a : attributes)
        {
            bytes += a.sizeInBytes();
        }
        return bytes;
    }

    /** Bytes appended to the arena (ids, phones, chat keys, token lists, including replaced values). */
    public long arenaBytes()
    {
        return arena.usedBytes();
    }

    Attribute attribute(final String name)
    {
        return attributesByName.get(name);
    }

    /** By the ASCII name bytes of an op field, without allocating. */
    Attribute attribute(final byte[] b, final int offset, final int length)
    {
        return attributesByBytes.get(b, offset, length);
    }

    Attribute addAttribute(final String name, final byte type)
    {
        final int id = attributes.size();
        final Attribute a = type == DirectoryOp.STRING ? new StringAttribute(id, name) : new NumberAttribute(id, name, type);
        attributes.add(a);
        register(a);
        return a;
    }

    private void register(final Attribute a)
    {
        attributesByName.put(a.name, a);
        attributesByBytes.put(a.name.getBytes(java.nio.charset.StandardCharsets.US_ASCII), a);
    }

    int create(final byte[] b, final int offset, final int length)
    {
        final int ordinal = nextOrdinal++;
        ids.add(ordinal, b, offset, length);
        live.add(ordinal);
        return ordinal;
    }

    /** Drops what UPSERT replaces: attributes, tags, addresses. Consent stays. */
    void clearProfile(final int ordinal)
    {
        for (final Attribute a : attributes)
        {
            a.unset(ordinal);
        }
        tags.clear(ordinal);
        push.clear(ordinal);
    }

    void delete(final int ordinal)
    {
        clearProfile(ordinal);
        consent.clear(ordinal);
        ids.remove(ordinal);
        live.remove(ordinal);
    }
}
