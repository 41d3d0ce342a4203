package io.dispatch.connector.kakao;

import io.dispatch.connector.http.HttpReceiver;
import io.dispatch.json.Json;
import io.dispatch.connector.http.Secret;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The endpoint NHN's webhook ({@code MESSAGE_RESULT_UPDATE}) posts results to. A well-formed body is
 * answered 200 even when some hooks match no message, so the relay does not resend it; a body that is not
 * the documented shape gets 400, a wrong {@code X-Toast-Webhook-Signature} 401 (when a signature is
 * configured). Other events (template status) are acknowledged and ignored.
 * <p>Runs on the connector's event loop.
 */
final class KakaoWebhookHandler implements HttpReceiver.Handler
{
    static final String SIGNATURE_HEADER = "X-Toast-Webhook-Signature";
    static final String RESULT_EVENT = "MESSAGE_RESULT_UPDATE";
    private static final Logger LOG = LoggerFactory.getLogger(KakaoWebhookHandler.class);
    private static final String OK = "{\"header\":{\"resultCode\":0,\"resultMessage\":\"SUCCESS\",\"isSuccessful\":true}}";

    private final String path;
    private final Secret signature;
    private final KakaoReceipts receipts;
    final AtomicLong refused = new AtomicLong();

    KakaoWebhookHandler(final String path, final Secret signature, final KakaoReceipts receipts)
    {
        this.path = path;
        this.signature = signature;
        this.receipts = receipts;
    }

    @Override
    public HttpReceiver.Answer handle(final FullHttpRequest request)
    {
        if (!new QueryStringDecoder(request.uri()).path().equals(path))
        {
            return refuse(404, "unknown path");
        }
        if (!HttpMethod.POST.equals(request.method()))
        {
            return refuse(405, "POST only");
        }
        if (signature != null && !signature.matches(request.headers().get(SIGNATURE_HEADER)))
        {
            return refuse(401, "bad or missing " + SIGNATURE_HEADER);
        }
        final Object body;
        try
        {
            body = Json.parse(request.content().toString(StandardCharsets.UTF_8));
        }
        catch (final IllegalArgumentException ex)
        {
            return refuse(400, ex.getMessage());
        }
        final Object event = Json.member(body, "event");
        if (!(event instanceof String))
        {
            return refuse(400, "field 'event' missing");
        }
        if (!RESULT_EVENT.equals(event))
        {
            return HttpReceiver.Answer.of(200, OK);
        }
        if (!(Json.member(body, "hooks") instanceof List<?> hooks))
        {
            return refuse(400, "field 'hooks' is not a list");
        }
        // check every hook before reporting any, so a half-valid body is refused whole and can be resent
        for (int i = 0; i < hooks.size(); i++)
        {
            final String problem = problem(hooks.get(i));
            if (problem != null)
            {
                return refuse(400, "hooks[" + i + "]: " + problem);
            }
        }
        for (final Object hook : hooks)
        {
            final Object key = Json.member(hook, "recipientGroupingKey");
            receipts.onResult(
                messageId(key),
                Json.string(hook, "requestId"),
                integer(Json.member(hook, "recipientSeq"), -1),
                (int)integer(Json.member(hook, "resultCode"), -1));
        }
        return HttpReceiver.Answer.of(200, OK);
    }

    private static String problem(final Object hook)
    {
        if (!(hook instanceof java.util.Map))
        {
            return "not an object";
        }
        if (integer(Json.member(hook, "resultCode"), Long.MIN_VALUE) == Long.MIN_VALUE)
        {
            return "field 'resultCode' missing or not a number";
        }
        final boolean keyed = messageId(Json.member(hook, "recipientGroupingKey")) >= 0;
        final boolean sequenced = Json.member(hook, "requestId") instanceof String
            && integer(Json.member(hook, "recipientSeq"), -1) > 0;
        return keyed || sequenced ? null : "neither a numeric 'recipientGroupingKey' nor 'requestId' with 'recipientSeq'";
    }

    /** NHN sends numbers as strings in places ({@code "resultCode":"1000"}); accept both. */
    static long integer(final Object value, final long otherwise)
    {
        if (value instanceof Long l)
        {
            return l;
        }
        if (value instanceof Double d && d == Math.rint(d))
        {
            return d.longValue();
        }
        if (value instanceof String s)
        {
            try
            {
                return Long.parseLong(s.trim());
            }
            catch (final NumberFormatException ex)
            {
                return otherwise;
            }
        }
        return otherwise;
    }

    private static long messageId(final Object key)
    {
        return key instanceof String s && !s.isEmpty() ? integer(s, -1) : -1;
    }

    private HttpReceiver.Answer refuse(final int status, final String why)
    {
        if (refused.getAndIncrement() == 0)
        {
            // the first refusal is logged (a misconfigured signature or URL shows at once); later ones are counted
            LOG.warn("event=kakao_webhook_refused status={} why={}", status, why);
        }
        final StringBuilder body = new StringBuilder("{\"header\":{\"resultCode\":").append(-status)
            .append(",\"resultMessage\":");
        Json.quote(body, why).append(",\"isSuccessful\":false}}");
        return HttpReceiver.Answer.of(status, body.toString());
    }
}
