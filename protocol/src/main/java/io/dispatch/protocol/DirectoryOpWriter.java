package io.dispatch.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes one recipient-directory operation in the {@link DirectoryOp} layout into a reusable buffer.
 * Start an op with one of the {@code begin}/op methods, add fields, then read {@link #buffer()} up to
 * {@link #length()}. The writer checks nothing: the engine validates every op and names the bad field.
 * <p>
 * <b>Note:</b> not thread-safe.
 */
public final class DirectoryOpWriter
{
    private byte[] b = new byte[256];
    private int length;
    private int fieldCountAt = -1;

    public DirectoryOpWriter upsert(final String recipientId)
    {
        return startProfile(DirectoryOp.UPSERT, recipientId);
    }

    public DirectoryOpWriter patch(final String recipientId)
    {
        return startProfile(DirectoryOp.PATCH, recipientId);
    }

    public DirectoryOpWriter delete(final String recipientId)
    {
        start(DirectoryOp.DELETE, recipientId);
        return this;
    }

    /** @param channel 0 = every channel, else a {@link ChannelType} code; flags 1 ad, 2 night ad, 4 opted out. */
    public DirectoryOpWriter consent(final String recipientId, final int channel, final int set, final int clear,
        final long atEpochMs, final String source)
    {
        start(DirectoryOp.CONSENT, recipientId);
        u8(channel);
        u16(set);
        u16(clear);
        i64(atEpochMs);
        str8(source);
        return this;
    }

    public DirectoryOpWriter optOut(final String senderNumber, final String phone, final boolean remove,
        final long atEpochMs, final String source)
    {
        start(DirectoryOp.OPT_OUT, senderNumber);
        str8(phone);
        u8(remove ? 1 : 0);
        i64(atEpochMs);
        str8(source);
        return this;
    }

    /** @param platform "apns" or "fcm" */
    public DirectoryOpWriter invalidateToken(final String platform, final String token)
    {
        start(DirectoryOp.INVALIDATE_TOKEN, platform);
        str8(token);
        return this;
    }

    public DirectoryOpWriter string(final String name, final String value)
    {
        field(DirectoryOp.STRING, name);
        final byte[] v = value.getBytes(StandardCharsets.UTF_8);
        u16(v.length);
        bytes(v);
        return this;
    }

    public DirectoryOpWriter integer(final String name, final long value)
    {
        field(DirectoryOp.INT, name);
        i64(value);
        return this;
    }

    public DirectoryOpWriter time(final String name, final long epochMs)
    {
        field(DirectoryOp.TIME, name);
        i64(epochMs);
        return this;
    }

    public DirectoryOpWriter addTag(final String tag)
    {
        field(DirectoryOp.TAG_ADD, tag);
        return this;
    }

    public DirectoryOpWriter removeTag(final String tag)
    {
        field(DirectoryOp.TAG_REMOVE, tag);
        return this;
    }

    public DirectoryOpWriter unset(final String name)
    {
        field(DirectoryOp.UNSET, name);
        return this;
    }

    public DirectoryOpWriter pushToken(final String platform, final String token)
    {
        field(DirectoryOp.PUSH_TOKEN, platform);
        str8(token);
        return this;
    }

    public DirectoryOpWriter removePushToken(final String platform, final String token)
    {
        field(DirectoryOp.PUSH_TOKEN_REMOVE, platform);
        str8(token);
        return this;
    }

    /** A consent change inside an UPSERT or PATCH. @param channel "sms", "push", "chat" or "all" */
    public DirectoryOpWriter consentField(final String channel, final int set, final int clear, final long atEpochMs,
        final String source)
    {
        field(DirectoryOp.CONSENT_FIELD, channel);
        u16(set);
        u16(clear);
        i64(atEpochMs);
        str8(source);
        return this;
    }

    public byte[] buffer()
    {
        return b;
    }

    public int length()
    {
        return length;
    }

    /** @return a copy of the encoded op. */
    public byte[] toBytes()
    {
        return Arrays.copyOf(b, length);
    }

    private DirectoryOpWriter startProfile(final byte op, final String recipientId)
    {
        start(op, recipientId);
        fieldCountAt = length;
        u8(0);
        return this;
    }

    private void start(final byte op, final String subject)
    {
        length = 0;
        fieldCountAt = -1;
        u8(op);
        str8(subject);
    }

    private void field(final byte type, final String name)
    {
        if (fieldCountAt < 0)
        {
            throw new IllegalStateException("fields belong to an UPSERT or PATCH");
        }
        b[fieldCountAt]++;
        u8(type);
        str8(name);
    }

    private void str8(final String s)
    {
        final byte[] v = s.getBytes(StandardCharsets.UTF_8);
        u8(v.length);
        bytes(v);
    }

    private void bytes(final byte[] v)
    {
        ensure(v.length);
        System.arraycopy(v, 0, b, length, v.length);
        length += v.length;
    }

    private void u8(final int v)
    {
        ensure(1);
        b[length++] = (byte)v;
    }

    private void u16(final int v)
    {
        ensure(2);
        b[length++] = (byte)v;
        b[length++] = (byte)(v >>> 8);
    }

    private void i64(final long v)
    {
        ensure(8);
        for (int i = 0; i < 8; i++)
        {
            b[length++] = (byte)(v >>> (8 * i));
        }
    }

    private void ensure(final int more)
    {
        if (length + more > b.length)
        {
            b = Arrays.copyOf(b, Math.max(b.length * 2, length + more));
        }
    }
}
