package io.dispatch.connector.fcm;

import java.util.Map;

/**
 * The FCM connector's view of the HTTP connectors' JSON reader ({@link io.dispatch.json.Json}):
 * documents that must be one object (service-account file, token and error answers), and typed lookups
 * that tolerate a missing or mistyped member.
 */
final class Json
{
    private Json()
    {
    }

    /** @throws IllegalArgumentException when the text is not one JSON object (the message never quotes it). */
    static Map<String, Object> parseObject(final String text)
    {
        return io.dispatch.json.Json.parseObject(text);
    }

    /** Appends {@code value} as a JSON string literal. */
    static StringBuilder quote(final StringBuilder out, final String value)
    {
        return io.dispatch.json.Json.quote(out, value);
    }

    /** @return {@code map.get(key)} when it is a string, else null. */
    static String string(final Map<String, Object> map, final String key)
    {
        return map.get(key) instanceof String s ? s : null;
    }

    /** @return {@code map.get(key)} when it is an object, else an empty map. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(final Map<String, Object> map, final String key)
    {
        return map.get(key) instanceof Map<?, ?> m ? (Map<String, Object>)m : Map.of();
    }
}
