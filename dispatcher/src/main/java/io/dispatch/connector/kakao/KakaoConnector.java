package io.dispatch.connector.kakao;

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
import io.dispatch.connector.http.NhnResultWebhook;
import io.dispatch.connector.http.RequestWriter;
import io.dispatch.json.Json;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Type {@code kakao}: sends through an NHN Cloud KakaoTalk Bizmessage style relay (AlimTalk for
 * informational and auth messages, Brand Message for marketing) and turns its result webhooks into receipts.
 * <pre>
 *  lane thread ── send: build JSON ──▶ event loop ── HTTP/1.1 pool ──▶ relay
 *                                        ▲   answer ─▶ onAccepted / onRejected / onFailed
 *  relay ── POST result webhook ─────────┘   hooks  ─▶ ReceiptSink (DELIVERED / FAILED)
 * </pre>
 * One event loop thread per connector owns the connection pool, the webhook server and the result
 * correlation, so none of them needs locks. In-flight requests are capped by the lane window; at most
 * {@code maxConnections} are on the wire, the rest wait for a connection. Nothing is logged per message.
 */
public final class KakaoConnector implements Connector
{
    static final String SECRET_HEADER = "X-Secret-Key";
    static final String IDEMPOTENCY_HEADER = "X-NC-API-IDEMPOTENCY-KEY";
    private static final Logger LOG = LoggerFactory.getLogger(KakaoConnector.class);
    private static final int MAX_ANSWER_BYTES = 1 << 20;

    private final KakaoSettings settings;
    private final KakaoRequestWriter writer;
    private final ConnectorCounters counters = new ConnectorCounters();
    private ConnectorContext context;
    private EventLoopGroup group;
    private EventLoop loop;
    private HttpClientTransport transport;
    private HttpReceiver webhook;
    private KakaoWebhookHandler webhookHandler;
    private KakaoReceipts receipts;
    private KakaoBatcher batcher;
    private boolean stopped;

    KakaoConnector(final KakaoSettings settings)
    {
        this.settings = settings;
        this.writer = new KakaoRequestWriter(settings);
    }

    @Override
    public String version()
    {
        return "kakao-1 (NHN AlimTalk v2.3, Brand Message v1.0) " + settings;
    }

    @Override
    public void start(final ConnectorContext context) throws Exception
    {
        this.context = context;
        group = LoopGroups.single("kakao-" + context.laneName());
        loop = group.next();
        try
        {
            transport = new HttpClientTransport(loop, settings.baseUrl(),
                ClientTls.forUrl(settings.baseUrl(), settings.trustCertFile()),
                settings.maxConnections(), settings.connectTimeoutMs(), settings.requestTimeoutMs(), MAX_ANSWER_BYTES);
            receipts = new KakaoReceipts(context.receipts(), settings.correlationCapacity());
            final KakaoBatchLedger ledger = new KakaoBatchLedger(context.dataDir().resolve("kakao-batches"));
            final List<KakaoBatchLedger.Unsettled> leftOver = ledger.load(context.clock().time());
            if (!leftOver.isEmpty())
            {
                LOG.info("event=kakao_batches_unsettled lane={} batches={} their messages are sent again only after "
                    + "the relay lists which of them it took", context.laneName(), leftOver.size());
            }
            batcher = new KakaoBatcher(settings, loop, transport, receipts, context.receipts(), counters, context.clock(),
                ledger, this::sendAlone);
            loop.submit(() -> batcher.start(leftOver)).syncUninterruptibly();
            if (settings.webhookPort() != KakaoSettings.NO_WEBHOOK)
            {
                webhookHandler = new KakaoWebhookHandler(settings.webhookPath(), settings.webhookSignature(), receipts);
                webhook = HttpReceiver.start(group, settings.webhookHost(), settings.webhookPort(), null,
                    MAX_ANSWER_BYTES, webhookHandler);
                LOG.info("event=kakao_webhook_listening lane={} address={}:{} path={}",
                    context.laneName(), webhook.host(), webhook.port(), settings.webhookPath());
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
        // auth never waits for a batch (its own sending pool), nor an informational message outside a campaign
        final boolean alone = request.kind() == MessageKind.AUTH
            || request.kind() == MessageKind.INFORMATIONAL && request.campaignId() == 0;
        final KakaoMember member = new KakaoMember(request, callback, writer.path(), writer.head(), writer.recipient(),
            alone, alone || settings.batchSize() == 1 ? writer.body(request.tenant()) : null);
        counters.sent();
        loop.execute(() -> batcher.add(member));
    }

    /** A message in a request of its own; on the event loop. */
    private void sendAlone(final KakaoMember m)
    {
        final HttpHeaders headers = new DefaultHttpHeaders()
            .set(SECRET_HEADER, settings.secretKey().reveal())
            // the same key on every attempt: NHN answers -1005 to a repeat within 10 min instead of sending twice
            .set(IDEMPOTENCY_HEADER, Long.toString(m.messageId));
        receipts.onSending(m.messageId);
        transport.post(m.path, headers, m.single, new Answer(m.request, m.callback, m.messageId, System.nanoTime()));
    }

    @Override
    public void writeMetrics(final MetricsWriter out)
    {
        counters.write(out);
        if (receipts != null)
        {
            out.counter("webhook_results_total", "result webhooks received", receipts.results.get());
            out.counter("webhook_unmatched_total", "result webhooks for no message waiting", receipts.unmatched.get());
            out.counter("webhook_unconfirmed_total", "results 3005: sent, receipt unconfirmed", receipts.unconfirmed.get());
        }
        out.counter("webhook_refused_total", "webhook calls refused (bad signature, path or body)", webhookRefused());
        if (batcher != null)
        {
            out.counter("batch_requests_total", "batched send requests", batcher.requests.get());
            out.counter("batch_recipients_total", "recipients sent in batched requests", batcher.recipients.get());
            out.counter("batch_unsettled_total", "batches whose answer did not say which recipients the relay took",
                batcher.unsettledBatches.get());
            out.counter("batch_settled_total", "unsettled batches listed at the relay", batcher.settledBatches.get());
            out.counter("batch_resends_avoided_total", "messages answered accepted from an earlier batch, not sent again",
                batcher.resendsAvoided.get());
        }
    }

    @Override
    public void stop()
    {
        if (stopped)
        {
            return;
        }
        stopped = true;
        if (batcher != null)
        {
            // what waits for its linger is sent now, and answered if the relay answers soon: every send gets its outcome
            loop.submit(batcher::flushAll).awaitUninterruptibly(2_000);
            final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(5_000, settings.requestTimeoutMs()));
            while (batcher.inFlight.get() > 0 && System.nanoTime() < end)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
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

    long webhookResults()
    {
        return receipts.results.get();
    }

    long webhookUnmatched()
    {
        return receipts.unmatched.get();
    }

    long webhookUnconfirmed()
    {
        return receipts.unconfirmed.get();
    }

    long batchRequests()
    {
        return batcher.requests.get();
    }

    long batchUnsettled()
    {
        return batcher.unsettledBatches.get();
    }

    long batchResendsAvoided()
    {
        return batcher.resendsAvoided.get();
    }

    long webhookRefused()
    {
        return webhookHandler == null ? 0 : webhookHandler.refused.get();
    }

    /** Interprets the relay's answer to one send; runs on the event loop. */
    private final class Answer implements HttpResponseListener, HttpAnswers.Settle
    {
        private final DeliveryRequest request;
        private final DeliveryCallback callback;
        private final long messageId;
        private final long startNs;

        Answer(final DeliveryRequest request, final DeliveryCallback callback, final long messageId, final long startNs)
        {
            this.request = request;
            this.callback = callback;
            this.messageId = messageId;
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
                // 2xx with an unreadable body: unknown whether it was taken; the retry's idempotency key settles it
                if (HttpAnswers.isSuccess(status))
                {
                    failed(Reason.PROVIDER_ERROR, 0);
                }
                else
                {
                    rejected(Reason.CONTENT_REJECTED);
                }
                return;
            }
            final Object header = Json.member(json, "header");
            if (!Boolean.TRUE.equals(Json.member(header, "isSuccessful")) || !HttpAnswers.isSuccess(status))
            {
                final long code = NhnResultWebhook.integer(Json.member(header, "resultCode"), Long.MIN_VALUE);
                if (code == Long.MIN_VALUE)
                {
                    rejected(Reason.CONTENT_REJECTED);
                    return;
                }
                final KakaoResultCodes.Mapping m = KakaoResultCodes.classify((int)code);
                // a request-level failure that is not a known code means NHN refused the request's shape
                apply(m.verdict() == KakaoResultCodes.Verdict.REJECTED && m.reason() == Reason.PROVIDER_ERROR
                    ? new KakaoResultCodes.Mapping(KakaoResultCodes.Verdict.REJECTED, Reason.CONTENT_REJECTED) : m, null, -1);
                return;
            }
            final Object message = Json.member(json, "message");
            final Object results = Json.member(message, "sendResults");
            if (!(results instanceof List<?> list) || list.isEmpty())
            {
                failed(Reason.PROVIDER_ERROR, 0);
                return;
            }
            final Object first = list.get(0);
            final long code = NhnResultWebhook.integer(Json.member(first, "resultCode"), Long.MIN_VALUE);
            if (code == Long.MIN_VALUE)
            {
                failed(Reason.PROVIDER_ERROR, 0);
                return;
            }
            apply(KakaoResultCodes.classify((int)code),
                Json.string(message, "requestId"),
                NhnResultWebhook.integer(Json.member(first, "recipientSeq"), -1));
        }

        @Override
        public void onError(final Throwable cause, final boolean timedOut)
        {
            failed(timedOut ? Reason.PROVIDER_TIMEOUT : Reason.PROVIDER_UNAVAILABLE, 0);
        }

        private void apply(final KakaoResultCodes.Mapping m, final String requestId, final long recipientSeq)
        {
            switch (m.verdict())
            {
                case ACCEPTED:
                case UNCONFIRMED:
                    counters.accepted(System.nanoTime() - startNs);
                    callback.onAccepted(request);
                    receipts.onAnswered(messageId, true, requestId, recipientSeq);
                    break;
                case DELIVERED:
                    counters.accepted(System.nanoTime() - startNs);
                    callback.onAccepted(request);
                    receipts.onAnswered(messageId, true, requestId, recipientSeq);
                    context.receipts().onReceipt(messageId, DeliveryState.DELIVERED, Reason.NONE);
                    break;
                case THROTTLED:
                    failed(m.reason(), 0);
                    break;
                case FAILED:
                    failed(m.reason(), 0);
                    break;
                default:
                    rejected(m.reason());
            }
        }

        @Override
        public void rejected(final Reason reason)
        {
            counters.rejected(reason, System.nanoTime() - startNs);
            callback.onRejected(request, reason);
            receipts.onAnswered(messageId, false, null, -1);
        }

        @Override
        public void failed(final Reason reason, final long retryAfterMs)
        {
            counters.failed(reason, System.nanoTime() - startNs);
            callback.onFailed(request, reason, retryAfterMs);
            receipts.onAnswered(messageId, false, null, -1);
        }
    }
}
