package io.dispatch.protocol;

/**
 * What the engine's policies decided for a message, as reported by EXPLAIN_RESULT (the answer to a dry-run
 * SUBMIT). Wire values are stable.
 */
public enum Decision
{
    /** Would be handed to the channel's lane now. */
    SEND(0),
    /** Would be held until an instant (send-at, night window, rate limit). */
    DEFER(1),
    /** Would not be sent (consent, opt-out, frequency cap); the reason says which. */
    SUPPRESS(2),
    /** Would be refused with NACK RATE_LIMITED (marketing over a rate limit under a reject policy). */
    REFUSE(3),
    /** The idempotency key (or content) is a duplicate of an earlier message. */
    DUPLICATE(4);

    private static final Decision[] BY_CODE = values();

    private final byte code;

    Decision(final int code)
    {
        this.code = (byte)code;
    }

    public byte code()
    {
        return code;
    }

    /** @return the decision for a wire value, or null. */
    public static Decision of(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
