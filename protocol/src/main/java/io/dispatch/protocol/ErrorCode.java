package io.dispatch.protocol;

/**
 * Error codes carried by NACK and ERROR frames. The numbers are part of the protocol: never renumber,
 * only add. {@link #retriable()} tells a client whether the same request may succeed later unchanged.
 */
public enum ErrorCode
{
    MALFORMED_FRAME(1, false),
    FRAME_TOO_LARGE(2, false),
    UNSUPPORTED_VERSION(3, false),
    UNKNOWN_MESSAGE_TYPE(4, false),
    NOT_AUTHENTICATED(5, false),
    AUTH_FAILED(6, false),
    ALREADY_AUTHENTICATED(7, false),
    INVALID_FIELD(10, false),
    UNKNOWN_TEMPLATE(11, false),
    UNSUPPORTED_FEATURE(12, false),
    /** A directory op would add a recipient beyond {@code directory.maxRecipients}; the operator must raise it. */
    DIRECTORY_FULL(13, false),
    CREDIT_EXCEEDED(20, true),
    BACKPRESSURE(21, true),
    SHUTTING_DOWN(22, true),
    /** Marketing over a rate limit under the tenant's reject policy: retry later. */
    RATE_LIMITED(23, true),
    NOT_FOUND(30, false),
    STATUS_EVICTED(31, false),
    JOURNAL_FAILURE(40, true),
    /** The journal's disk is below {@code journal.minFreeBytes}: nothing journaled; retry once the operator frees space. */
    STORAGE_FULL(41, true),
    INTERNAL(99, true);

    private static final ErrorCode[] BY_CODE = new ErrorCode[100];

    static
    {
        for (final ErrorCode e : values())
        {
            BY_CODE[e.code] = e;
        }
    }

    private final int code;
    private final boolean retriable;

    ErrorCode(final int code, final boolean retriable)
    {
        this.code = code;
        this.retriable = retriable;
    }

    public int code()
    {
        return code;
    }

    public boolean retriable()
    {
        return retriable;
    }

    /** @return the code for a wire value, or {@link #INTERNAL} for a value this build does not know. */
    public static ErrorCode of(final int code)
    {
        final ErrorCode e = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        return e == null ? INTERNAL : e;
    }
}
