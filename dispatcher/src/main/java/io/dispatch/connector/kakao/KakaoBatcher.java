package io.dispatch.connector.kakao;

import io.dispatch.connector.ConnectorCounters;
import io.dispatch.connector.ReceiptSink;
import io.dispatch.connector.http.HttpClientTransport;
import io.dispatch.connector.http.HttpResponseListener;
import io.dispatch.connector.http.NhnResultWebhook;
import io.dispatch.connector.http.RetryAfter;
import io.dispatch.json.Json;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.EpochClock;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Groups campaign and marketing sends into requests of up to {@code batchSize} recipients, maps the relay's
 * per-recipient answer back to each message, and keeps a batch's members from reaching the relay twice
 * ({@link KakaoBatchLedger}, docs/design/kakao-batching.md).
 * <pre>
 *  member ─▶ ledger: accepted before? ─▶ onAccepted, no request
 *                    unsettled batch?  ─▶ held until the relay listed that batch
 *            open batch (path, tenant, shared fields) ─▶ full, or batchLingerMs after its first member
 *            ─▶ ledger "S/M" ─▶ POST with X-NC-API-IDEMPOTENCY-KEY = batch key
 *            ─▶ sendResults[recipientSeq] ─▶ each member's outcome; no answer ─▶ unsettled
 * </pre>
 * <b>Threading:</b> confined to the connector's event loop, like the transport and {@link KakaoReceipts}.
 */
final class KakaoBatcher
{
    private static final DateTimeFormatter NHN_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
        .withZone(ZoneId.of("Asia/Seoul"));
    private static final long PRUNE_INTERVAL_MS = 30_000;

    private final KakaoSettings settings;
    private final EventLoop loop;
    private final HttpClientTransport transport;
    private final KakaoReceipts receipts;
    private final ReceiptSink sink;
    private final ConnectorCounters counters;
    private final EpochClock clock;
    private final KakaoBatchLedger ledger;
    private final Consumer<KakaoMember> sendAlone;
    private final Map<String, Batch> open = new HashMap<>();
    private final String nonce;
    private long sequence;

    final AtomicLong requests = new AtomicLong();
    /** Batched requests awaiting their answer. */
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicLong recipients = new AtomicLong();
    final AtomicLong unsettledBatches = new AtomicLong();
    final AtomicLong settledBatches = new AtomicLong();
    final AtomicLong resendsAvoided = new AtomicLong();

    KakaoBatcher(
        final KakaoSettings settings,
        final EventLoop loop,
        final HttpClientTransport transport,
        final KakaoReceipts receipts,
        final ReceiptSink sink,
        final ConnectorCounters counters,
        final EpochClock clock,
        final KakaoBatchLedger ledger,
        final Consumer<KakaoMember> sendAlone)
    {
        this.settings = settings;
        this.loop = loop;
        this.transport = transport;
        this.receipts = receipts;
        this.sink = sink;
        this.counters = counters;
        this.clock = clock;
        this.ledger = ledger;
        this.sendAlone = sendAlone;
        // batch keys stay unique across restarts: a key seen within 10 min makes NHN refuse the request (-1005)
        this.nonce = Long.toString(clock.time(), 36);
    }

    /** At start: settles what an earlier run left unsettled, and prunes the ledger from then on. */
    void start(final List<KakaoBatchLedger.Unsettled> leftOver)
    {
        for (final KakaoBatchLedger.Unsettled u : leftOver)
        {
            unsettledBatches.incrementAndGet();
            for (final long id : u.members)
            {
                // as in the run that sent the batch: a result the relay reports before the settle waits for the
                // member's acceptance instead of reaching the lane first (which would drop it as late)
                receipts.onSending(id);
            }
            scheduleSettle(u, Math.max(0, u.sentAtMs + settings.batchSettleDelayMs() - clock.time()));
        }
        // a taken member that never came back (it expired or was cancelled meanwhile) has its held result dropped
        loop.scheduleAtFixedRate(() -> ledger.prune(clock.time(), receipts::forget), PRUNE_INTERVAL_MS,
            PRUNE_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** A message to send; on the event loop. */
    void add(final KakaoMember m)
    {
        final Object known = ledger.lookup(m.messageId);
        if (known == KakaoBatchLedger.ACCEPTED)
        {
            // an earlier batch got it to the relay (its acceptance may not have been journaled before a restart)
            resendsAvoided.incrementAndGet();
            counters.accepted(0);
            m.callback.onAccepted(m.request);
            receipts.onAnswered(m.messageId, true, null, -1); // releases a result the relay reported meanwhile
            return;
        }
        if (known instanceof KakaoBatchLedger.Unsettled u)
        {
            u.held.add(m);
            if (!u.scheduled && !u.querying)
            {
                scheduleSettle(u, Math.max(0, u.sentAtMs + settings.batchSettleDelayMs() - clock.time()));
            }
            return;
        }
        if (m.alone || settings.batchSize() == 1)
        {
            sendAlone.accept(m);
            return;
        }
        final String key = m.batchKey();
        Batch b = open.get(key);
        if (b == null)
        {
            b = new Batch(key, m.path, m.head, m.tenant);
            open.put(key, b);
            final Batch lingering = b;
            b.linger = loop.schedule(() -> flush(lingering), settings.batchLingerMs(), TimeUnit.MILLISECONDS);
        }
        b.members.add(m);
        receipts.onSending(m.messageId);
        if (b.members.size() >= settings.batchSize())
        {
            flush(b);
        }
    }

    /** On stop: sends what is waiting for its linger instead of leaving it without an outcome. */
    void flushAll()
    {
        for (final Batch b : new ArrayList<>(open.values()))
        {
            flush(b);
        }
    }

    private void flush(final Batch b)
    {
        if (open.get(b.groupKey) != b)
        {
            return; // already sent (full before its linger ended)
        }
        open.remove(b.groupKey);
        if (b.linger != null)
        {
            b.linger.cancel(false);
        }
        b.key = "b" + nonce + "-" + (++sequence);
        final String tenantPart = KakaoRequestWriter.senderGroupingKey(b.tenant);
        final int room = 100 - b.key.length() - 1;
        b.senderGroupingKey = (tenantPart.length() > room ? tenantPart.substring(0, room) : tenantPart) + "/" + b.key;
        b.sentAtMs = clock.time();
        b.startNs = System.nanoTime();
        final long[] ids = b.ids();
        if (!ledger.sent(b.key, b.path, b.senderGroupingKey, b.sentAtMs, ids))
        {
            for (final KakaoMember m : b.members)
            {
                failed(b, m, Reason.PROVIDER_ERROR, 0);
            }
            return;
        }
        requests.incrementAndGet();
        recipients.addAndGet(ids.length);
        inFlight.incrementAndGet();
        final HttpHeaders headers = new DefaultHttpHeaders()
            .set(KakaoConnector.SECRET_HEADER, settings.secretKey().reveal())
            .set(KakaoConnector.IDEMPOTENCY_HEADER, b.key);
        transport.post(b.path, headers, b.body(), b);
    }

    // ---- settling a batch whose answer was lost ----

    private void scheduleSettle(final KakaoBatchLedger.Unsettled u, final long delayMs)
    {
        u.scheduled = true;
        loop.schedule(() ->
        {
            u.scheduled = false;
            settle(u);
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    /** Lists the batch at the relay by its senderGroupingKey: its recipientGroupingKeys are the members it has. */
    private void settle(final KakaoBatchLedger.Unsettled u)
    {
        if (u.querying)
        {
            return;
        }
        u.querying = true;
        final long now = clock.time();
        final String query = settings.listPath(u.path)
            + "?senderGroupingKey=" + encode(u.senderGroupingKey)
            + "&startRequestDate=" + encode(NHN_DATE.format(Instant.ofEpochMilli(u.sentAtMs - 60_000)))
            + "&endRequestDate=" + encode(NHN_DATE.format(Instant.ofEpochMilli(now + 60_000)))
            + "&pageSize=" + KakaoSettings.MAX_BATCH;
        final HttpHeaders headers = new DefaultHttpHeaders().set(KakaoConnector.SECRET_HEADER, settings.secretKey().reveal());
        transport.get(query, headers, new HttpResponseListener()
        {
            @Override
            public void onResponse(final int status, final HttpHeaders h, final String body)
            {
                final LongHashSet found = listed(status, body);
                if (found == null)
                {
                    settleFailed(u);
                }
                else
                {
                    settled(u, found);
                }
            }

            @Override
            public void onError(final Throwable cause, final boolean timedOut)
            {
                settleFailed(u);
            }
        });
    }

    private static LongHashSet listed(final int status, final String body)
    {
        if (status < 200 || status >= 300)
        {
            return null;
        }
        try
        {
            final Object json = Json.parse(body);
            if (!Boolean.TRUE.equals(Json.member(Json.member(json, "header"), "isSuccessful")))
            {
                return null;
            }
            final Object messages = Json.member(Json.member(json, "messageSearchResultResponse"), "messages");
            if (!(messages instanceof List<?> list))
            {
                return null;
            }
            final LongHashSet found = new LongHashSet();
            for (final Object m : list)
            {
                final long id = NhnResultWebhook.integer(Json.member(m, "recipientGroupingKey"), -1);
                if (id >= 0)
                {
                    found.add(id);
                }
            }
            return found;
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    private void settled(final KakaoBatchLedger.Unsettled u, final LongHashSet found)
    {
        u.querying = false;
        ledger.settled(u, found, clock.time());
        settledBatches.incrementAndGet();
        for (final long id : u.members)
        {
            if (!found.contains(id))
            {
                receipts.forget(id); // the relay never had it: no result will come for this send
            }
        }
        final List<KakaoMember> held = new ArrayList<>(u.held);
        u.held.clear();
        for (final KakaoMember m : held)
        {
            add(m); // accepted ones are answered from the ledger, the others join a batch
        }
    }

    private void settleFailed(final KakaoBatchLedger.Unsettled u)
    {
        u.querying = false;
        // the held members go back to the runtime's retry; the batch is asked again before any of them is sent
        final List<KakaoMember> held = new ArrayList<>(u.held);
        u.held.clear();
        for (final KakaoMember m : held)
        {
            counters.failed(Reason.PROVIDER_UNAVAILABLE, -1);
            m.callback.onFailed(m.request, Reason.PROVIDER_UNAVAILABLE, 0);
        }
        scheduleSettle(u, Math.max(1_000, settings.batchSettleDelayMs()));
    }

    private static boolean takes(final KakaoResultCodes.Verdict v)
    {
        return v == KakaoResultCodes.Verdict.ACCEPTED || v == KakaoResultCodes.Verdict.DELIVERED
            || v == KakaoResultCodes.Verdict.UNCONFIRMED;
    }

    private static String encode(final String s)
    {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- outcomes ----

    private void accepted(final Batch b, final KakaoMember m, final String requestId, final long seq, final boolean delivered)
    {
        counters.accepted(System.nanoTime() - b.startNs);
        m.callback.onAccepted(m.request);
        receipts.onAnswered(m.messageId, true, requestId, seq);
        if (delivered)
        {
            sink.onReceipt(m.messageId, DeliveryState.DELIVERED, Reason.NONE);
        }
    }

    private void rejected(final Batch b, final KakaoMember m, final Reason reason)
    {
        counters.rejected(reason, System.nanoTime() - b.startNs);
        m.callback.onRejected(m.request, reason);
        receipts.onAnswered(m.messageId, false, null, -1);
    }

    private void failed(final Batch b, final KakaoMember m, final Reason reason, final long retryAfterMs)
    {
        counters.failed(reason, System.nanoTime() - b.startNs);
        m.callback.onFailed(m.request, reason, retryAfterMs);
        receipts.onAnswered(m.messageId, false, null, -1);
    }

    /** One request of up to batchSize members, and the listener of its answer (on the event loop). */
    private final class Batch implements HttpResponseListener
    {
        final String groupKey;
        final String path;
        final String head;
        final String tenant;
        final List<KakaoMember> members = new ArrayList<>();
        ScheduledFuture<?> linger;
        String key;
        String senderGroupingKey;
        long sentAtMs;
        long startNs;

        Batch(final String groupKey, final String path, final String head, final String tenant)
        {
            this.groupKey = groupKey;
            this.path = path;
            this.head = head;
            this.tenant = tenant;
        }

        long[] ids()
        {
            final long[] ids = new long[members.size()];
            for (int i = 0; i < ids.length; i++)
            {
                ids[i] = members.get(i).messageId;
            }
            return ids;
        }

        byte[] body()
        {
            final StringBuilder out = new StringBuilder(head.length() + 128 + members.size() * 200).append(head)
                .append(",\"senderGroupingKey\":");
            Json.quote(out, senderGroupingKey).append(",\"recipientList\":[");
            for (int i = 0; i < members.size(); i++)
            {
                if (i > 0)
                {
                    out.append(',');
                }
                out.append(members.get(i).recipient);
            }
            return out.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void onResponse(final int status, final HttpHeaders headers, final String body)
        {
            inFlight.decrementAndGet();
            if (status == 429 || status == 503)
            {
                // refused before any recipient was taken
                ledger.forget(key);
                final long retryAfterMs = RetryAfter.toMs(headers.get(HttpHeaderNames.RETRY_AFTER), clock.time());
                final Reason reason = status == 429 ? Reason.PROVIDER_THROTTLED : Reason.PROVIDER_UNAVAILABLE;
                members.forEach(m -> failed(this, m, reason, retryAfterMs));
                return;
            }
            if (status >= 500)
            {
                unsettled(members, Reason.PROVIDER_ERROR);
                return;
            }
            if (status == 401 || status == 403)
            {
                ledger.forget(key);
                members.forEach(m -> rejected(this, m, Reason.PROVIDER_AUTH_FAILED));
                return;
            }
            final Object json;
            try
            {
                json = Json.parse(body);
            }
            catch (final IllegalArgumentException ex)
            {
                if (status >= 200 && status < 300)
                {
                    unsettled(members, Reason.PROVIDER_ERROR);
                }
                else
                {
                    ledger.forget(key);
                    members.forEach(m -> rejected(this, m, Reason.CONTENT_REJECTED));
                }
                return;
            }
            final Object header = Json.member(json, "header");
            if (!Boolean.TRUE.equals(Json.member(header, "isSuccessful")) || status < 200 || status >= 300)
            {
                requestFailed(NhnResultWebhook.integer(Json.member(header, "resultCode"), Long.MIN_VALUE));
                return;
            }
            final Object message = Json.member(json, "message");
            final Object results = Json.member(message, "sendResults");
            perRecipient(Json.string(message, "requestId"), results instanceof List<?> list ? list : List.of());
        }

        @Override
        public void onError(final Throwable cause, final boolean timedOut)
        {
            inFlight.decrementAndGet();
            // the request may have reached the relay: which members it took is settled by a query
            unsettled(members, timedOut ? Reason.PROVIDER_TIMEOUT : Reason.PROVIDER_ERROR);
        }

        private void requestFailed(final long code)
        {
            if (code == Long.MIN_VALUE)
            {
                ledger.forget(key);
                members.forEach(m -> rejected(this, m, Reason.CONTENT_REJECTED));
                return;
            }
            final KakaoResultCodes.Mapping m = KakaoResultCodes.classify((int)code);
            switch (m.verdict())
            {
                case ACCEPTED:
                case DELIVERED:
                case UNCONFIRMED:
                    // -1005 / 4131: the relay has seen this request before; what it took is settled by a query
                    unsettled(members, Reason.PROVIDER_ERROR);
                    break;
                case THROTTLED:
                case FAILED:
                    ledger.forget(key);
                    members.forEach(x -> failed(this, x, m.reason(), 0));
                    break;
                default:
                    ledger.forget(key);
                    // a request-level refusal that is not a known code means NHN refused the request's shape
                    final Reason reason = m.reason() == Reason.PROVIDER_ERROR ? Reason.CONTENT_REJECTED : m.reason();
                    members.forEach(x -> rejected(this, x, reason));
            }
        }

        /** Maps {@code sendResults[]} to members by recipientSeq (1-based position), checked by recipientGroupingKey. */
        private void perRecipient(final String requestId, final List<?> results)
        {
            final int n = members.size();
            final int[] codes = new int[n];
            final boolean[] answered = new boolean[n];
            for (final Object r : results)
            {
                final long seq = NhnResultWebhook.integer(Json.member(r, "recipientSeq"), -1);
                final long code = NhnResultWebhook.integer(Json.member(r, "resultCode"), Long.MIN_VALUE);
                final long grouping = NhnResultWebhook.integer(Json.member(r, "recipientGroupingKey"), -1);
                if (seq < 1 || seq > n || code == Long.MIN_VALUE
                    || (grouping >= 0 && grouping != members.get((int)seq - 1).messageId))
                {
                    continue; // a result we cannot place: that member stays unanswered
                }
                codes[(int)seq - 1] = (int)code;
                answered[(int)seq - 1] = true;
            }
            final long[] accepted = new long[n];
            int acceptedCount = 0;
            final List<KakaoMember> unknown = new ArrayList<>();
            for (int i = 0; i < n; i++)
            {
                if (!answered[i])
                {
                    unknown.add(members.get(i));
                }
                else if (takes(KakaoResultCodes.classify(codes[i]).verdict()))
                {
                    accepted[acceptedCount++] = members.get(i).messageId;
                }
            }
            // recorded before any callback, so a quick retry of a member already finds it
            if (acceptedCount == 0 && unknown.isEmpty())
            {
                ledger.forget(key);
            }
            else if (unknown.isEmpty())
            {
                ledger.answered(key, Arrays.copyOf(accepted, acceptedCount), sentAtMs);
            }
            for (int i = 0; i < n; i++)
            {
                if (!answered[i])
                {
                    continue;
                }
                final KakaoMember member = members.get(i);
                final KakaoResultCodes.Mapping m = KakaoResultCodes.classify(codes[i]);
                switch (m.verdict())
                {
                    case ACCEPTED:
                    case UNCONFIRMED:
                        accepted(this, member, requestId, i + 1, false);
                        break;
                    case DELIVERED:
                        accepted(this, member, requestId, i + 1, true);
                        break;
                    case THROTTLED:
                    case FAILED:
                        failed(this, member, m.reason(), 0);
                        break;
                    default:
                        rejected(this, member, m.reason());
                }
            }
            if (!unknown.isEmpty())
            {
                unsettled(unknown, Reason.PROVIDER_ERROR);
            }
        }

        private void unsettled(final List<KakaoMember> which, final Reason reason)
        {
            final long[] ids = new long[which.size()];
            for (int i = 0; i < ids.length; i++)
            {
                ids[i] = which.get(i).messageId;
            }
            final KakaoBatchLedger.Unsettled u = ledger.unsettled(key, path, senderGroupingKey, sentAtMs, ids);
            unsettledBatches.incrementAndGet();
            scheduleSettle(u, settings.batchSettleDelayMs());
            for (final KakaoMember m : which)
            {
                // still awaiting an answer for KakaoReceipts: a result the relay reports for it is held until the
                // settle says it was taken, instead of reaching the runtime while the message is RETRYING
                counters.failed(reason, System.nanoTime() - startNs);
                m.callback.onFailed(m.request, reason, 0);
            }
        }
    }
}
