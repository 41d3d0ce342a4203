package io.dispatch.protocol;

/** The class of a message: it drives lane priority and which policies apply. Wire values are stable. */
public enum MessageKind
{
    INFORMATIONAL(1),
    AUTH(2),
    MARKETING(3);

    private static final MessageKind[] BY_CODE = {null, INFORMATIONAL, AUTH, MARKETING};

    private final byte code;

    MessageKind(final int code)
    {
        this.code = (byte)code;
    }

    public byte code()
    {
        return code;
    }

    /** Informational and auth messages ride the priority queue of every lane. */
    public boolean isPriority()
    {
        return this != MARKETING;
    }

    /** @return the kind for a wire value, or null when the value is not a kind. */
    public static MessageKind of(final int code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    public static MessageKind parse(final String name)
    {
        return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
