package io.dispatch.connector.http;

import io.dispatch.json.Json;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The envelope of NHN Cloud's result webhook, shared by the Kakao and SMS relay connectors: a POST to the configured
 * path, header {@code X-Toast-Webhook-Signature} (checked when a signature is configured), a JSON body with
 * {@code event} and {@code hooks[]}. Every hook of a {@code MESSAGE_RESULT_UPDATE} is checked before any is reported,
 * so a half-valid body is refused whole (400) and can be resent; a well-formed body gets 200 even when some hooks
 * match no message, so the relay does not resend it. A wrong path gets 404, another method 405, a wrong signature
 * 401; other events are acknowledged and ignored. Each connector checks and reports its own hook fields.
 */
public abstract class NhnResultWebhook implements HttpReceiver.Handler
{
    public static final String SIGNATURE_HEADER = "X-Toast-Webhook-Signature";
    public static final String RESULT_EVENT = "MESSAGE_RESULT_UPDATE";
    private static final String OK = "{\"header\":{\"resultCode\":0,\"resultMessage\":\"SUCCESS\",\"isSuccessful\":true}}";

    /** Calls refused (path, method, signature or body); only the first is logged. */
    public final AtomicLong refused = new AtomicLong();
    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String path;
    private final Secret signature;
    private final String refusedEvent;

    /**
     * @param signature    the expected signature header, or null to accept any.
     * @param refusedEvent the {@code event=} of the log line for the first refusal.
     */
    protected NhnResultWebhook(final String path, final Secret signature, final String refusedEvent)
    {
        this.path = path;
        this.signature = signature;
        this.refusedEvent = refusedEvent;
    }

    /** @return what is wrong with one hook (the refusal adds its index), or null when it can be reported. */
    protected abstract String problem(Object hook);

    /** Reports one hook that {@link #problem} accepted. */
    protected abstract void report(Object hook);

    /** NHN sends numbers as strings in places ({@code "resultCode":"1000"}); accept both. */
    public static long integer(final Object value, final long otherwise)
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

    @Override
    public final HttpReceiver.Answer handle(final FullHttpRequest request)
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
        if (!(Json.member(body, "event") instanceof String event))
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
            report(hook);
        }
        return HttpReceiver.Answer.of(200, OK);
    }

    private HttpReceiver.Answer refuse(final int status, final String why)
    {
        if (refused.getAndIncrement() == 0)
        {
            // the first refusal is logged (a misconfigured signature or URL shows at once); later ones are counted
            log.warn("event={} status={} why={}", refusedEvent, status, why);
        }
        final StringBuilder body = new StringBuilder("{\"header\":{\"resultCode\":").append(-status)
            .append(",\"resultMessage\":");
        Json.quote(body, why).append(",\"isSuccessful\":false}}");
        return HttpReceiver.Answer.of(status, body.toString());
    }
}
