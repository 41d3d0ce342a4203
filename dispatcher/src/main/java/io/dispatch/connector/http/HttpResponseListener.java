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
}
