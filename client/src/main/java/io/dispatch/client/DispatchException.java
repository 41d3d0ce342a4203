package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;

import java.util.Objects;

/**
 * Why a request (or the connection attempt) failed. Futures of {@link DispatchClient} complete exceptionally
 * with it; {@link SubmitListener#onFailure} receives it.
 * <p>
 * {@link #kind()} says who decided: the engine ({@link Kind#NACK}, {@link Kind#ERROR}) or this client (the
 * other kinds). Client-side failures carry the closest protocol {@link #code()} so that code-only callers still
 * behave: {@link ErrorCode#BACKPRESSURE} for a full local queue, {@link ErrorCode#INTERNAL} (retriable) for
 * timeouts and connection loss. When {@link #retriable()} is true, resubmit with the <b>same idempotency key</b>:
 * if the first attempt was journaled after all, the engine answers it as a duplicate.
 * <p>
 * Immutable and thread-safe. Failures raised per request carry no stack trace (it would only show the I/O
 * thread); one instance may be shared by all the requests failed by the same event.
 */
public final class DispatchException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** Who decided that the request failed, and how. */
    public enum Kind
    {
        /** The engine answered NACK: the request was not accepted. */
        NACK,
        /** The engine sent an ERROR frame (connection-level problem, e.g. AUTH_FAILED at the handshake). */
        ERROR,
        /** Refused by this client before sending: local queue full, or frame above the engine's cap. */
        LOCAL,
        /** No answer within {@link ClientConfig#requestTimeoutMs()} (or the handshake timed out). */
        TIMEOUT,
        /** The connection dropped after the request was sent: the outcome is unknown. */
        CONNECTION_LOST,
        /** The client was closed before the request was sent or answered. */
        CLOSED
    }

    private final Kind kind;
    private final ErrorCode code;
    private final String detail;

    /**
     * @param kind   who decided.
     * @param code   the protocol code (the engine's, or the closest one for client-side failures).
     * @param detail human-readable detail.
     */
    public DispatchException(final Kind kind, final ErrorCode code, final String detail)
    {
        this(kind, code, detail, false);
    }

    DispatchException(final Kind kind, final ErrorCode code, final String detail, final boolean withStackTrace)
    {
        super(describe(kind, code, detail), null, false, withStackTrace);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.code = Objects.requireNonNull(code, "code");
        this.detail = detail == null ? "" : detail;
    }

    /** @return the protocol error code, never null. */
    public ErrorCode code()
    {
        return code;
    }

    /** @return the detail text (the engine's for NACK/ERROR), never null. */
    public String detail()
    {
        return detail;
    }

    /** @return who decided that the request failed. */
    public Kind kind()
    {
        return kind;
    }

    /** @return true when the connection dropped while the request was in flight (outcome unknown). */
    public boolean connectionLost()
    {
        return kind == Kind.CONNECTION_LOST;
    }

    /** @return true when the same request (same idempotency key) may succeed if submitted again. */
    public boolean retriable()
    {
        return kind == Kind.NACK || kind == Kind.ERROR ? code.retriable() : kind != Kind.LOCAL || code.retriable();
    }

    private static String describe(final Kind kind, final ErrorCode code, final String detail)
    {
        final String text = detail == null || detail.isEmpty() ? "" : ": " + detail;
        return kind + " " + code + " (" + code.code() + ")" + text;
    }
}
