package io.dispatch.connector.fcm;

import io.dispatch.json.Json;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks FCM makes on a {@code message} before accepting it (from the HTTP v1 reference): one target,
 * known fields only, string-only data without reserved keys, enum and duration formats, string headers.
 * Used by {@link FcmTestPeer}.
 */
final class FcmRequestRules
{
    /** FCM registration tokens: an instance id, a colon, then an "APA91" blob, URL-safe base64. */
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{8,}:APA91[A-Za-z0-9_-]{20,}");
    private static final Pattern DURATION = Pattern.compile("\\d{1,10}(\\.\\d{1,9})?s");
    private static final Set<String> MESSAGE_FIELDS =
        Set.of("token", "topic", "condition", "notification", "data", "android", "apns", "webpush", "fcm_options", "name");

    private FcmRequestRules()
    {
    }

    /** @return the path of the first bad field, or null when FCM would take the message. */
    static String check(final Map<String, Object> message)
    {
        if (message.isEmpty())
        {
            return "message";
        }
        for (final String field : message.keySet())
        {
            if (!MESSAGE_FIELDS.contains(field))
            {
                return "message." + field;
            }
        }
        final int targets = (message.containsKey("token") ? 1 : 0) + (message.containsKey("topic") ? 1 : 0) +
            (message.containsKey("condition") ? 1 : 0);
        if (targets != 1)
        {
            return "message.token";
        }
        if (!(message.get("token") instanceof String token) || !TOKEN.matcher(token).matches())
        {
            return "message.token";
        }
        if (message.containsKey("notification") && !stringsOnly(message.get("notification"), Set.of("title", "body", "image")))
        {
            return "message.notification";
        }
        if (message.containsKey("data") && (!stringsOnly(message.get("data"), null) || reservedKey(Json.object(message, "data"))))
        {
            return "message.data";
        }
        final Map<String, Object> android = Json.object(message, "android");
        if (android.containsKey("priority") && !Set.of("HIGH", "NORMAL").contains(android.get("priority")))
        {
            return "message.android.priority";
        }
        if (android.containsKey("ttl") && !(android.get("ttl") instanceof String ttl && DURATION.matcher(ttl).matches()))
        {
            return "message.android.ttl";
        }
        final Map<String, Object> apnsHeaders = Json.object(Json.object(message, "apns"), "headers");
        if (!stringsOnly(apnsHeaders, null) || (apnsHeaders.containsKey("apns-priority") &&
            !Set.of("5", "10").contains(apnsHeaders.get("apns-priority"))))
        {
            return "message.apns.headers";
        }
        if (!stringsOnly(Json.object(Json.object(message, "webpush"), "headers"), null))
        {
            return "message.webpush.headers";
        }
        return null;
    }

    private static boolean stringsOnly(final Object value, final Set<String> allowedKeys)
    {
        if (!(value instanceof Map<?, ?> map))
        {
            return false;
        }
        for (final Map.Entry<?, ?> e : map.entrySet())
        {
            if (!(e.getValue() instanceof String) || (allowedKeys != null && !allowedKeys.contains(e.getKey())))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean reservedKey(final Map<String, Object> data)
    {
        for (final String key : data.keySet())
        {
            if (key.equals("from") || key.startsWith("google") || key.startsWith("gcm"))
            {
                return true;
            }
        }
        return false;
    }
}
