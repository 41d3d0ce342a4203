package io.dispatch.protocol;

/** The delivery channel a message asks for. Wire values are stable. */
public enum ChannelType
{
    SMS(1),
    PUSH(2),
    CHAT(3),
    /** Naver TalkTalk: its own consent (friend on/off) and its own lane, apart from Kakao's CHAT. */
    TALKTALK(4),
    /** Facebook Messenger: its own consent, conversation window and lane. */
    MESSENGER(5);

    /** Size of an array indexed by channel code (0 unused or "every channel"). */
    public static final int CODES = 6;

    private static final ChannelType[] BY_CODE = {null, SMS, PUSH, CHAT, TALKTALK, MESSENGER};

    private final byte code;

    ChannelType(final int code)
    {
        this.code = (byte)code;
    }

    public byte code()
    {
        return code;
    }

    /** @return the channel for a wire value, or null when the value is not a channel. */
    public static ChannelType of(final int code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    public static ChannelType parse(final String name)
    {
        return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
