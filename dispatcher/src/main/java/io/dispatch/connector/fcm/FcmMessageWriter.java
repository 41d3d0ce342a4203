package io.dispatch.connector.fcm;

import io.dispatch.connector.push.PushFields;
import io.dispatch.json.Json;
import io.dispatch.protocol.MessageKind;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes the body of an FCM HTTP v1 {@code messages:send} request for one token:
 * <pre>
 * {"message":{"token":…, "notification":{"title","body"}, "data":{"dispatch_message_id", …},
 *   "android":{"priority":"HIGH|NORMAL","ttl":"Ns","collapse_key"?},
 *   "apns":{"headers":{"apns-priority","apns-expiration","apns-push-type","apns-collapse-id"?}},
 *   "webpush":{"headers":{"TTL","Urgency"}}}}
 * </pre>
 * TTL counts down to the message's deadline (at most FCM's 4 weeks); marketing goes at normal priority,
 * informational and auth messages at high. The data always carries the engine's message id
 * ({@link #MESSAGE_ID_KEY}): the app confirms the push with it (POST /messages/&lt;id&gt;/delivered), which a push
 * lane with a receipt deadline waits for before it sends the SMS fallback. Stateless.
 */
final class FcmMessageWriter
{
    /** FCM's limit on the notification and data payload, keys and values counted. */
    static final int MAX_PAYLOAD_BYTES = 4096;
    static final int MAX_COLLAPSE_ID_BYTES = 64;
    static final long MAX_TTL_S = 28L * 24 * 3600;
    /** The data key with the engine's message id, for the app's delivery confirmation. */
    static final String MESSAGE_ID_KEY = "dispatch_message_id";

    /** The message can never be sent as it is. */
    static final class InvalidMessage extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        final boolean tooLarge;

        InvalidMessage(final String what, final boolean tooLarge)
        {
            super(what, null, false, false);
            this.tooLarge = tooLarge;
        }
    }

    private FcmMessageWriter()
    {
    }

    /** @return the body, as the builder it was written into (the caller encodes it once, without a String copy). */
    static CharSequence write(
        final String token, final long messageId, final MessageKind kind, final String text, final PushFields fields,
        final long deadlineMs, final long nowMs)
    {
        if (fields.collapseId() != null && (fields.collapseId().isEmpty() || utf8(fields.collapseId()) > MAX_COLLAPSE_ID_BYTES))
        {
            throw new InvalidMessage("collapse id must have 1 to 64 bytes", false); // APNs, via FCM, refuses longer
        }
        final boolean high = kind != MessageKind.MARKETING && !fields.background();
        final long ttlS = Math.min(MAX_TTL_S, Math.max(0, (deadlineMs - nowMs) / 1000));
        int payloadBytes = 0;
        final StringBuilder out = new StringBuilder(256 + text.length());
        Json.quote(out.append("{\"message\":{\"token\":"), token);
        if (!fields.background())
        {
            out.append(",\"notification\":{");
            if (fields.title() != null)
            {
                Json.quote(out.append("\"title\":"), fields.title()).append(',');
                payloadBytes += 5 + utf8(fields.title());
            }
            Json.quote(out.append("\"body\":"), text).append('}');
            payloadBytes += 4 + utf8(text);
        }
        out.append(",\"data\":{");
        payloadBytes += entry(out, MESSAGE_ID_KEY, Long.toString(messageId), true);
        if (fields.background())
        {
            // a data-only message shows nothing; the app reads the text from the data
            payloadBytes += entry(out, "body", text, false);
            if (fields.title() != null)
            {
                payloadBytes += entry(out, "title", fields.title(), false);
            }
        }
        for (final Map.Entry<String, String> e : fields.data().entrySet())
        {
            checkDataKey(e.getKey());
            payloadBytes += entry(out, e.getKey(), e.getValue(), false);
        }
        out.append('}');
        if (payloadBytes > MAX_PAYLOAD_BYTES)
        {
            throw new InvalidMessage("payload of " + payloadBytes + " bytes", true);
        }
        out.append(",\"android\":{\"priority\":\"").append(high ? "HIGH" : "NORMAL").append("\",\"ttl\":\"").append(ttlS).append("s\"");
        if (fields.collapseId() != null)
        {
            Json.quote(out.append(",\"collapse_key\":"), fields.collapseId());
        }
        out.append("},\"apns\":{\"headers\":{\"apns-priority\":\"").append(high ? "10" : "5")
            .append("\",\"apns-expiration\":\"").append(deadlineMs / 1000)
            .append("\",\"apns-push-type\":\"").append(fields.background() ? "background" : "alert").append('"');
        if (fields.collapseId() != null)
        {
            Json.quote(out.append(",\"apns-collapse-id\":"), fields.collapseId());
        }
        out.append("}},\"webpush\":{\"headers\":{\"TTL\":\"").append(ttlS)
            .append("\",\"Urgency\":\"").append(high ? "high" : "normal").append("\"}}}}");
        return out;
    }

    private static int entry(final StringBuilder out, final String key, final String value, final boolean first)
    {
        if (!first)
        {
            out.append(',');
        }
        Json.quote(out, key).append(':');
        Json.quote(out, value);
        return utf8(key) + utf8(value);
    }

    /** FCM reserves these data keys and answers INVALID_ARGUMENT for them; the engine reserves its message id's. */
    private static void checkDataKey(final String key)
    {
        if (key.equals("from") || key.equals("notification") || key.equals("message_type") ||
            key.startsWith("google") || key.startsWith("gcm") || key.equals(MESSAGE_ID_KEY))
        {
            throw new InvalidMessage("reserved data key '" + key + "'", false);
        }
    }

    private static int utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
