package io.dispatch.connector.http;

import io.netty.handler.codec.http.HttpHeaders;

/** The answer to one {@link HttpClientTransport#post}: exactly one method is called, once, on the transport's event loop. */
public interface HttpResponseListener
{
    /** The server answered; {@code body} is decoded as UTF-8 (empty when there was none). */
    void onResponse(int status, HttpHeaders headers, String body);

    /**
     * No answer: connect failure, connection lost, TLS failure, or no answer within the request timeout.
     *
     * @param timedOut true when the request timeout expired (the server may still have acted on it).
     */
    void onError(Throwable cause, boolean timedOut);

    /**
     * As {@link #onError(Throwable, boolean)}, saying whether the request was handed to a connection: when it was
     * not (no connection could be made, the transport was closed, the timeout expired while waiting for a
     * connection), the server never saw it and a resend cannot duplicate it. Connectors to APIs without an
     * idempotency key override this one.
     */
    default void onError(final Throwable cause, final boolean timedOut, final boolean written)
    {
        onError(cause, timedOut);
    }
}
