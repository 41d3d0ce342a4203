package io.dispatch.connector.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * One request on an {@link Http2ClientTransport} and the receiver of its answer. The subclass supplies
 * the headers and body and gets exactly one {@link #onResponse} or {@link #onError} per
 * {@link Http2Link#send}, on the link's event loop; it may then send itself again on the same link (a
 * resend after refreshing a credential). The fields below are the transport's bookkeeping for the
 * stream, touched only on the event loop.
 */
public abstract class Http2Request
{
    int streamId;
    long deadlineNs;
    int status;
    Http2Headers responseHeaders;
    ByteBuf responseBody;

    /**
     * @return the request headers, pseudo-headers included. Read on the event loop when the stream
     * opens; the object may be shared by many requests as long as nobody changes it.
     */
    protected abstract Http2Headers headers();

    /** @return the body; the transport writes a retained duplicate and never releases the original. */
    protected abstract ByteBuf body();

    /**
     * The server answered and ended the stream.
     *
     * @param body the response body, valid only during this call (empty when there was none).
     */
    protected abstract void onResponse(int status, Http2Headers headers, ByteBuf body);

    /**
     * No answer: connect or TLS failure, lost connection, stream reset, or no answer in time.
     *
     * @param timedOut true when the request timeout expired (the server may still have acted on it).
     */
    protected abstract void onError(Throwable cause, boolean timedOut);

    /** Clears the previous exchange's state before the request goes out (again). */
    final void reset()
    {
        streamId = 0;
        status = 0;
        responseHeaders = null;
        responseBody = null;
    }
}
