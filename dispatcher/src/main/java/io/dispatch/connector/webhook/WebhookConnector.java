package io.dispatch.connector.webhook;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.Variables;
import io.dispatch.connector.http.ClientTls;
import io.dispatch.connector.http.HttpAnswers;
import io.dispatch.connector.http.HttpClientTransport;
import io.dispatch.connector.http.HttpResponseListener;
import io.dispatch.json.Json;
import io.dispatch.connector.http.LoopGroups;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Type {@code webhook}: POSTs each message as JSON to one URL, signed with HMAC-SHA256 over timestamp and
 * body, with the message id in a header for the receiver's dedup (delivery is at-least-once: a timeout is
 * retried by the runtime even if the receiver got the first try).
 * <p>
 * Outcomes: 2xx → accepted (and, with {@code deliveredOnAccept}, a DELIVERED receipt at once, since a receiver
 * sends no receipts of its own); 429 → throttled and 503 → unavailable, both with Retry-After; 408, other 5xx,
 * timeouts and connection failures → transient; 401/403 → PROVIDER_AUTH_FAILED, 410 → UNREGISTERED,
 * 413 → PAYLOAD_TOO_LARGE, other 4xx → CONTENT_REJECTED, all permanent.
 * <p>
 * Threading: {@link #send} on the lane thread builds and signs the body; one event loop thread owns the
 * connection pool and runs the answers. Nothing is logged per message; the secret never leaves the MAC.
 */
final class WebhookConnector implements Connector
{
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final WebhookSettings settings;
    private final WebhookSigner signer;
    private final StringBuilder json = new StringBuilder(512);
    private ConnectorContext context;
    private EventLoopGroup group;
    private HttpClientTransport transport;

    WebhookConnector(final WebhookSettings settings)
    {
        this.settings = settings;
        this.signer = new WebhookSigner(settings.secret());
    }

    @Override
    public String version()
    {
        return "webhook-1 (HMAC-SHA256 v1) " + settings;
    }

    @Override
    public void start(final ConnectorContext context) throws Exception
    {
        this.context = context;
        group = LoopGroups.single("webhook-" + context.laneName());
        try
        {
            transport = new HttpClientTransport(group.next(), settings.url(),
                ClientTls.forUrl(settings.url(), settings.trustCertFile()),
                settings.maxConnections(), settings.connectTimeoutMs(), settings.requestTimeoutMs(), MAX_ANSWER_BYTES);
        }
        catch (final Exception ex)
        {
            stop();
            throw ex;
        }
    }

    @Override
    public void send(final DeliveryRequest request, final DeliveryCallback callback)
    {
        final byte[] body;
        try
        {
            body = body(request);
        }
        catch (final RuntimeException ex)
        {
            // a body the runtime could not render (e.g. a template missing from this configuration): never retried
            callback.onRejected(request, Reason.CONTENT_REJECTED);
            return;
        }
        final long timestamp = context.clock().time() / 1000;
        final HttpHeaders headers = new DefaultHttpHeaders()
            .set(WebhookSigner.MESSAGE_ID_HEADER, Long.toString(request.messageId()))
            .set(WebhookSigner.ATTEMPT_HEADER, Integer.toString(request.attempt()))
            .set(WebhookSigner.TIMESTAMP_HEADER, Long.toString(timestamp))
            .set(WebhookSigner.SIGNATURE_HEADER, signer.sign(timestamp, body));
        transport.post(settings.path(), headers, body, new Answer(request, callback));
    }

    @Override
    public void stop()
    {
        if (transport != null)
        {
            transport.close();
        }
        LoopGroups.shutdown(group);
    }

    /** The JSON body; the message id is a string because 64-bit ids lose precision as JSON numbers in JavaScript. */
    private byte[] body(final DeliveryRequest request)
    {
        final StringBuilder out = json;
        out.setLength(0);
        out.append("{\"messageId\":\"").append(request.messageId()).append("\",\"tenant\":");
        Json.quote(out, request.tenant());
        out.append(",\"class\":\"").append(request.kind().name().toLowerCase(Locale.ROOT))
            .append("\",\"channel\":\"").append(request.channel().name().toLowerCase(Locale.ROOT))
            .append("\",\"attempt\":").append(request.attempt())
            .append(",\"recipient\":");
        Json.quote(out, request.recipient());
        out.append(",\"templateId\":");
        Json.quote(out, request.templateId());
        out.append(",\"text\":");
        Json.quote(out, request.text());
        out.append(",\"variables\":{");
        final Variables vars = request.vars();
        boolean first = true;
        while (vars.next())
        {
            if (!first)
            {
                out.append(',');
            }
            first = false;
            Json.quote(out, vars.name()).append(':');
            Json.quote(out, vars.value());
        }
        out.append("}}");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Maps the receiver's answer onto the three outcomes; runs on the event loop. */
    private final class Answer implements HttpResponseListener, HttpAnswers.Settle
    {
        private final DeliveryRequest request;
        private final DeliveryCallback callback;
        private final long messageId;

        Answer(final DeliveryRequest request, final DeliveryCallback callback)
        {
            this.request = request;
            this.callback = callback;
            this.messageId = request.messageId();
        }

        @Override
        public void onResponse(final int status, final HttpHeaders headers, final String body)
        {
            if (status >= 200 && status < 300)
            {
                callback.onAccepted(request);
                if (settings.deliveredOnAccept())
                {
                    context.receipts().onReceipt(messageId, DeliveryState.DELIVERED, Reason.NONE);
                }
                return;
            }
            if (HttpAnswers.settleByStatus(status, headers, context.clock(), this))
            {
                return;
            }
            if (status == 408)
            {
                callback.onFailed(request, Reason.PROVIDER_TIMEOUT, 0);
                return;
            }
            callback.onRejected(request, rejection(status));
        }

        @Override
        public void failed(final Reason reason, final long retryAfterMs)
        {
            callback.onFailed(request, reason, retryAfterMs);
        }

        @Override
        public void rejected(final Reason reason)
        {
            callback.onRejected(request, reason);
        }

        @Override
        public void onError(final Throwable cause, final boolean timedOut)
        {
            callback.onFailed(request, timedOut ? Reason.PROVIDER_TIMEOUT : Reason.PROVIDER_UNAVAILABLE, 0);
        }
    }

    static Reason rejection(final int status)
    {
        switch (status)
        {
            case 401:
            case 403:
                return Reason.PROVIDER_AUTH_FAILED;
            case 410:
                return Reason.UNREGISTERED;
            case 413:
                return Reason.PAYLOAD_TOO_LARGE;
            default:
                // other 4xx: the receiver refuses this message; 1xx/3xx: redirects are not followed, a setup error
                return status >= 400 && status < 500 ? Reason.CONTENT_REJECTED : Reason.PROVIDER_ERROR;
        }
    }
}
