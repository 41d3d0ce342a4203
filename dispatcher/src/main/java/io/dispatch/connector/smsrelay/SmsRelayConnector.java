package io.dispatch.connector.smsrelay;

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
import io.dispatch.json.Json;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Type {@code smsrelay}: sends SMS, LMS and MMS through an NHN Cloud SMS style HTTP relay and turns its result
 * webhooks into receipts.
 * <pre>
 *  lane thread ── plan (type, parts) ──▶ event loop ── [upload images] ── [look up] ── POST part… ──▶ relay
 *                                          ▲   answers ─▶ onAccepted / onRejected / onFailed
 *  relay ── POST result webhook ───────────┘   hooks   ─▶ ReceiptSink (DELIVERED / FAILED / EXPIRED)
 * </pre>
 * <b>Never resent blindly.</b> The relay has no idempotency key (its duplicate blocking is an optional console
 * setting over content, NHN SMS console guide), so before any attempt after the first the connector asks the relay whether a
 * request with the message's {@code recipientGroupingKey} exists ({@code GET …/sender/sms?recipientGroupingKey=}),
 * and sends only when it does not. A send that timed out is reported {@code PROVIDER_TIMEOUT}, which the runtime
 * marks uncertain (no fallback); the look-up settles the retry.
 * <p>
 * One event loop thread per connector owns the connection pool, the webhook server, the image cache and the result
 * correlation, so none of them needs locks. Nothing is logged per message.
 */
public final class SmsRelayConnector implements Connector
{
    static final String SECRET_HEADER = "X-Secret-Key";
    private static final Logger LOG = LoggerFactory.getLogger(SmsRelayConnector.class);
    private static final int MAX_ANSWER_BYTES = 1 << 20;
    private static final DateTimeFormatter NHN_TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.of("Asia/Seoul"));
    /** The look-up window around the message's acceptance; NHN searches at most one month (-4000). */
    private static final long LOOKUP_SLACK_MS = 10 * 60_000L;
    private static final long LOOKUP_MAX_MS = 29L * 86_400_000;

    private final SmsRelaySettings settings;
    private final SmsRelayRequestWriter writer;
    private final ConnectorCounters counters = new ConnectorCounters();
    private final AtomicLongArray sentByType = new AtomicLongArray(SmsType.values().length);
    private final AtomicLong lookupsFound = new AtomicLong();
    private final AtomicLong lookupsAbsent = new AtomicLong();
    private final AtomicLong uploads = new AtomicLong();
    private ConnectorContext context;
    private EventLoopGroup group;
    private EventLoop loop;
    private HttpClientTransport transport;
    private HttpReceiver webhook;
    private SmsRelayWebhookHandler webhookHandler;
    private SmsRelayReceipts receipts;
    private SmsImages images;
    private HttpHeaders headers;

    SmsRelayConnector(final SmsRelaySettings settings)
    {
        this.settings = settings;
        this.writer = new SmsRelayRequestWriter(settings);
    }

    @Override
    public String version()
    {
        return "smsrelay-1 (NHN Cloud SMS v3.0 shape) " + settings;
    }

    @Override
    public void start(final ConnectorContext context) throws Exception
    {
        this.context = context;
        headers = new DefaultHttpHeaders().set(SECRET_HEADER, settings.secretKey().reveal());
        // registered images live under <data.dir>/mms-images, where the admin API stores them (<data.dir>/connectors/<lane> is ours)
        final Path connectors = context.dataDir().toAbsolutePath().getParent();
        final Path imagesDir = settings.imagesDir() != null ? Path.of(settings.imagesDir())
            : (connectors == null || connectors.getParent() == null ? context.dataDir() : connectors.getParent())
                .resolve(SmsImageRoute.DIRECTORY);
        images = new SmsImages(imagesDir, settings.imagesAllowedDir() == null ? null : Path.of(settings.imagesAllowedDir()));
        group = LoopGroups.single("smsrelay-" + context.laneName());
        loop = group.next();
        try
        {
            transport = new HttpClientTransport(loop, settings.baseUrl(),
                ClientTls.forUrl(settings.baseUrl(), settings.trustCertFile()),
                settings.maxConnections(), settings.connectTimeoutMs(), settings.requestTimeoutMs(), MAX_ANSWER_BYTES);
            receipts = new SmsRelayReceipts(context.receipts(), settings.smsReceiptTimeoutMs(), settings.lmsReceiptTimeoutMs());
            loop.scheduleAtFixedRate(() -> receipts.expire(context.clock().time()), 1, 1, TimeUnit.SECONDS);
            if (settings.webhookPort() != SmsRelaySettings.NO_WEBHOOK)
            {
                webhookHandler = new SmsRelayWebhookHandler(settings.webhookPath(), settings.webhookSignature(), receipts);
                webhook = HttpReceiver.start(group, settings.webhookHost(), settings.webhookPort(), null,
                    MAX_ANSWER_BYTES, webhookHandler);
                LOG.info("event=smsrelay_webhook_listening lane={} address={}:{} path={}",
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
        final SmsRelayRequestWriter.Plan plan;
        try
        {
            plan = writer.plan(request);
        }
        catch (final RuntimeException ex)
        {
            // a body the runtime could not render (e.g. a template missing from this configuration): never retried
            counters.rejected(Reason.CONTENT_REJECTED, -1);
            callback.onRejected(request, Reason.CONTENT_REJECTED);
            return;
        }
        if (plan == null)
        {
            counters.rejected(writer.refusal(), -1);
            callback.onRejected(request, writer.refusal());
            return;
        }
        counters.sent();
        final Delivery delivery = new Delivery(request, callback, plan, System.nanoTime());
        loop.execute(delivery::start);
    }

    @Override
    public void writeMetrics(final MetricsWriter out)
    {
        counters.write(out);
        for (final SmsType type : SmsType.values())
        {
            final long sent = sentByType.get(type.ordinal());
            out.counter("sms_relay_sent_total", "requests the relay accepted, by message type (a split SMS counts each part)",
                sent, "type", type.name());
            if (settings.price(type) > 0)
            {
                out.counter("sms_relay_cost_total", "price of the accepted requests, in the unit of price.<type>",
                    sent * settings.price(type), "type", type.name());
            }
        }
        out.counter("sms_relay_resend_checks_total", "look-ups before a retry", lookupsFound.get(), "result", "found");
        out.counter("sms_relay_resend_checks_total", "look-ups before a retry", lookupsAbsent.get(), "result", "absent");
        out.counter("sms_relay_image_uploads_total", "MMS images uploaded to the relay", uploads.get());
        if (receipts != null)
        {
            out.counter("webhook_results_total", "results received by webhook", receipts.results.get());
            out.counter("webhook_unmatched_total", "results for no message of ours", receipts.unmatched.get());
            out.counter("sms_relay_receipt_timeouts_total", "messages ended by their type's receipt timeout",
                receipts.timedOut.get());
        }
        out.counter("webhook_refused_total", "webhook calls refused (bad signature, path or body)",
            webhookHandler == null ? 0 : webhookHandler.refused.get());
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

    long sent(final SmsType type)
    {
        return sentByType.get(type.ordinal());
    }

    long lookupsFound()
    {
        return lookupsFound.get();
    }

    long uploads()
    {
        return uploads.get();
    }

    /** One message's way through the relay: image uploads, then per part a look-up (retries only) and a send. */
    private final class Delivery implements HttpResponseListener, HttpAnswers.Settle
    {
        private static final int UPLOAD = 0;
        private static final int LOOKUP = 1;
        private static final int SEND = 2;

        private final DeliveryRequest request;
        private final DeliveryCallback callback;
        private final SmsRelayRequestWriter.Plan plan;
        private final long startNs;
        private final long messageId;
        private final String tenant;
        private final String recipient;
        private final boolean check;
        private final long acceptedAtMs;
        private final long[] fileIds;
        private String uploadKey;
        private SmsRelayResultCodes.Result found;
        private int image;
        private int part;
        private int stage;

        Delivery(final DeliveryRequest request, final DeliveryCallback callback, final SmsRelayRequestWriter.Plan plan,
            final long startNs)
        {
            this.request = request;
            this.callback = callback;
            this.plan = plan;
            this.startNs = startNs;
            this.messageId = request.messageId();
            this.tenant = request.tenant();
            this.recipient = SmsRelayRequestWriter.normalise(request.recipient());
            // any attempt after the first may follow one the relay took without our hearing it
            this.check = request.attempt() > 1;
            this.acceptedAtMs = request.acceptedAtMs();
            this.fileIds = new long[plan.images().length];
        }

        void start()
        {
            receipts.onSending(messageId);
            next();
        }

        private void next()
        {
            while (image < fileIds.length)
            {
                final Path file = images.resolve(tenant, plan.images()[image]);
                if (file == null)
                {
                    rejected(Reason.CONTENT_REJECTED);
                    return;
                }
                final byte[] bytes;
                try
                {
                    uploadKey = SmsImages.key(file);
                    final Long known = images.relayId(uploadKey);
                    if (known != null)
                    {
                        fileIds[image++] = known;
                        continue;
                    }
                    bytes = Files.readAllBytes(file);
                }
                catch (final IOException | RuntimeException ex)
                {
                    // not registered (or gone): the sender named an image this tenant does not have
                    rejected(Reason.CONTENT_REJECTED);
                    return;
                }
                if (SmsImages.problem(bytes) != null)
                {
                    rejected(Reason.CONTENT_REJECTED);
                    return;
                }
                stage = UPLOAD;
                transport.post(settings.apiPath() + "/attachfile/binaryUpload", headers, uploadBody(file, bytes), this);
                return;
            }
            if (part == plan.partCount())
            {
                accepted();
                return;
            }
            if (check)
            {
                stage = LOOKUP;
                transport.get(lookupUri(), headers, this);
                return;
            }
            post();
        }

        private void post()
        {
            stage = SEND;
            transport.post(plan.path(), headers,
                SmsRelayRequestWriter.body(settings, plan, part, recipient, tenant, messageId, fileIds), this);
        }

        private byte[] uploadBody(final Path file, final byte[] bytes)
        {
            final StringBuilder b = new StringBuilder(bytes.length * 4 / 3 + 128).append("{\"fileName\":");
            // NHN: lower-case .jpg/.jpeg, at most 45 characters
            final String name = plan.images()[image].startsWith(SmsImages.FILE_PREFIX) ? "image-" + image + ".jpg"
                : plan.images()[image] + ".jpg";
            Json.quote(b, name).append(",\"createUser\":");
            Json.quote(b, tenant.length() > 100 ? tenant.substring(0, 100) : tenant).append(",\"fileBody\":\"")
                .append(Base64.getEncoder().encodeToString(bytes)).append("\"}");
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }

        private String lookupUri()
        {
            final long now = context.clock().time();
            final long from = Math.max(Math.min(acceptedAtMs, now) - LOOKUP_SLACK_MS, now - LOOKUP_MAX_MS);
            return plan.lookupPath()
                + "?startRequestDate=" + encode(NHN_TIME.format(Instant.ofEpochMilli(from)))
                + "&endRequestDate=" + encode(NHN_TIME.format(Instant.ofEpochMilli(now + LOOKUP_SLACK_MS)))
                + "&recipientGroupingKey=" + encode(SmsRelayRequestWriter.groupingKey(messageId, part, plan.partCount()))
                + "&pageSize=1";
        }

        @Override
        public void onResponse(final int status, final HttpHeaders answerHeaders, final String body)
        {
            if (HttpAnswers.settleByStatus(status, answerHeaders, context.clock(), this))
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
                if (HttpAnswers.isSuccess(status))
                {
                    // unknown whether a send was taken: the retry's look-up settles it
                    failed(stage == SEND ? Reason.PROVIDER_ERROR : Reason.PROVIDER_UNAVAILABLE, 0);
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
                final long code = integer(Json.member(header, "resultCode"));
                if (code == Long.MIN_VALUE)
                {
                    rejected(Reason.CONTENT_REJECTED);
                    return;
                }
                final SmsRelayResultCodes.Mapping m = SmsRelayResultCodes.classify((int)code);
                // a request-level failure that is not a known code means the relay refused the request's shape; a
                // refused look-up stays PROVIDER_ERROR: nothing is sent without one, and the content was not the problem
                apply(stage != LOOKUP && m.verdict() == SmsRelayResultCodes.Verdict.REJECTED && m.reason() == Reason.PROVIDER_ERROR
                    ? new SmsRelayResultCodes.Mapping(SmsRelayResultCodes.Verdict.REJECTED, Reason.CONTENT_REJECTED) : m);
                return;
            }
            final Object data = Json.member(Json.member(json, "body"), "data");
            switch (stage)
            {
                case UPLOAD:
                    onUploaded(integer(Json.member(data, "fileId")));
                    break;
                case LOOKUP:
                    onLookedUp(Json.member(json, "body"), data);
                    break;
                default:
                    onSent(data);
            }
        }

        private void onUploaded(final long fileId)
        {
            if (fileId == Long.MIN_VALUE)
            {
                failed(Reason.PROVIDER_UNAVAILABLE, 0);
                return;
            }
            uploads.incrementAndGet();
            images.remember(uploadKey, fileId);
            fileIds[image++] = fileId;
            next();
        }

        private void onLookedUp(final Object page, final Object data)
        {
            final long total = integer(Json.member(page, "totalCount"));
            if (total > 0 || data instanceof List<?> list && !list.isEmpty())
            {
                // an earlier attempt got through. Its result may be in already (a webhook that came while we were
                // down, or before this attempt): the look-up carries it, else the webhook brings it later
                lookupsFound.incrementAndGet();
                final Object first = data instanceof List<?> list && !list.isEmpty() ? list.get(0) : null;
                final String status = Json.string(first, "msgStatus");
                final SmsRelayResultCodes.Result result = "1".equals(status) || "2".equals(status) ? SmsRelayResultCodes.PENDING
                    : SmsRelayResultCodes.result(SmsRelayWebhookHandler.text(Json.member(first, "resultCode")), null);
                // a split message: the last part's delivery, or any part's failure (the first one found) decides
                if (result.state() != null && (found == null || found.state() == DeliveryState.DELIVERED)
                    && (result.state() != DeliveryState.DELIVERED || part == plan.partCount() - 1))
                {
                    found = result;
                }
                part++;
                next();
                return;
            }
            lookupsAbsent.incrementAndGet();
            post();
        }

        private void onSent(final Object data)
        {
            if (!(Json.member(data, "sendResultList") instanceof List<?> results) || results.isEmpty())
            {
                failed(Reason.PROVIDER_ERROR, 0);
                return;
            }
            final long code = integer(Json.member(results.get(0), "resultCode"));
            if (code == Long.MIN_VALUE)
            {
                failed(Reason.PROVIDER_ERROR, 0);
                return;
            }
            final SmsRelayResultCodes.Mapping m = SmsRelayResultCodes.classify((int)code);
            if (m.verdict() != SmsRelayResultCodes.Verdict.ACCEPTED)
            {
                apply(m);
                return;
            }
            sentByType.incrementAndGet(plan.type().ordinal());
            part++;
            next();
        }

        @Override
        public void onError(final Throwable cause, final boolean timedOut)
        {
            // a send that timed out may have been taken: PROVIDER_TIMEOUT is the runtime's uncertain outcome
            failed(timedOut && stage == SEND ? Reason.PROVIDER_TIMEOUT : Reason.PROVIDER_UNAVAILABLE, 0);
        }

        private void apply(final SmsRelayResultCodes.Mapping m)
        {
            switch (m.verdict())
            {
                case ATTACHMENT_EXPIRED:
                    images.forgetAll();
                    failed(m.reason(), 0);
                    break;
                case FAILED:
                    failed(m.reason(), 0);
                    break;
                default:
                    rejected(m.reason());
            }
        }

        private void accepted()
        {
            counters.accepted(System.nanoTime() - startNs);
            // the receipt clock starts at acceptance, read before the runtime hears of it
            final long acceptedNowMs = context.clock().time();
            callback.onAccepted(request);
            receipts.onAnswered(messageId, true, plan.type(), acceptedNowMs);
            if (found != null)
            {
                receipts.onResult(SmsRelayRequestWriter.groupingKey(messageId, plan.partCount() - 1, plan.partCount()), found);
            }
        }

        @Override
        public void rejected(final Reason reason)
        {
            counters.rejected(reason, System.nanoTime() - startNs);
            callback.onRejected(request, reason);
            receipts.onAnswered(messageId, false, plan.type(), 0);
        }

        @Override
        public void failed(final Reason reason, final long retryAfterMs)
        {
            counters.failed(reason, System.nanoTime() - startNs);
            callback.onFailed(request, reason, retryAfterMs);
            receipts.onAnswered(messageId, false, plan.type(), 0);
        }
    }

    private static String encode(final String value)
    {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** @return the number NHN sent as a number or a string, or {@link Long#MIN_VALUE}. */
    static long integer(final Object value)
    {
        return NhnResultWebhook.integer(value, Long.MIN_VALUE);
    }
}
