package io.dispatch.connector.smsrelay;

import io.dispatch.connector.http.HttpReceiver;
import io.dispatch.connector.http.HttpReceiver.Answer;
import io.dispatch.connector.http.LoopGroups;
import io.dispatch.json.Json;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A loopback relay in the shape of NHN Cloud SMS API v3.0 that enforces its documented limits and answers with
 * its result codes: SMS body ≤ 90 bytes and LMS/MMS title ≤ 40 / body ≤ 2,000 bytes in EUC-KR (-2015), characters
 * EUC-KR lacks (-2023), at most 3 known attachments on MMS only (-2002 / -2004), JPEG ≤ 300 KB uploads
 * (-2003 / -2005), the (광고) marking and the free 080 opt-out line on the ad endpoints (-6003), an auth word on the
 * auth endpoint (-8000), the registered sender number (-2312) and the secret key (401).
 * <p>
 * Codes by recipient number: {@code 0990NNNN} → send answer {@code -NNNN}; {@code 0991CCCC} → accepted, then
 * carrier code CCCC in the webhook; anything else → accepted, then 1000 (delivered). Every accepted request is
 * kept for the list API ({@code GET …/sender/sms|mms?recipientGroupingKey=}).
 * <p>The handler runs on the peer's one event loop; webhooks go out through the JDK HttpClient.
 */
public final class SmsRelayPeer implements AutoCloseable
{
    /** One request as the peer received it. */
    public record Received(String method, String path, Map<String, String> headers, Object body)
    {
    }

    private static final Charset EUC_KR = Charset.forName("EUC-KR");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,20}");
    private static final Pattern OPT_OUT = Pattern.compile("무료(수신)?거부\\s*080[- ]?[0-9]{3,4}[- ]?[0-9]{4}");
    private static final Set<String> AUTH_WORDS = Set.of("auth", "password", "verif", "인증", "비밀번호");

    private final String appKey;
    private final String secretKey;
    private final String sendNo;
    private final EventLoopGroup group = LoopGroups.single("smsrelay-peer");
    private final ExecutorService webhookExecutor = Executors.newFixedThreadPool(
        2, r -> { final Thread t = new Thread(r, "smsrelay-peer-webhook"); t.setDaemon(true); return t; });
    private final HttpClient webhookClient = HttpClient.newBuilder().executor(webhookExecutor)
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private final HttpReceiver server;
    private final Map<String, String> sentByGroupingKey = new ConcurrentHashMap<>();
    private final Map<Long, Integer> files = new ConcurrentHashMap<>();
    private final AtomicLong fileIds = new AtomicLong(100);
    private final AtomicLong requestIds = new AtomicLong();
    private final AtomicInteger throttleLeft = new AtomicInteger();
    private final AtomicInteger throttleSkip = new AtomicInteger();
    private final AtomicInteger stallLeft = new AtomicInteger();
    private final AtomicInteger stallAfterAcceptLeft = new AtomicInteger();
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Integer> webhookStatuses = new ConcurrentLinkedQueue<>();
    private final AtomicLong accepted = new AtomicLong();
    private volatile int throttleStatus;
    private volatile String throttleRetryAfter;
    private volatile URI webhookTarget;
    private volatile String webhookSignature;
    private volatile boolean recordRequests = true;

    public SmsRelayPeer(final String appKey, final String secretKey, final String sendNo) throws InterruptedException
    {
        this.appKey = appKey;
        this.secretKey = secretKey;
        this.sendNo = sendNo;
        this.server = HttpReceiver.start(group, "127.0.0.1", 0, null, 4 << 20, this::handle);
    }

    public String baseUrl()
    {
        return "http://127.0.0.1:" + server.port();
    }

    public SmsRelayPeer webhookTarget(final URI target, final String signature)
    {
        this.webhookTarget = target;
        this.webhookSignature = signature;
        return this;
    }

    public SmsRelayPeer recordRequests(final boolean record)
    {
        this.recordRequests = record;
        return this;
    }

    /** The next {@code count} requests get HTTP {@code status} (429, 503, …) with an optional Retry-After. */
    public void throttleNext(final int count, final int status, final String retryAfter)
    {
        throttleAfter(0, count, status, retryAfter);
    }

    /** As {@link #throttleNext}, after letting {@code skip} requests through first (e.g. the second part of a split SMS). */
    public void throttleAfter(final int skip, final int count, final int status, final String retryAfter)
    {
        throttleSkip.set(skip);
        throttleStatus = status;
        throttleRetryAfter = retryAfter;
        throttleLeft.set(count);
    }

    /** The next {@code count} requests get no answer at all, and are not acted on. */
    public void stallNext(final int count)
    {
        stallLeft.set(count);
    }

    /** The next {@code count} sends are accepted (and later reported) but get no answer: a lost answer. */
    public void stallAfterAccepting(final int count)
    {
        stallAfterAcceptLeft.set(count);
    }

    /** Forgets every uploaded attachment, as NHN does when they expire: later sends naming them get -2004. */
    public void expireAttachments()
    {
        files.clear();
    }

    public List<Received> received()
    {
        return new ArrayList<>(received);
    }

    /** @return the sends (POSTs to a sender endpoint) received, in order. */
    public List<Received> sends()
    {
        return received().stream().filter(r -> r.method.equals("POST") && r.path.contains("/sender/")).toList();
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

    // ---- request handling, on the peer's event loop ----

    private Answer handle(final FullHttpRequest request)
    {
        final QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        final String prefix = "/sms/v3.0/appKeys/" + appKey;
        if (!uri.path().startsWith(prefix + "/"))
        {
            return failure(404, -9998, "Not exist API.");
        }
        final String api = uri.path().substring(prefix.length());
        if (!secretKey.equals(request.headers().get("X-Secret-Key")))
        {
            return failure(401, -1000, "Invalid secret key.");
        }
        Object body = null;
        if (HttpMethod.POST.equals(request.method()))
        {
            if (!request.headers().get("Content-Type", "").startsWith("application/json"))
            {
                return failure(400, -9996, "Only application/json Content-type is supported.");
            }
            try
            {
                body = Json.parse(request.content().toString(StandardCharsets.UTF_8));
            }
            catch (final IllegalArgumentException ex)
            {
                return failure(400, -9997, "Invalid API parameters.");
            }
        }
        if (recordRequests)
        {
            final Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            request.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
            received.add(new Received(request.method().name(), request.uri(), headers, body));
        }
        if (stallLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0)
        {
            return null;
        }
        if (throttleLeft.get() > 0 && throttleSkip.getAndUpdate(n -> Math.max(0, n - 1)) == 0
            && throttleLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0)
        {
            final String retryAfter = throttleRetryAfter;
            return new Answer(throttleStatus, "{}", retryAfter == null ? Map.of() : Map.of("Retry-After", retryAfter));
        }
        if (HttpMethod.GET.equals(request.method()) && (api.equals("/sender/sms") || api.equals("/sender/mms")))
        {
            return list(uri);
        }
        if (!HttpMethod.POST.equals(request.method()))
        {
            return failure(405, -9998, "Not exist API.");
        }
        if (api.equals("/attachfile/binaryUpload"))
        {
            return upload(body);
        }
        final boolean ad = api.equals("/sender/ad-sms") || api.equals("/sender/ad-mms");
        final boolean mms = api.equals("/sender/mms") || api.equals("/sender/ad-mms");
        final boolean auth = api.equals("/sender/auth/sms");
        if (!mms && !ad && !auth && !api.equals("/sender/sms"))
        {
            return failure(404, -9998, "Not exist API.");
        }
        final Answer refused = check(body, mms, ad, auth);
        if (refused != null)
        {
            return refused;
        }
        final Answer answer = answer(body, mms);
        return stallAfterAcceptLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? null : answer;
    }

    private Answer check(final Object body, final boolean mms, final boolean ad, final boolean auth)
    {
        if (!(Json.member(body, "body") instanceof String text) || text.isEmpty())
        {
            return failure(200, -2014, "Title or body can not be empty.");
        }
        if (!sendNo.equals(Json.member(body, "sendNo")))
        {
            return failure(200, -2312, "Not regist sendno.");
        }
        final Object title = Json.member(body, "title");
        if (!EUC_KR.newEncoder().canEncode(text) || title instanceof String t && !EUC_KR.newEncoder().canEncode(t))
        {
            return failure(200, -2023, "Unacceptable characters in title and body");
        }
        if (mms)
        {
            if (!(title instanceof String t) || t.isEmpty())
            {
                return failure(200, -2014, "Title or body can not be empty.");
            }
            if (eucKr(t) > 40 || eucKr(text) > 2000)
            {
                return failure(200, -2015, "Title or Body exceed maximum byte.");
            }
        }
        else if (eucKr(text) > 90 || title != null)
        {
            return failure(200, -2015, "Title or Body exceed maximum byte.");
        }
        final Object attachments = Json.member(body, "attachFileIdList");
        if (attachments != null)
        {
            if (!mms || !(attachments instanceof List<?> ids) || ids.size() > 3)
            {
                return failure(200, -2002, "Invalid attach file.");
            }
            for (final Object id : ids)
            {
                if (!(id instanceof Long l) || !files.containsKey(l))
                {
                    return failure(200, -2004, "File is expired or does not exist.");
                }
            }
        }
        if (ad && (!text.startsWith("(광고)") || !OPT_OUT.matcher(text).find()))
        {
            return failure(200, -6003, "The body must contain block guide ment.");
        }
        if (auth && AUTH_WORDS.stream().noneMatch(text.toLowerCase(java.util.Locale.ROOT)::contains))
        {
            return failure(200, -8000, "The body must contain auth guide ment.");
        }
        if (!(Json.member(body, "recipientList") instanceof List<?> list) || list.isEmpty())
        {
            return failure(200, -2001, "RecipientList can not be null.");
        }
        if (list.size() > 1000)
        {
            return failure(200, -2016, "The max recipient size is 1000.");
        }
        return null;
    }

    private Answer answer(final Object body, final boolean mms)
    {
        final String requestId = "20261207000000" + requestIds.incrementAndGet();
        final List<?> recipients = (List<?>)Json.member(body, "recipientList");
        final StringBuilder out = new StringBuilder("{\"header\":{\"isSuccessful\":true,\"resultCode\":0,"
            + "\"resultMessage\":\"SUCCESS\"},\"body\":{\"data\":{\"requestId\":\"").append(requestId)
            .append("\",\"statusCode\":\"2\",\"sendResultList\":[");
        final List<String> hooks = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++)
        {
            final Object r = recipients.get(i);
            final Object no = Json.member(r, "recipientNo");
            final String grouping = (String)Json.member(r, "recipientGroupingKey");
            final int code = no instanceof String n && DIGITS.matcher(n).matches() ? sendCode(n) : -2019;
            out.append(i > 0 ? "," : "").append("{\"recipientNo\":");
            Json.quote(out, String.valueOf(no)).append(",\"resultCode\":").append(code).append(",\"resultMessage\":\"")
                .append(code == 0 ? "SUCCESS" : "FAIL").append("\",\"recipientSeq\":").append(i + 1)
                .append(",\"recipientGroupingKey\":");
            Json.quote(out, grouping).append('}');
            if (code == 0)
            {
                accepted.incrementAndGet();
                if (grouping != null)
                {
                    sentByGroupingKey.put((mms ? "mms|" : "sms|") + grouping, requestId + "|" + resultCode((String)no));
                }
                hooks.add(hook(requestId, i + 1, (String)no, grouping, resultCode((String)no), mms));
            }
        }
        out.append("]}}}");
        if (!hooks.isEmpty() && webhookTarget != null)
        {
            group.schedule(() -> postWebhook(hooks), 5, TimeUnit.MILLISECONDS);
        }
        return Answer.of(200, out.toString());
    }

    private Answer list(final QueryStringDecoder uri)
    {
        final Map<String, List<String>> q = uri.parameters();
        if (!q.containsKey("startRequestDate") || !q.containsKey("endRequestDate"))
        {
            return failure(200, -2011, "RequestId or start/endRequestDate is required.");
        }
        final String key = q.getOrDefault("recipientGroupingKey", List.of("")).get(0);
        final String sent = sentByGroupingKey.get((uri.path().endsWith("/mms") ? "mms|" : "sms|") + key);
        final String requestId = sent == null ? null : sent.substring(0, sent.indexOf('|'));
        final StringBuilder out = new StringBuilder("{\"header\":{\"isSuccessful\":true,\"resultCode\":0,"
            + "\"resultMessage\":\"SUCCESS\"},\"body\":{\"pageNum\":1,\"pageSize\":1,\"totalCount\":")
            .append(requestId == null ? 0 : 1).append(",\"data\":[");
        if (requestId != null)
        {
            // results are final at once here: 3 = success, 0 = failed, with the carrier code
            final String code = sent.substring(sent.indexOf('|') + 1);
            out.append("{\"requestId\":\"").append(requestId).append("\",\"msgStatus\":\"")
                .append("1000".equals(code) ? "3" : "0").append("\",\"resultCode\":\"").append(code)
                .append("\",\"recipientGroupingKey\":");
            Json.quote(out, key).append('}');
        }
        return Answer.of(200, out.append("]}}").toString());
    }

    private Answer upload(final Object body)
    {
        if (!(Json.member(body, "fileName") instanceof String name) || name.length() > 45
            || !(name.endsWith(".jpg") || name.endsWith(".jpeg")))
        {
            return failure(200, -2003, "Attach file required jpg or jpeg.");
        }
        if (!(Json.member(body, "createUser") instanceof String))
        {
            return failure(200, -2002, "Invalid attach file name.");
        }
        final byte[] bytes;
        try
        {
            bytes = Base64.getDecoder().decode((String)Json.member(body, "fileBody"));
        }
        catch (final RuntimeException ex)
        {
            return failure(200, -9997, "Invalid API parameters.");
        }
        if (bytes.length == 0 || bytes.length > 300 * 1024)
        {
            return failure(200, -2005, "The file size must be greater than 0 and less than 300KB.");
        }
        if ((bytes[0] & 0xFF) != 0xFF || (bytes[1] & 0xFF) != 0xD8)
        {
            return failure(200, -2003, "Attach file required jpg or jpeg.");
        }
        final long id = fileIds.incrementAndGet();
        files.put(id, bytes.length);
        return Answer.of(200, "{\"header\":{\"isSuccessful\":true,\"resultCode\":0,\"resultMessage\":\"SUCCESS\"},"
            + "\"body\":{\"data\":{\"fileId\":" + id + ",\"fileName\":\"" + name + "\",\"filePath\":\"0/" + id + "\"}}}");
    }

    static int sendCode(final String no)
    {
        return no.startsWith("0990") && no.length() == 8 ? -Integer.parseInt(no.substring(4)) : 0;
    }

    static String resultCode(final String no)
    {
        return no.startsWith("0991") && no.length() == 8 ? no.substring(4) : "1000";
    }

    private static String hook(final String requestId, final int seq, final String no, final String grouping,
        final String code, final boolean mms)
    {
        final StringBuilder h = new StringBuilder("{\"messageType\":\"").append(mms ? "MMS" : "SMS")
            .append("\",\"requestId\":\"").append(requestId).append("\",\"recipientSeq\":").append(seq)
            .append(",\"recipientNo\":");
        Json.quote(h, no).append(",\"messageStatus\":\"").append("1000".equals(code) ? "COMPLETED" : "FAILED")
            .append("\",\"resultCode\":\"").append(code).append("\",\"recipientGroupingKey\":");
        Json.quote(h, grouping);
        return h.append('}').toString();
    }

    private void postWebhook(final List<String> hooks)
    {
        final String body = "{\"hooksId\":\"hooks-" + System.nanoTime() + "\",\"webhookConfigId\":\"cfg\","
            + "\"productName\":\"SMS\",\"appKey\":\"" + appKey + "\",\"event\":\"MESSAGE_RESULT_UPDATE\","
            + "\"hooks\":[" + String.join(",", hooks) + "]}";
        final HttpRequest.Builder post = HttpRequest.newBuilder(webhookTarget)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json;charset=UTF-8")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (webhookSignature != null)
        {
            post.header("X-Toast-Webhook-Signature", webhookSignature);
        }
        webhookClient.sendAsync(post.build(), HttpResponse.BodyHandlers.discarding())
            .whenComplete((response, error) -> webhookStatuses.add(error == null ? response.statusCode() : -1));
    }

    private static int eucKr(final String s)
    {
        return s.getBytes(EUC_KR).length;
    }

    private static Answer failure(final int status, final int code, final String message)
    {
        final StringBuilder out = new StringBuilder("{\"header\":{\"isSuccessful\":false,\"resultCode\":").append(code)
            .append(",\"resultMessage\":");
        Json.quote(out, message).append("}}");
        return Answer.of(status, out.toString());
    }
}
