package io.dispatch.connector.fcm;

import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.http.Http2Link;
import io.dispatch.connector.http.Http2Request;
import io.dispatch.connector.push.Verdict;
import io.dispatch.protocol.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;

import java.nio.charset.StandardCharsets;

/**
 * One FCM send: its body, the stream permit it holds on a link, and its way to exactly one callback.
 * Answers arrive on the link's event loop; a 200 is mapped without reading the body, errors through
 * {@link FcmResults}. A 401 for our access token refreshes it and resends once on the same permit.
 */
final class FcmSend extends Http2Request
{
    private static final CharSequence RETRY_AFTER = "retry-after";

    private final FcmConnector connector;
    private final DeliveryRequest request;
    private final DeliveryCallback callback;
    private final ByteBuf body;
    private final Http2Link link;
    private final long startNs;
    private FcmConnector.Authorised authorised;
    private boolean mayRefresh = true;

    FcmSend(
        final FcmConnector connector, final DeliveryRequest request, final DeliveryCallback callback, final ByteBuf body,
        final Http2Link link,
        final long startNs)
    {
        this.connector = connector;
        this.request = request;
        this.callback = callback;
        this.body = body;
        this.link = link;
        this.startNs = startNs;
    }

    void go(final FcmConnector.Authorised authorised)
    {
        this.authorised = authorised;
        link.send(this);
    }

    @Override
    protected Http2Headers headers()
    {
        return authorised.headers();
    }

    @Override
    protected ByteBuf body()
    {
        return body;
    }

    @Override
    protected void onResponse(final int status, final Http2Headers headers, final ByteBuf answer)
    {
        if (status == 200)
        {
            finish(Verdict.ACCEPT);
            return;
        }
        final String text = answer.toString(StandardCharsets.UTF_8);
        if (mayRefresh && FcmResults.accessTokenRefused(status, text))
        {
            mayRefresh = false;
            connector.refused(authorised.token());
            connector.authorise(this);
            return;
        }
        Verdict verdict;
        try
        {
            final CharSequence retryAfter = headers.get(RETRY_AFTER);
            verdict = FcmResults.map(status, text, retryAfter == null ? null : retryAfter.toString(), connector.clock().time());
        }
        catch (final RuntimeException ex)
        {
            verdict = Verdict.fail(Reason.PROVIDER_ERROR, 0); // never lose the callback to a mapping bug
        }
        finish(verdict);
    }

    @Override
    protected void onError(final Throwable cause, final boolean timedOut)
    {
        finish(timedOut ? Verdict.fail(Reason.PROVIDER_TIMEOUT, 0) : FcmResults.failure(cause));
    }

    /** The send is over: give back the permit and the body, then make the one callback. */
    void finish(final Verdict verdict)
    {
        link.release();
        body.release();
        verdict.apply(request, callback, connector.receipts(), connector.counters(), System.nanoTime() - startNs);
    }
}
