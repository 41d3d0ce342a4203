package io.dispatch.protocol;

/**
 * Why a message reached a state: carried with FAILED, REJECTED, EXPIRED and RETRYING. Stable numbers.
 * Provider-specific codes are mapped onto these by each connector.
 */
public enum Reason
{
    NONE(0),
    PROVIDER_UNAVAILABLE(1),
    PROVIDER_THROTTLED(2),
    PROVIDER_TIMEOUT(3),
    INVALID_RECIPIENT(10),
    RECIPIENT_UNREACHABLE(11),
    CONTENT_REJECTED(12),
    TEMPLATE_MISMATCH(13),
    OPTED_OUT(14),
    RETRIES_EXHAUSTED(20),
    TTL_EXPIRED(21),
    RECEIPT_TIMEOUT(22),
    NO_CONNECTOR(23),
    UNDELIVERABLE(30),
    PROVIDER_ERROR(31);

    private static final Reason[] BY_CODE = new Reason[64];

    static
    {
        for (final Reason r : values())
        {
            BY_CODE[r.code] = r;
        }
    }

    private final int code;

    Reason(final int code)
    {
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    public static Reason of(final int code)
    {
        final Reason r = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        return r == null ? PROVIDER_ERROR : r;
    }
}
