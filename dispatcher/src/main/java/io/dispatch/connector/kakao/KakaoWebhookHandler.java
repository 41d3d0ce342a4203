package io.dispatch.connector.kakao;

import io.dispatch.connector.http.NhnResultWebhook;
import io.dispatch.connector.http.Secret;
import io.dispatch.json.Json;

import java.util.Map;

/**
 * The endpoint NHN's webhook ({@code MESSAGE_RESULT_UPDATE}) posts Kakao results to; the envelope (path, signature,
 * whole-body checks, answers) is {@link NhnResultWebhook}'s. A hook names its message by {@code recipientGroupingKey}
 * or by {@code requestId} with {@code recipientSeq}. Other events (template status) are acknowledged and ignored.
 * <p>Runs on the connector's event loop.
 */
final class KakaoWebhookHandler extends NhnResultWebhook
{
    private final KakaoReceipts receipts;

    KakaoWebhookHandler(final String path, final Secret signature, final KakaoReceipts receipts)
    {
        super(path, signature, "kakao_webhook_refused");
        this.receipts = receipts;
    }

    @Override
    protected void report(final Object hook)
    {
        receipts.onResult(
            messageId(Json.member(hook, "recipientGroupingKey")),
            Json.string(hook, "requestId"),
            integer(Json.member(hook, "recipientSeq"), -1),
            (int)integer(Json.member(hook, "resultCode"), -1));
    }

    @Override
    protected String problem(final Object hook)
    {
        if (!(hook instanceof Map))
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

    private static long messageId(final Object key)
    {
        return key instanceof String s && !s.isEmpty() ? integer(s, -1) : -1;
    }
}
