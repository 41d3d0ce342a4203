package io.dispatch.connector.kakao;

import io.dispatch.connector.http.HttpReceiver;
import io.dispatch.connector.http.HttpReceiver.Answer;
import io.dispatch.json.Json;
import io.dispatch.connector.http.LoopGroups;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * A loopback relay in the shape of NHN Cloud KakaoTalk Bizmessage (AlimTalk v2.3 and Brand Message v1.0):
 * validates each send as NHN documents it and refuses malformed ones, answers per recipient with a result
 * code the test chooses, then posts MESSAGE_RESULT_UPDATE webhooks to the connector.
 * <p>
 * Default codes by recipient number: {@code 0990CCCC} → code CCCC in the send answer; {@code 0991CCCC} →
 * accepted (0), then CCCC in the webhook; anything else → accepted, then 1000 (delivered) in the webhook.
 * <p>
 * The handler runs on the peer's one event loop; webhooks go out through the JDK HttpClient, an HTTP
 * implementation independent of the connector's.
 */
public final class KakaoRelayPeer implements AutoCloseable
{
    /** One send as the peer received it. */
    public record Received(String path, Map<String, String> headers, Object body)
    {
    }

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,15}");
    private static final Set<String> BUBBLES = Set.of("TEXT", "IMAGE", "WIDE", "WIDE_ITEM_LIST", "PREMIUM_VIDEO",
        "COMMERCE", "CAROUSEL_FEED", "CAROUSEL_COMMERCE");

    private final String appKey;
    private final String secretKey;
    private final String senderKey;
    private final EventLoopGroup group = LoopGroups.single("kakao-peer");
    // JDK 17's HttpClient cannot be closed: give it an executor that can, with daemon threads
    private final java.util.concurrent.ExecutorService webhookExecutor = java.util.concurrent.Executors.newFixedThreadPool(
        2, r -> { final Thread t = new Thread(r, "kakao-peer-webhook"); t.setDaemon(true); return t; });
    private final HttpClient webhookClient = HttpClient.newBuilder().executor(webhookExecutor)
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private final HttpReceiver server;
    private final Set<String> idempotencyKeys = new HashSet<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final AtomicInteger throttleLeft = new AtomicInteger();
    private final AtomicInteger stallLeft = new AtomicInteger();
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Integer> webhookStatuses = new ConcurrentLinkedQueue<>();
    private static final int MAX_WEBHOOK_CALLS = 32;
    private final ConcurrentLinkedQueue<HttpRequest> pendingWebhooks = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger webhookCalls = new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong sendRequests = new AtomicLong();
    private final AtomicInteger takeThenStallLeft = new AtomicInteger();
    private final AtomicInteger takeThenFailLeft = new AtomicInteger();
    private final java.util.concurrent.ConcurrentHashMap<String, AtomicInteger> takenByRecipient =
        new java.util.concurrent.ConcurrentHashMap<>();
    /** What the relay registered per senderGroupingKey, as its message list would show it. */
    private final java.util.concurrent.ConcurrentHashMap<String, ConcurrentLinkedQueue<String>> listed =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong listQueries = new AtomicLong();
    private volatile boolean stallListQueries;
    private volatile int throttleStatus;
    private volatile String throttleRetryAfter;
    private volatile ToIntFunction<String> sendCode = KakaoRelayPeer::defaultSendCode;
    private volatile ToIntFunction<String> resultCode = KakaoRelayPeer::defaultResultCode;
    private volatile URI webhookTarget;
    private volatile String webhookSignature;
    private volatile long webhookDelayMs = 5;
    private volatile boolean groupingKeyInHooks = true;
    private volatile boolean recordRequests = true;
    private volatile Answer rawAnswer;

    public KakaoRelayPeer(final String appKey, final String secretKey, final String senderKey) throws InterruptedException
    {
        this.appKey = appKey;
        this.secretKey = secretKey;
        this.senderKey = senderKey;
        this.server = HttpReceiver.start(group, "127.0.0.1", 0, null, 4 << 20, this::handle);
    }

    public String baseUrl()
    {
        return "http://127.0.0.1:" + server.port();
    }

    public KakaoRelayPeer webhookTarget(final URI target, final String signature)
    {
        this.webhookTarget = target;
        this.webhookSignature = signature;
        return this;
    }

    public KakaoRelayPeer webhookDelayMs(final long delayMs)
    {
        this.webhookDelayMs = delayMs;
        return this;
    }

    /** Whether hooks carry {@code recipientGroupingKey}; without it the connector must map requestId + recipientSeq. */
    public KakaoRelayPeer groupingKeyInHooks(final boolean include)
    {
        this.groupingKeyInHooks = include;
        return this;
    }

    public KakaoRelayPeer recordRequests(final boolean record)
    {
        this.recordRequests = record;
        return this;
    }

    public KakaoRelayPeer sendCodes(final ToIntFunction<String> byRecipient)
    {
        this.sendCode = byRecipient;
        return this;
    }

    public KakaoRelayPeer resultCodes(final ToIntFunction<String> byRecipient)
    {
        this.resultCode = byRecipient;
        return this;
    }

    /** The next {@code count} sends get HTTP {@code status} (429, 503, …) with an optional Retry-After. */
    public void throttleNext(final int count, final int status, final String retryAfter)
    {
        throttleStatus = status;
        throttleRetryAfter = retryAfter;
        throttleLeft.set(count);
    }

    /** Every send from now on gets exactly this answer (status, body, headers), checked or not; null restores the normal ones. */
    public KakaoRelayPeer rawAnswer(final Answer answer)
    {
        rawAnswer = answer;
        return this;
    }

    /** The next {@code count} sends get no answer at all. */
    public void stallNext(final int count)
    {
        stallLeft.set(count);
    }

    /** The next {@code count} sends are taken (recipients accepted, results webhooked) but never answered. */
    public void takeThenStallNext(final int count)
    {
        takeThenStallLeft.set(count);
    }

    /** The next {@code count} sends are taken, then answered 500 as if the relay broke before answering. */
    public void takeThenFailNext(final int count)
    {
        takeThenFailLeft.set(count);
    }

    /** @return POSTs to a send API that passed the secret and content-type checks. */
    public long sendRequests()
    {
        return sendRequests.get();
    }

    /** @return how often each recipient number was taken (accepted for sending) by the relay. */
    public Map<String, Integer> takenByRecipient()
    {
        final Map<String, Integer> copy = new java.util.HashMap<>();
        takenByRecipient.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** While on, message-list queries get no answer. */
    public void stallListQueries(final boolean stall)
    {
        stallListQueries = stall;
    }

    /** @return message-list queries answered. */
    public long listQueries()
    {
        return listQueries.get();
    }

    public List<Received> received()
    {
        return new ArrayList<>(received);
    }

    public List<Integer> webhookStatuses()
    {
        return new ArrayList<>(webhookStatuses);
    }

    public long accepted()
    {
        return accepted.get();
    }

    @Override
    public void close()
    {
        server.close();
        LoopGroups.shutdown(group);
        webhookExecutor.shutdownNow();
    }

    static int defaultSendCode(final String recipientNo)
    {
        return recipientNo.startsWith("0990") && recipientNo.length() == 8 ? Integer.parseInt(recipientNo.substring(4)) : 0;
    }

    static int defaultResultCode(final String recipientNo)
    {
        return recipientNo.startsWith("0991") && recipientNo.length() == 8 ? Integer.parseInt(recipientNo.substring(4)) : 1000;
    }

    // ---- request handling, on the peer's event loop ----

    private Answer handle(final FullHttpRequest request)
    {
        final String uri = request.uri();
        final int q = uri.indexOf('?');
        final String path = q < 0 ? uri : uri.substring(0, q);
        if (HttpMethod.GET.equals(request.method()) && (path.equals("/alimtalk/v2.3/appkeys/" + appKey + "/messages")
            || path.equals("/alimtalk/v2.3/appkeys/" + appKey + "/auth/messages")
            || path.equals("/brand-message/v1.0/appkeys/" + appKey + "/messages")))
        {
            return list(request, q < 0 ? "" : uri.substring(q + 1));
        }
        final String kind;
        if (path.equals("/alimtalk/v2.3/appkeys/" + appKey + "/messages"))
        {
            kind = "ALIMTALK_NORMAL";
        }
        else if (path.equals("/alimtalk/v2.3/appkeys/" + appKey + "/auth/messages"))
        {
            kind = "ALIMTALK_AUTH";
        }
        else if (path.equals("/brand-message/v1.0/appkeys/" + appKey + "/freestyle-messages"))
        {
            kind = "BRAND_MESSAGE_NORMAL";
        }
        else
        {
            return failure(404, -404, "no such API: " + path);
        }
        if (!HttpMethod.POST.equals(request.method()))
        {
            return failure(405, -405, "POST only");
        }
        if (!secretKey.equals(request.headers().get("X-Secret-Key")))
        {
            return failure(401, -1000, "invalid X-Secret-Key");
        }
        final String contentType = request.headers().get("Content-Type", "");
        if (!contentType.startsWith("application/json"))
        {
            return failure(400, -1000, "Content-Type must be application/json");
        }
        final Object body;
        try
        {
            body = Json.parse(request.content().toString(StandardCharsets.UTF_8));
        }
        catch (final IllegalArgumentException ex)
        {
            return failure(400, -1000, "body is not JSON");
        }
        sendRequests.incrementAndGet();
        if (recordRequests)
        {
            final Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            request.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
            received.add(new Received(path, headers, body));
        }
        final Answer raw = rawAnswer;
        if (raw != null)
        {
            return raw;
        }
        if (stallLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0)
        {
            return null;
        }
        if (throttleLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0)
        {
            final String retryAfter = throttleRetryAfter;
            return new Answer(throttleStatus, "{}", retryAfter == null ? Map.of() : Map.of("Retry-After", retryAfter));
        }
        final String problem = kind.startsWith("BRAND") ? brandProblem(body) : alimtalkProblem(body);
        if (problem != null)
        {
            return failure(400, -1000, "invalid parameter: " + problem);
        }
        if (!senderKey.equals(Json.member(body, "senderKey")))
        {
            return failure(200, 1003, "invalid sender key");
        }
        final String key = request.headers().get("X-NC-API-IDEMPOTENCY-KEY");
        if (key != null && !idempotencyKeys.add(key))
        {
            return failure(200, -1005, "duplicate idempotency key");
        }
        final Answer answer = answer(kind, body);
        if (takeThenStallLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0)
        {
            return null;
        }
        if (takeThenFailLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0)
        {
            return failure(500, -9999, "internal error after taking the request");
        }
        return answer;
    }

    /** NHN "메시지 리스트 조회": the messages of a senderGroupingKey (the only filter this peer supports). */
    private Answer list(final FullHttpRequest request, final String query)
    {
        if (!secretKey.equals(request.headers().get("X-Secret-Key")))
        {
            return failure(401, -1000, "invalid X-Secret-Key");
        }
        final Map<String, String> params = new java.util.HashMap<>();
        for (final String pair : query.split("&"))
        {
            final int eq = pair.indexOf('=');
            if (eq > 0)
            {
                params.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        if (params.get("startRequestDate") == null || params.get("endRequestDate") == null)
        {
            return failure(400, -1000, "startRequestDate and endRequestDate are required");
        }
        if (stallListQueries)
        {
            return null;
        }
        final int pageSize = Integer.parseInt(params.getOrDefault("pageSize", "15"));
        if (pageSize < 1 || pageSize > 1000)
        {
            return failure(400, -1000, "pageSize (1-1000)");
        }
        listQueries.incrementAndGet();
        final List<String> messages = new ArrayList<>(
            listed.getOrDefault(params.getOrDefault("senderGroupingKey", ""), new ConcurrentLinkedQueue<>()));
        final List<String> page = messages.subList(0, Math.min(pageSize, messages.size()));
        return Answer.of(200, "{\"header\":{\"resultCode\":0,\"resultMessage\":\"SUCCESS\",\"isSuccessful\":true},"
            + "\"messageSearchResultResponse\":{\"messages\":[" + String.join(",", page) + "],\"totalCount\":"
            + messages.size() + "}}");
    }

    private Answer answer(final String kind, final Object body)
    {
        final String requestId = "20261125000000" + requestIds.incrementAndGet();
        final List<?> recipients = (List<?>)Json.member(body, "recipientList");
        final StringBuilder out = new StringBuilder("{\"header\":{\"resultCode\":0,\"resultMessage\":\"SUCCESS\","
            + "\"isSuccessful\":true},\"message\":{\"requestId\":\"").append(requestId)
            .append("\",\"senderGroupingKey\":");
        Json.quote(out, (String)Json.member(body, "senderGroupingKey")).append(",\"sendResults\":[");
        final List<String> hooks = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++)
        {
            final Object r = recipients.get(i);
            final String no = (String)Json.member(r, "recipientNo");
            final String grouping = (String)Json.member(r, "recipientGroupingKey");
            final int code = sendCode.applyAsInt(no);
            if (i > 0)
            {
                out.append(',');
            }
            out.append("{\"recipientSeq\":").append(i + 1).append(",\"recipientNo\":");
            Json.quote(out, no).append(",\"resultCode\":").append(code).append(",\"resultMessage\":\"")
                .append(code == 0 ? "SUCCESS" : "FAIL").append("\",\"recipientGroupingKey\":");
            Json.quote(out, grouping).append('}');
            if (code == 0)
            {
                accepted.incrementAndGet();
                takenByRecipient.computeIfAbsent(no, k -> new AtomicInteger()).incrementAndGet();
                final StringBuilder m = new StringBuilder("{\"requestId\":\"").append(requestId)
                    .append("\",\"recipientSeq\":").append(i + 1).append(",\"recipientNo\":");
                Json.quote(m, no).append(",\"messageStatus\":\"COMPLETED\",\"senderGroupingKey\":");
                final String sgk = (String)Json.member(body, "senderGroupingKey");
                Json.quote(m, sgk == null ? "" : sgk).append(",\"recipientGroupingKey\":");
                Json.quote(m, grouping).append('}');
                listed.computeIfAbsent(sgk == null ? "" : sgk, k -> new ConcurrentLinkedQueue<>())
                    .add(m.toString());
                hooks.add(hook(kind, requestId, i + 1, no, grouping, resultCode.applyAsInt(no)));
            }
        }
        out.append("]}}");
        if (!hooks.isEmpty() && webhookTarget != null)
        {
            group.schedule(() -> postWebhook(hooks), webhookDelayMs, TimeUnit.MILLISECONDS);
        }
        return Answer.of(200, out.toString());
    }

    private String hook(final String kind, final String requestId, final int seq, final String no, final String grouping,
        final int code)
    {
        final StringBuilder h = new StringBuilder("{\"kakaoMessageType\":\"").append(kind)
            .append("\",\"requestId\":\"").append(requestId).append("\",\"recipientSeq\":").append(seq)
            .append(",\"requestDate\":\"2026-11-25 10:00:00.000\",\"receiveDate\":\"2026-11-25 10:00:01.000\"")
            .append(",\"recipientNo\":");
        Json.quote(h, no).append(",\"resultCode\":\"").append(code).append('"');
        if (groupingKeyInHooks)
        {
            h.append(",\"recipientGroupingKey\":");
            Json.quote(h, grouping);
        }
        return h.append(",\"hookId\":\"h").append(requestId).append('-').append(seq).append("\"}").toString();
    }

    private void postWebhook(final List<String> hooks)
    {
        final String body = "{\"hooksId\":\"hooks-" + System.nanoTime() + "\",\"webhookConfigId\":\"cfg\","
            + "\"productName\":\"KakaoTalk Bizmessage\",\"appKey\":\"" + appKey + "\",\"event\":\"MESSAGE_RESULT_UPDATE\","
            + "\"hooks\":[" + String.join(",", hooks) + "]}";
        final HttpRequest.Builder post = HttpRequest.newBuilder(webhookTarget)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json;charset=UTF-8")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (webhookSignature != null)
        {
            post.header("X-Toast-Webhook-Signature", webhookSignature);
        }
        pendingWebhooks.add(post.build());
        sendWebhooks();
    }

    /**
     * At most {@link #MAX_WEBHOOK_CALLS} webhook calls at once, as a relay's sender pool would: unbounded, the
     * JDK client opened a connection per call in flight and a 50,000-message run ran out of file descriptors.
     */
    private void sendWebhooks()
    {
        while (!pendingWebhooks.isEmpty())
        {
            final int calls = webhookCalls.get();
            if (calls >= MAX_WEBHOOK_CALLS || !webhookCalls.compareAndSet(calls, calls + 1))
            {
                if (calls >= MAX_WEBHOOK_CALLS)
                {
                    return; // a call that ends sends the next
                }
                continue;
            }
            final HttpRequest request = pendingWebhooks.poll();
            if (request == null)
            {
                webhookCalls.decrementAndGet();
                continue;
            }
            webhookClient.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) ->
            {
                webhookStatuses.add(error == null ? response.statusCode() : -1);
                webhookCalls.decrementAndGet();
                sendWebhooks();
            });
        }
    }

    // ---- shape checks as NHN documents them (DOMAIN.md §3, §4; friendtalkupgrade-api-guide) ----

    private static String alimtalkProblem(final Object body)
    {
        final Object template = Json.member(body, "templateCode");
        if (!(template instanceof String t) || t.isEmpty() || t.length() > 20)
        {
            return "templateCode (1-20 characters)";
        }
        return common(body, false);
    }

    private static String brandProblem(final Object body)
    {
        final Object bubble = Json.member(body, "chatBubbleType");
        if (!(bubble instanceof String b) || !BUBBLES.contains(b))
        {
            return "chatBubbleType";
        }
        final Object content = Json.member(body, "content");
        if ("TEXT".equals(bubble) && (!(content instanceof String c) || c.isEmpty()
            || c.codePointCount(0, c.length()) > 1300 || c.chars().filter(ch -> ch == '\n').count() > 99))
        {
            return "content (1-1300 characters, at most 99 line breaks)";
        }
        return common(body, true);
    }

    private static String common(final Object body, final boolean brand)
    {
        if (!(Json.member(body, "senderKey") instanceof String s) || s.length() != 40)
        {
            return "senderKey (40 characters)";
        }
        final Object grouping = Json.member(body, "senderGroupingKey");
        if (grouping != null && (!(grouping instanceof String g) || g.length() > 100))
        {
            return "senderGroupingKey (at most 100 characters)";
        }
        if (!(Json.member(body, "recipientList") instanceof List<?> list) || list.isEmpty() || list.size() > 1000)
        {
            return "recipientList (1-1000 recipients)";
        }
        for (int i = 0; i < list.size(); i++)
        {
            final String problem = recipientProblem(list.get(i), brand);
            if (problem != null)
            {
                return "recipientList[" + i + "]." + problem;
            }
        }
        return null;
    }

    private static String recipientProblem(final Object r, final boolean brand)
    {
        if (!(Json.member(r, "recipientNo") instanceof String no) || !DIGITS.matcher(no).matches())
        {
            return "recipientNo (1-15 digits)";
        }
        final Object grouping = Json.member(r, "recipientGroupingKey");
        if (grouping != null && (!(grouping instanceof String g) || g.length() > 100))
        {
            return "recipientGroupingKey (at most 100 characters)";
        }
        final Object params = Json.member(r, "templateParameter");
        if (params != null)
        {
            if (brand || !(params instanceof Map<?, ?> map) || map.size() > 40
                || !map.values().stream().allMatch(v -> v instanceof String))
            {
                return "templateParameter (at most 40 string values, AlimTalk only)";
            }
        }
        final Object targeting = Json.member(r, "targeting");
        if (targeting != null && (!brand || !Set.of("I", "M", "N").contains(targeting)))
        {
            return "targeting (I, M or N, Brand Message only)";
        }
        final Object resend = Json.member(r, "resendParameter");
        if (resend != null)
        {
            if (!(Json.member(resend, "isResend") instanceof Boolean on))
            {
                return "resendParameter.isResend (boolean)";
            }
            final Object type = Json.member(resend, "resendType");
            if (type != null && !"SMS".equals(type) && !"LMS".equals(type))
            {
                return "resendParameter.resendType (SMS or LMS)";
            }
            if (on && !(Json.member(resend, "resendSendNo") instanceof String))
            {
                return "resendParameter.resendSendNo (a registered sender number)";
            }
        }
        return null;
    }

    private static Answer failure(final int status, final int code, final String message)
    {
        final StringBuilder out = new StringBuilder("{\"header\":{\"resultCode\":").append(code).append(",\"resultMessage\":");
        Json.quote(out, message).append(",\"isSuccessful\":false}}");
        return Answer.of(status, out.toString());
    }
}
