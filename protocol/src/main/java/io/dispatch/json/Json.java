package io.dispatch.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The project's one JSON reader (and string quoting): import lines, provider answers and webhook bodies, JMH
 * and load-test reports. Values become {@link Map} (keys in order; a key given twice is an error),
 * {@link List}, {@link String}, {@link Long} (integers), {@link Double} (other numbers), {@link Boolean} and
 * null. Strict (RFC 8259: no leading '+', no bare control characters in strings), so parsing is itself a
 * validity check; nesting is capped so a hostile body cannot overflow the stack. Small on purpose: the
 * documents are small and the client module takes no JSON dependency. An instance is one document.
 */
public final class Json
{
    private static final int MAX_DEPTH = 32;

    private final String s;
    private int pos;

    private Json(final String text)
    {
        this.s = text;
    }

    /** @throws IllegalArgumentException saying where when the text is not exactly one JSON value. */
    public static Object parse(final String text)
    {
        final Json json = new Json(text);
        final Object value = json.value(0);
        json.end();
        return value;
    }

    /** @throws IllegalArgumentException saying where when the text is not exactly one JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(final String text)
    {
        final Json json = new Json(text);
        json.skipSpace();
        if (json.peek() != '{')
        {
            throw json.error("expected a JSON object");
        }
        final Map<String, Object> object = (Map<String, Object>)json.value(0);
        json.end();
        return object;
    }

    /** @return the member {@code key} of a JSON object, or null when absent or {@code node} is no object. */
    public static Object member(final Object node, final String key)
    {
        return node instanceof Map<?, ?> map ? map.get(key) : null;
    }

    /** @return the member {@code key} of a JSON object when it is a string, else null (absent, mistyped, no object). */
    public static String string(final Object node, final String key)
    {
        return member(node, key) instanceof String s ? s : null;
    }

    /** @return the member {@code key} of a JSON object when it is an object, else an empty map. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(final Object node, final String key)
    {
        return member(node, key) instanceof Map<?, ?> m ? (Map<String, Object>)m : Map.of();
    }

    /** Appends {@code value} as a JSON string literal (quoted, escaped); null becomes {@code null}. */
    public static StringBuilder quote(final StringBuilder out, final String value)
    {
        if (value == null)
        {
            return out.append("null");
        }
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
                    if (c < 0x20 || c == 0x2028 || c == 0x2029)
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

    private void end()
    {
        skipSpace();
        if (pos != s.length())
        {
            throw error("text after the value");
        }
    }

    private Object value(final int depth)
    {
        if (depth > MAX_DEPTH)
        {
            throw error("nested deeper than " + MAX_DEPTH);
        }
        skipSpace();
        final char c = peek();
        switch (c)
        {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return number();
                }
                throw error(pos < s.length() ? "unexpected '" + c + "'" : "unexpected end");
        }
    }

    private Map<String, Object> object(final int depth)
    {
        final Map<String, Object> map = new LinkedHashMap<>();
        pos++;
        skipSpace();
        if (peek() == '}')
        {
            pos++;
            return map;
        }
        while (true)
        {
            skipSpace();
            if (peek() != '"')
            {
                throw error("expected a quoted key");
            }
            final String key = string();
            skipSpace();
            expect(':');
            if (map.put(key, value(depth + 1)) != null)
            {
                throw error("key \"" + key + "\" given twice");
            }
            skipSpace();
            if (peek() == ',')
            {
                pos++;
                continue;
            }
            expect('}');
            return map;
        }
    }

    private List<Object> array(final int depth)
    {
        final List<Object> list = new ArrayList<>();
        pos++;
        skipSpace();
        if (peek() == ']')
        {
            pos++;
            return list;
        }
        while (true)
        {
            list.add(value(depth + 1));
            skipSpace();
            if (peek() == ',')
            {
                pos++;
                continue;
            }
            expect(']');
            return list;
        }
    }

    private String string()
    {
        pos++;
        final StringBuilder sb = new StringBuilder();
        while (pos < s.length())
        {
            final char c = s.charAt(pos++);
            if (c == '"')
            {
                return sb.toString();
            }
            if (c < 0x20)
            {
                throw error("control character in a string");
            }
            if (c != '\\')
            {
                sb.append(c);
                continue;
            }
            if (pos >= s.length())
            {
                break;
            }
            final char e = s.charAt(pos++);
            switch (e)
            {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' ->
                {
                    if (pos + 4 > s.length())
                    {
                        throw error("short \\u escape");
                    }
                    try
                    {
                        sb.append((char)Integer.parseInt(s.substring(pos, pos + 4), 16));
                    }
                    catch (final NumberFormatException ex)
                    {
                        throw error("bad \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
        throw error("string never closed");
    }

    private Object number()
    {
        final int start = pos;
        if (peek() == '-')
        {
            pos++;
        }
        boolean integral = true;
        while (pos < s.length())
        {
            final char c = s.charAt(pos);
            if (c >= '0' && c <= '9')
            {
                pos++;
            }
            else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')
            {
                integral = false;
                pos++;
            }
            else
            {
                break;
            }
        }
        final String text = s.substring(start, pos);
        try
        {
            return integral ? (Object)Long.parseLong(text) : (Object)Double.parseDouble(text);
        }
        catch (final NumberFormatException ex)
        {
            pos = start;
            throw error("bad number " + text);
        }
    }

    private Object literal(final String word, final Object value)
    {
        if (!s.startsWith(word, pos))
        {
            throw error("unexpected '" + s.charAt(pos) + "'");
        }
        pos += word.length();
        return value;
    }

    private void expect(final char c)
    {
        if (peek() != c)
        {
            throw error(pos < s.length() ? "expected '" + c + "'" : "unexpected end, expected '" + c + "'");
        }
        pos++;
    }

    private char peek()
    {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void skipSpace()
    {
        while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == '\r'
            || s.charAt(pos) == '\n'))
        {
            pos++;
        }
    }

    private IllegalArgumentException error(final String what)
    {
        final int lineStart = s.lastIndexOf('\n', pos - 1) + 1;
        final String line = lineStart == 0 ? "" : "line " + (s.chars().limit(lineStart).filter(c -> c == '\n').count() + 1) + " ";
        return new IllegalArgumentException("bad JSON at " + line + "column " + (pos - lineStart + 1) + ": " + what);
    }
}
