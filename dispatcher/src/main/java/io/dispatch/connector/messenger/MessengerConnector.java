package io.dispatch.connector.messenger;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.ConnectorCounters;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.MetricsWriter;
import io.dispatch.connector.http.ClientTls;
import io.dispatch.connector.http.HttpAnswers;
import io.dispatch.connector.http.HttpClientTransport;
import io.dispatch.connector.http.HttpReceiver;
import io.dispatch.connector.http.HttpResponseListener;
import io.dispatch.connector.http.LoopGroups;
import io.dispatch.connector.http.RequestWriter;
import io.dispatch.connector.http.RetryAfter;
import io.dispatch.json.Json;
import io.dispatch.protocol.Reason;
import io.dispatch.util.TokenBucket;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Type {@code messenger}: sends through Meta's Messenger Send API ({@code POST /<version>/<pageId>/messages}) for one
 * Page and turns its signed webhook's events into inbound events.
 * <pre>
 *  lane thread ── send: JSON ──▶ event loop ── HTTP/1.1 pool ──▶ graph.facebook.com
 *                                  ▲   answer ─▶ onAccepted / onRejected / onFailed
 *  Meta ── POST webhook (signed) ──┘   events ─▶ InboundSink ─▶ 200 once journaled
 * </pre>
 * The Page's rate (300 calls/s, Meta's figure; {@code ratePerSecond}) is kept locally: a send over it fails as
 * throttled without a request. As for TalkTalk, the Send API has no idempotency key: a request that got no answer
 * may have been delivered, so it is rejected with {@link Reason#PROVIDER_TIMEOUT} (dead letters, deliberate re-drive)
 * instead of resent. Nothing is logged per message.
 */
public final class MessengerConnector implements Connector
{
    private static final Logger LOG = LoggerFactory.getLogger(MessengerConnector.class);
    private static final int MAX_ANSWER_BYTES = 1 << 16;
    private static final int MAX_WEBHOOK_BYTES = 1 << 20;
    /** Sent messages remembered for replies: about a day of a busy Page's answers to users at a few per minute. */
    static final int REPLY_CORRELATION_CAPACITY = 65_536;

    private final MessengerSettings settings;
    private final MessengerRequestWriter writer;
    private final ConnectorCounters counters = new ConnectorCounters();
    private final AtomicLong uncertain = new AtomicLong();
    private final TokenBucket rate;
    private ConnectorContext context;
    private EventLoopGroup group;
    private HttpClientTransport transport;
    private HttpReceiver webhook;
    private MessengerWebhookHandler webhookHandler;
    private HttpHeaders headers;
    /** Our message id by Meta's message id, for the {@code reply_to} of user messages; event loop only. */
    private final java.util.LinkedHashMap<String, Long> sentByMid = new java.util.LinkedHashMap<>(1024, 0.75f, false)
    {
        @Override
        protected boolean removeEldestEntry(final java.util.Map.Entry<String, Long> eldest)
        {
            return size() > REPLY_CORRELATION_CAPACITY;
        }
    };

    MessengerConnector(final MessengerSettings settings)
    {
        this.settings = settings;
        this.writer = new MessengerRequestWriter(settings);
        this.rate = new TokenBucket(settings.ratePerSecond(), 0, 0);
    }

    @Override
    public String version()
    {
        return "messenger-1 (Messenger Platform Send API " + settings.apiVersion() + ") " + settings;
    }

    @Override
    public void start(final ConnectorContext context) throws Exception
    {
        this.context = context;
        rate.configure(settings.ratePerSecond(), 0, context.clock().time());
        // the token as a bearer header rather than ?access_token=, so it is in no URL a proxy may log
        headers = new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + settings.pageAccessToken().reveal());
        group = LoopGroups.single("messenger-" + context.laneName());
        try
        {
            transport = new HttpClientTransport(group.next(), settings.baseUrl(),
                ClientTls.forUrl(settings.baseUrl(), settings.trustCertFile()),
                settings.maxConnections(), settings.connectTimeoutMs(), settings.requestTimeoutMs(), MAX_ANSWER_BYTES);
            if (settings.webhookPort() != MessengerSettings.NO_WEBHOOK)
            {
                // the webhook runs on the same single event loop as the answers, so the map needs no lock
                webhookHandler = new MessengerWebhookHandler(settings, context.inbound(), context.clock(),
                    mid -> sentByMid.getOrDefault(mid, 0L));
                webhook = HttpReceiver.startAsync(group, settings.webhookHost(), settings.webhookPort(),
                    settings.webhookTls(), MAX_WEBHOOK_BYTES, webhookHandler);
                LOG.info("event=messenger_webhook_listening lane={} page={} address={}:{} path={} tls={}",
                    context.laneName(), settings.pageId(), webhook.host(), webhook.port(), settings.webhookPath(),
                    settings.webhookTls() != null);
            }
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
        if (!RequestWriter.writeOrReject(writer, request, callback, counters))
        {
            return;
        }
        final long nowMs = context.clock().time();
        if (!rate.tryTake(nowMs))
        {
            counters.failed(Reason.PROVIDER_THROTTLED, -1);
            callback.onFailed(request, Reason.PROVIDER_THROTTLED, Math.max(1, rate.waitMs(nowMs)));
            return;
        }
        counters.sent();
        transport.post(settings.messagesPath(), headers, writer.body(), new Answer(request, callback, System.nanoTime()));
    }

    @Override
    public void writeMetrics(final MetricsWriter out)
    {
        counters.write(out);
        out.counter("uncertain_total", "sends without an answer, rejected as PROVIDER_TIMEOUT instead of resent",
            uncertain.get());
        if (webhookHandler != null)
        {
            out.counter("webhook_events_total", "webhook messaging events handed to the engine", webhookHandler.events.get());
            out.counter("webhook_bad_signature_total", "webhook calls refused 403: X-Hub-Signature-256 missing or wrong",
                webhookHandler.badSignatures.get());
            out.counter("webhook_refused_total", "webhook calls refused (path, method, body or subscription check)",
                webhookHandler.refused.get());
            out.counter("webhook_other_page_total", "webhook entries for another Page, ignored", webhookHandler.otherPages.get());
        }
    }

    @Override
    public void stop()
    {
        if (webhook != null)
        {
            webhook.close();
        }
        if (transport != null)
        {
            transport.close();
        }
        LoopGroups.shutdown(group);
    }

    public int webhookPort()
    {
        return webhook == null ? -1 : webhook.port();
    }

    long uncertainCount()
    {
        return uncertain.get();
    }

    long badSignatures()
    {
        return webhookHandler == null ? 0 : webhookHandler.badSignatures.get();
    }

    ConnectorCounters counters()
    {
        return counters;
    }

    /** Interprets the Send API's answer to one send; runs on the event loop. */
    private final class Answer implements HttpResponseListener, HttpAnswers.Settle
    {
        private final DeliveryRequest request;
        private final DeliveryCallback callback;
        private final long startNs;

        Answer(final DeliveryRequest request, final DeliveryCallback callback, final long startNs)
        {
            this.request = request;
            this.callback = callback;
            this.startNs = startNs;
        }

        @Override
        public void onResponse(final int status, final HttpHeaders headers, final String body)
        {
            Object json = null;
            try
            {
                json = Json.parse(body);
            }
            catch (final IllegalArgumentException ex)
            {
                // no JSON: decided by the status alone below
            }
            final Object error = Json.member(json, "error");
            if (status >= 200 && status < 300 && error == null)
            {
                final String mid = Json.string(json, "message_id");
                if (mid != null)
                {
                    sentByMid.put(mid, request.messageId());
                    counters.accepted(System.nanoTime() - startNs);
                    callback.onAccepted(request);
                }
                else
                {
                    // 2xx without a message id: it may have been delivered; not resent
                    uncertain.incrementAndGet();
                    rejected(Reason.PROVIDER_ERROR);
                }
                return;
            }
            if (error != null)
            {
                final MessengerErrors.Mapping m = MessengerErrors.classify(
                    number(Json.member(error, "code")), number(Json.member(error, "error_subcode")));
                final long retryAfterMs = RetryAfter.toMs(headers.get(HttpHeaderNames.RETRY_AFTER), context.clock().time());
                switch (m.verdict())
                {
                    case THROTTLED:
                    case FAILED:
                        failed(m.reason(), retryAfterMs);
                        return;
                    default:
                        rejected(m.reason());
                        return;
                }
            }
            if (status == 429)
            {
                failed(Reason.PROVIDER_THROTTLED, RetryAfter.toMs(headers.get(HttpHeaderNames.RETRY_AFTER), context.clock().time()));
            }
            else if (status >= 500)
            {
                failed(Reason.PROVIDER_UNAVAILABLE, 0);
            }
            else if (status == 401 || status == 403)
            {
                rejected(Reason.PROVIDER_AUTH_FAILED);
            }
            else
            {
                rejected(Reason.CONTENT_REJECTED);
            }
        }

        @Override
        public void onError(final Throwable cause, final boolean timedOut)
        {
            onError(cause, timedOut, true);
        }

        @Override
        public void onError(final Throwable cause, final boolean timedOut, final boolean written)
        {
            HttpAnswers.settleUnansweredWithoutResend(timedOut, written, uncertain, this);
        }

        @Override
        public void rejected(final Reason reason)
        {
            counters.rejected(reason, System.nanoTime() - startNs);
            callback.onRejected(request, reason);
        }

        @Override
        public void failed(final Reason reason, final long retryAfterMs)
        {
            counters.failed(reason, System.nanoTime() - startNs);
            callback.onFailed(request, reason, retryAfterMs);
        }
    }

    private static long number(final Object value)
    {
        if (value instanceof Long l)
        {
            return l;
        }
        if (value instanceof Double d)
        {
            return d.longValue();
        }
        return -1;
    }
}
