package io.dispatch.connector.smsrelay;

import io.dispatch.connector.http.NhnResultWebhook;
import io.dispatch.connector.http.Secret;
import io.dispatch.json.Json;

import java.util.Map;

/**
 * The endpoint the relay's result webhook posts to: NHN's webhook envelope ({@link NhnResultWebhook}: {@code event},
 * {@code hooks[]}, header {@code X-Toast-Webhook-Signature}, checked whole before any hook is reported) with the SMS
 * result fields ({@code recipientGroupingKey}, {@code resultCode}, {@code messageStatus}).
 * <p>Runs on the connector's event loop.
 */
final class SmsRelayWebhookHandler extends NhnResultWebhook
{
    private final SmsRelayReceipts receipts;

    SmsRelayWebhookHandler(final String path, final Secret signature, final SmsRelayReceipts receipts)
    {
        super(path, signature, "smsrelay_webhook_refused");
        this.receipts = receipts;
    }

    @Override
    protected String problem(final Object hook)
    {
        if (!(hook instanceof Map) || SmsRelayReceipts.messageId(text(Json.member(hook, "recipientGroupingKey"))) < 0)
        {
            return "no numeric 'recipientGroupingKey'";
        }
        if (text(Json.member(hook, "resultCode")) == null && !(Json.member(hook, "messageStatus") instanceof String))
        {
            return "neither 'resultCode' nor 'messageStatus'";
        }
        return null;
    }

    @Override
    protected void report(final Object hook)
    {
        receipts.onResult(text(Json.member(hook, "recipientGroupingKey")), SmsRelayResultCodes.result(
            text(Json.member(hook, "resultCode")), Json.string(hook, "messageStatus")));
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
}
