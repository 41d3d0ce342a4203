package io.dispatch.protocol;

/**
 * Life-cycle states of a message as journaled and reported in STATUS_RESULT and RECEIPT frames.
 * Wire values are stable.
 *
 * <pre>
 * ACCEPTED ─▶ DISPATCHED ─▶ PROVIDER_ACCEPTED ─▶ DELIVERED
 *                 │   ▲            └──────────────▶ FAILED | EXPIRED
 *                 ▼   │ (retry with backoff)
 *               RETRYING ─▶ FAILED (budget exhausted: dead letter)
 *                 └───────▶ REJECTED (permanent, provider reason)
 * ACCEPTED ─▶ DEFERRED ─▶ DISPATCHED … (send-at, night window, rate limit)
 * ACCEPTED | DEFERRED ─▶ SUPPRESSED (policy reason) | CANCELLED | EXPIRED
 * </pre>
 */
public enum DeliveryState
{
    ACCEPTED(1, false),
    DISPATCHED(2, false),
    PROVIDER_ACCEPTED(3, false),
    RETRYING(4, false),
    DELIVERED(5, true),
    FAILED(6, true),
    EXPIRED(7, true),
    REJECTED(8, true),
    /** Held by the engine until a later instant (send-at, night window, rate limit); the reason says why. */
    DEFERRED(9, false),
    /** Not sent because of a policy (consent, opt-out, frequency cap, rate limit); the reason says which. */
    SUPPRESSED(10, true),
    /** Cancelled by the client before it was sent. */
    CANCELLED(11, true);

    private static final DeliveryState[] BY_CODE = new DeliveryState[12];

    static
    {
        for (final DeliveryState s : values())
        {
            BY_CODE[s.code] = s;
        }
    }

    private final byte code;
    private final boolean terminal;

    DeliveryState(final int code, final boolean terminal)
    {
        this.code = (byte)code;
        this.terminal = terminal;
    }

    public byte code()
    {
        return code;
    }

    public boolean isTerminal()
    {
        return terminal;
    }

    /** @return the state for a wire value, or null when the value is not a state. */
    public static DeliveryState of(final int code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
