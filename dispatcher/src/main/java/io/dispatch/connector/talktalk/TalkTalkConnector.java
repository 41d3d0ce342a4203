package io.dispatch.connector.talktalk;

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
 * Type {@code talktalk}: sends through Naver TalkTalk's partner API ({@code POST /chatbot/v1/event}, one user per
 * request) and turns its webhook's user events into inbound events (consent, messages).
 * <pre>
 *  lane thread ── send: JSON event ──▶ event loop ── HTTP/1.1 pool ──▶ gw.talk.naver.com
 *                                        ▲   answer ─▶ onAccepted / onRejected / onFailed
 *  TalkTalk ── POST webhook (TLS) ───────┘   event  ─▶ InboundSink ─▶ 200 once journaled
 * </pre>
 * The API has no idempotency key, so a request that got no answer (timeout, connection lost after it was written)
 * may have reached the user: it is rejected with {@link Reason#PROVIDER_TIMEOUT} and lands in the dead letters for
 * a deliberate re-drive, never resent by the runtime's retries. A request that never reached the wire, or an answer
 * that says it was not taken (5xx, 429), is retried as usual. Nothing is logged per message.
 */
public final class TalkTalkConnector implements Connector
{
    private static final Logger LOG = LoggerFactory.getLogger(TalkTalkConnector.class);
    private static final int MAX_ANSWER_BYTES = 1 << 16;
    private static final int MAX_WEBHOOK_BYTES = 1 << 20;

    private final TalkTalkSettings settings;
    private final TalkTalkRequestWriter writer;
    private final ConnectorCounters counters = new ConnectorCounters();
    private final AtomicLong uncertain = new AtomicLong();
    private final TokenBucket rate;
    private ConnectorContext context;
    private EventLoopGroup group;
    private HttpClientTransport transport;
    private HttpReceiver webhook;
    private TalkTalkWebhookHandler webhookHandler;
    private HttpHeaders headers;

    TalkTalkConnector(final TalkTalkSettings settings)
    {
        this.settings = settings;
        this.writer = new TalkTalkRequestWriter(settings.notification());
        this.rate = new TokenBucket(settings.ratePerSecond(), 0, 0);
    }

    @Override
    public String version()
    {
        return "talktalk-1 (Naver TalkTalk chatbot API v1) " + settings;
    }

    @Override
    public void start(final ConnectorContext context) throws Exception
    {
        this.context = context;
        rate.configure(settings.ratePerSecond(), 0, context.clock().time());
        headers = new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, settings.authorization().reveal());
        group = LoopGroups.single("talktalk-" + context.laneName());
        try
        {
            transport = new HttpClientTransport(group.next(), settings.baseUrl(),
                ClientTls.forUrl(settings.baseUrl(), settings.trustCertFile()),
                settings.maxConnections(), settings.connectTimeoutMs(), settings.requestTimeoutMs(), MAX_ANSWER_BYTES);
            if (settings.webhookPort() != TalkTalkSettings.NO_WEBHOOK)
            {
                webhookHandler = new TalkTalkWebhookHandler(settings, context.inbound(), context.clock());
                webhook = HttpReceiver.startAsync(group, settings.webhookHost(), settings.webhookPort(),
                    settings.webhookTls(), MAX_WEBHOOK_BYTES, webhookHandler);
                LOG.info("event=talktalk_webhook_listening lane={} address={}:{} path={} tls={}",
                    context.laneName(), webhook.host(), webhook.port(), settings.webhookPath(), settings.webhookTls() != null);
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
            // over the configured rate: not sent, so the runtime may retry after the bucket refills
            counters.failed(Reason.PROVIDER_THROTTLED, -1);
            callback.onFailed(request, Reason.PROVIDER_THROTTLED, Math.max(1, rate.waitMs(nowMs)));
            return;
        }
        counters.sent();
        transport.post(settings.eventPath(), headers, writer.body(), new Answer(request, callback, System.nanoTime()));
    }

    @Override
    public void writeMetrics(final MetricsWriter out)
    {
        counters.write(out);
        out.counter("uncertain_total", "sends without an answer, rejected as PROVIDER_TIMEOUT instead of resent",
            uncertain.get());
        if (webhookHandler != null)
        {
            out.counter("webhook_events_total", "webhook events handed to the engine", webhookHandler.events.get());
            out.counter("webhook_consent_changes_total", "friend on/off and leave events", webhookHandler.consentChanges.get());
            out.counter("webhook_refused_total", "webhook calls refused (path, method or body)", webhookHandler.refused.get());
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

    /** The bound webhook port (useful when configured as 0), or -1 when the webhook is off. */
    public int webhookPort()
    {
        return webhook == null ? -1 : webhook.port();
    }

    long uncertainCount()
    {
        return uncertain.get();
    }

    ConnectorCounters counters()
    {
        return counters;
    }

    /** Interprets the API's answer to one send; runs on the event loop. */
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
            if (HttpAnswers.settleByStatus(status, headers, context.clock(), this))
            {
                return;
            }
            final Object json;
            try
            {
                json = Json.parse(body);
            }
            catch (final IllegalArgumentException ex)
            {
                // 2xx with an unreadable body: it may have been shown; not resent (see the class comment)
                if (HttpAnswers.isSuccess(status))
                {
                    uncertain.incrementAndGet();
                    rejected(Reason.PROVIDER_ERROR);
                }
                else
                {
                    rejected(Reason.CONTENT_REJECTED);
                }
                return;
            }
            final Object code = Json.member(json, "resultCode");
            if (!(code instanceof String c))
            {
                rejected(HttpAnswers.isSuccess(status) ? Reason.PROVIDER_ERROR : Reason.CONTENT_REJECTED);
                return;
            }
            final TalkTalkResultCodes.Mapping m = TalkTalkResultCodes.classify(c);
            if (m.verdict() == TalkTalkResultCodes.Verdict.ACCEPTED && Boolean.TRUE.equals(Json.member(json, "success")))
            {
                counters.accepted(System.nanoTime() - startNs);
                callback.onAccepted(request);
            }
            else if (m.verdict() == TalkTalkResultCodes.Verdict.FAILED)
            {
                failed(m.reason(), 0);
            }
            else
            {
                rejected(m.verdict() == TalkTalkResultCodes.Verdict.ACCEPTED ? Reason.PROVIDER_ERROR : m.reason());
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
}
