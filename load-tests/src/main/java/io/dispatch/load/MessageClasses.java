package io.dispatch.load;

import io.dispatch.protocol.MessageKind;

import java.util.Locale;

/**
 * Message classes as dense indexes 0..{@link #COUNT}-1, for per-class arrays on the hot path (a class
 * travels as a small int, never as an enum lookup or a map key). <b>Threading:</b> stateless.
 */
public final class MessageClasses
{
    public static final int COUNT = MessageKind.values().length;
    private static final MessageKind[] BY_INDEX = MessageKind.values();

    private MessageClasses()
    {
    }

    public static int index(final MessageKind kind)
    {
        return kind.ordinal();
    }

    public static MessageKind kind(final int index)
    {
        return BY_INDEX[index];
    }

    /** @return e.g. {@code informational}: the name used in files, JSON and SLOs. */
    public static String name(final int index)
    {
        return BY_INDEX[index].name().toLowerCase(Locale.ROOT);
    }
}
