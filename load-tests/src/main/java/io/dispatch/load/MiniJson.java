package io.dispatch.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict little JSON reader: objects become {@code Map}, arrays {@code List}, numbers {@code Long} or
 * {@code Double}. Throws on anything malformed, so parsing is itself a validity check. Used by the tests
 * and by {@link StandardTable} to read report.json back (moved here from the tests rather than adding a
 * third JSON helper to the project).
 */
final class MiniJson
{
    private final String s;
    private int p;

    private MiniJson(final String s)
    {
        this.s = s;
    }

    static Object parse(final String json)
    {
        final MiniJson r = new MiniJson(json);
        final Object v = r.value();
        r.ws();
        if (r.p != json.length())
        {
            throw r.error("trailing characters");
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(final String json)
    {
        return (Map<String, Object>)parse(json);
    }

    private Object value()
    {
        ws();
        if (p >= s.length())
        {
            throw error("unexpected end");
        }
        final char c = s.charAt(p);
        switch (c)
        {
            case '{': return obj();
            case '[': return arr();
            case '"': return str();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", null);
            default: return num();
        }
    }

    private Map<String, Object> obj()
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        p++;
        ws();
        if (s.charAt(p) == '}')
        {
            p++;
            return m;
        }
        while (true)
        {
            ws();
            final String k = str();
            ws();
            expect(':');
            if (m.containsKey(k))
            {
                throw error("duplicate key " + k);
            }
            m.put(k, value());
            ws();
            if (s.charAt(p) == ',')
            {
                p++;
                continue;
            }
            expect('}');
            return m;
        }
    }

    private List<Object> arr()
    {
        final List<Object> l = new ArrayList<>();
        p++;
        ws();
        if (s.charAt(p) == ']')
        {
            p++;
            return l;
        }
        while (true)
        {
            l.add(value());
            ws();
            if (s.charAt(p) == ',')
            {
                p++;
                continue;
            }
            expect(']');
            return l;
        }
    }

    private String str()
    {
        expect('"');
        final StringBuilder sb = new StringBuilder();
        while (true)
        {
            final char c = s.charAt(p++);
            if (c == '"')
            {
                return sb.toString();
            }
            if (c < 0x20)
            {
                throw error("control character in string");
            }
            if (c != '\\')
            {
                sb.append(c);
                continue;
            }
            final char e = s.charAt(p++);
            switch (e)
            {
                case '"': sb.append('"'); break;
                case '\\': sb.append('\\'); break;
                case '/': sb.append('/'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'u':
                    sb.append((char)Integer.parseInt(s.substring(p, p + 4), 16));
                    p += 4;
                    break;
                default: throw error("bad escape \\" + e);
            }
        }
    }

    private Object num()
    {
        final int start = p;
        while (p < s.length() && "+-0123456789.eE".indexOf(s.charAt(p)) >= 0)
        {
            p++;
        }
        final String n = s.substring(start, p);
        if (n.isEmpty())
        {
            throw error("unexpected character");
        }
        if (n.contains(".") || n.contains("e") || n.contains("E"))
        {
            return Double.parseDouble(n);
        }
        return Long.parseLong(n);
    }

    private Object literal(final String word, final Object v)
    {
        if (!s.startsWith(word, p))
        {
            throw error("bad literal");
        }
        p += word.length();
        return v;
    }

    private void expect(final char c)
    {
        if (p >= s.length() || s.charAt(p) != c)
        {
            throw error("expected '" + c + "'");
        }
        p++;
    }

    private void ws()
    {
        while (p < s.length() && Character.isWhitespace(s.charAt(p)))
        {
            p++;
        }
    }

    private IllegalArgumentException error(final String what)
    {
        return new IllegalArgumentException(what + " at " + p + ": " + s.substring(Math.max(0, p - 20),
            Math.min(s.length(), p + 20)));
    }
}
