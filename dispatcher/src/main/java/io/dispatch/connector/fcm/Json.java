package io.dispatch.connector.fcm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON the FCM connector needs: parse small documents (service-account file, token and error
 * answers) into maps, lists, strings, numbers ({@code Double}), booleans and null; quote strings for
 * the request bodies it writes. Not a general-purpose library: no streaming, documents of a few KB.
 */
final class Json
{
    /** Deeper documents are refused: a hostile or broken answer must not overflow the stack. */
    private static final int MAX_DEPTH = 32;

    private final String text;
    private int p;
    private int depth;

    private Json(final String text)
    {
        this.text = text;
    }

    /** @throws IllegalArgumentException when the text is not one JSON object. */
    static Map<String, Object> parseObject(final String text)
    {
        final Json json = new Json(text);
        json.skipSpace();
        final Object value = json.value();
        json.skipSpace();
        if (!(value instanceof Map) || json.p != text.length())
        {
            throw new IllegalArgumentException("not a JSON object");
        }
        @SuppressWarnings("unchecked")
        final Map<String, Object> map = (Map<String, Object>)value;
        return map;
    }

    /** Appends {@code value} as a JSON string literal. */
    static StringBuilder quote(final StringBuilder out, final String value)
    {
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
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

    private Object value()
    {
        if (p >= text.length())
        {
            throw error("unexpected end");
        }
        final char c = text.charAt(p);
        switch (c)
        {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                return number();
        }
    }

    private Map<String, Object> object()
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        enter();
        skipSpace();
        if (peek('}'))
        {
            depth--;
            return map;
        }
        while (true)
        {
            skipSpace();
            if (p >= text.length() || text.charAt(p) != '"')
            {
                throw error("expected a key");
            }
            final String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            map.put(key, value());
            skipSpace();
            if (peek('}'))
            {
                depth--;
                return map;
            }
            expect(',');
        }
    }

    private List<Object> array()
    {
        final List<Object> list = new ArrayList<>();
        enter();
        skipSpace();
        if (peek(']'))
        {
            depth--;
            return list;
        }
        while (true)
        {
            skipSpace();
            list.add(value());
            skipSpace();
            if (peek(']'))
            {
                depth--;
                return list;
            }
            expect(',');
        }
    }

    private void enter()
    {
        p++;
        if (++depth > MAX_DEPTH)
        {
            throw error("nested deeper than " + MAX_DEPTH);
        }
    }

    private String string()
    {
        final StringBuilder out = new StringBuilder();
        p++;
        while (p < text.length())
        {
            final char c = text.charAt(p++);
            if (c == '"')
            {
                return out.toString();
            }
            if (c != '\\')
            {
                out.append(c);
                continue;
            }
            if (p >= text.length())
            {
                break;
            }
            final char e = text.charAt(p++);
            switch (e)
            {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' ->
                {
                    if (p + 4 > text.length())
                    {
                        throw error("bad \\u escape");
                    }
                    out.append((char)Integer.parseInt(text.substring(p, p + 4), 16));
                    p += 4;
                }
                default -> out.append(e);
            }
        }
        throw error("unterminated string");
    }

    private Object literal(final String word, final Object value)
    {
        if (!text.startsWith(word, p))
        {
            throw error("unexpected character");
        }
        p += word.length();
        return value;
    }

    private Double number()
    {
        final int start = p;
        while (p < text.length() && "+-0123456789.eE".indexOf(text.charAt(p)) >= 0)
        {
            p++;
        }
        try
        {
            return Double.valueOf(text.substring(start, p));
        }
        catch (final NumberFormatException ex)
        {
            throw error("bad number");
        }
    }

    private boolean peek(final char c)
    {
        if (p < text.length() && text.charAt(p) == c)
        {
            p++;
            return true;
        }
        return false;
    }

    private void expect(final char c)
    {
        if (!peek(c))
        {
            throw error("expected '" + c + "'");
        }
    }

    private void skipSpace()
    {
        while (p < text.length() && Character.isWhitespace(text.charAt(p)))
        {
            p++;
        }
    }

    private IllegalArgumentException error(final String what)
    {
        // position only: the document may hold a secret (a private key) that must not reach a log
        return new IllegalArgumentException("invalid JSON at offset " + p + ": " + what);
    }
}
