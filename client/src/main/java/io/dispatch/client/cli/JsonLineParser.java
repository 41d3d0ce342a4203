package io.dispatch.client.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one line of NDJSON into plain values: {@link Map} (keys in order), {@link List}, {@link String},
 * {@link Long} (integers), {@link Double} (other numbers), {@link Boolean} and null. Small on purpose: the
 * client module takes no JSON dependency, and import lines are flat records.
 * <p>
 * <b>Note:</b> not thread-safe; reuse one per thread.
 */
final class JsonLineParser
{
    private static final int MAX_DEPTH = 16;

    private String s;
    private int pos;

    /**
     * @return the object on the line.
     * @throws IllegalArgumentException when the line is not exactly one JSON object, saying where.
     */
    Map<String, Object> parseObject(final String line)
    {
        s = line;
        pos = 0;
        skipSpace();
        if (peek() != '{')
        {
            throw error("expected a JSON object");
        }
        @SuppressWarnings("unchecked")
        final Map<String, Object> object = (Map<String, Object>)value(0);
        skipSpace();
        if (pos != s.length())
        {
            throw error("text after the object");
        }
        return object;
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
                throw error(pos < s.length() ? "unexpected '" + c + "'" : "unexpected end of line");
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
            throw error(pos < s.length() ? "expected '" + c + "'" : "unexpected end of line, expected '" + c + "'");
        }
        pos++;
    }

    private char peek()
    {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void skipSpace()
    {
        while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == '\r'))
        {
            pos++;
        }
    }

    private IllegalArgumentException error(final String what)
    {
        return new IllegalArgumentException("bad JSON at column " + (pos + 1) + ": " + what);
    }
}
