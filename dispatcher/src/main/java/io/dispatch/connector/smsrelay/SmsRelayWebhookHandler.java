package io.dispatch.connector.smsrelay;

import io.dispatch.connector.http.HttpReceiver;
import io.dispatch.connector.http.Secret;
import io.dispatch.json.Json;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The endpoint the relay's result webhook posts to: NHN's webhook envelope ({@code event}, {@code hooks[]},
 * header {@code X-Toast-Webhook-Signature}) with the SMS result fields ({@code recipientGroupingKey},
 * {@code resultCode}, {@code messageStatus}). A well-formed body gets 200 even when some hooks match no message,
 * so the relay does not resend it; a body that is not that shape 400 (checked whole before any hook is reported),
 * a wrong signature 401. Other events are acknowledged and ignored.
 * <p>Runs on the connector's event loop.
 */
final class SmsRelayWebhookHandler implements HttpReceiver.Handler
{
    static final String SIGNATURE_HEADER = "X-Toast-Webhook-Signature";
    static final String RESULT_EVENT = "MESSAGE_RESULT_UPDATE";
    private static final Logger LOG = LoggerFactory.getLogger(SmsRelayWebhookHandler.class);
    private static final String OK = "{\"header\":{\"resultCode\":0,\"resultMessage\":\"SUCCESS\",\"isSuccessful\":true}}";

    private final String path;
    private final Secret signature;
    private final SmsRelayReceipts receipts;
    final AtomicLong refused = new AtomicLong();

    SmsRelayWebhookHandler(final String path, final Secret signature, final SmsRelayReceipts receipts)
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
            final Object hook = hooks.get(i);
            if (!(hook instanceof Map) || SmsRelayReceipts.messageId(text(Json.member(hook, "recipientGroupingKey"))) < 0)
            {
                return refuse(400, "hooks[" + i + "]: no numeric 'recipientGroupingKey'");
            }
            if (text(Json.member(hook, "resultCode")) == null && !(Json.member(hook, "messageStatus") instanceof String))
            {
                return refuse(400, "hooks[" + i + "]: neither 'resultCode' nor 'messageStatus'");
            }
        }
        for (final Object hook : hooks)
        {
            receipts.onResult(text(Json.member(hook, "recipientGroupingKey")), SmsRelayResultCodes.result(
                text(Json.member(hook, "resultCode")), Json.string(hook, "messageStatus")));
        }
        return HttpReceiver.Answer.of(200, OK);
    }

    /** NHN sends codes as strings or numbers ({@code "1000"}, {@code 1000}, {@code "E915"}); read both. */
    static String text(final Object value)
    {
        if (value instanceof String s)
        {
            return s.isBlank() ? null : s.strip();
        }
        if (value instanceof Long l)
        {
            return Long.toString(l);
        }
        if (value instanceof Double d && d == Math.rint(d))
        {
            return Long.toString(d.longValue());
        }
        return null;
    }

    private HttpReceiver.Answer refuse(final int status, final String why)
    {
        if (refused.getAndIncrement() == 0)
        {
            // the first refusal is logged (a misconfigured signature or URL shows at once); later ones are counted
            LOG.warn("event=smsrelay_webhook_refused status={} why={}", status, why);
        }
        final StringBuilder body = new StringBuilder("{\"header\":{\"resultCode\":").append(-status)
            .append(",\"resultMessage\":");
        Json.quote(body, why).append(",\"isSuccessful\":false}}");
        return HttpReceiver.Answer.of(status, body.toString());
    }
}
