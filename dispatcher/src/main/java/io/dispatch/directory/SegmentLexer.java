package io.dispatch.directory;

import io.dispatch.directory.SegmentToken.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Splits a segment expression into {@link SegmentToken}s. Single use. */
final class SegmentLexer
{
    private final String s;
    private int i;

    SegmentLexer(final String expression)
    {
        this.s = expression;
    }

    List<SegmentToken> tokens() throws SegmentException
    {
        final List<SegmentToken> tokens = new ArrayList<>();
        while (true)
        {
            while (i < s.length() && Character.isWhitespace(s.charAt(i)))
            {
                i++;
            }
            if (i >= s.length())
            {
                tokens.add(new SegmentToken(Kind.END, "", 0, s.length() + 1, ""));
                return tokens;
            }
            tokens.add(next());
        }
    }

    private SegmentToken next() throws SegmentException
    {
        final int start = i;
        final char c = s.charAt(i);
        if (Character.isLetter(c) || c == '_')
        {
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_'))
            {
                i++;
            }
            final String word = s.substring(start, i);
            return new SegmentToken(Kind.IDENT, word.toLowerCase(Locale.ROOT), 0, start + 1, word);
        }
        if (Character.isDigit(c) || c == '-' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))
        {
            return number(start);
        }
        if (c == '\'')
        {
            return string(start);
        }
        i++;
        switch (c)
        {
            case '(': return symbol(Kind.LPAREN, start);
            case ')': return symbol(Kind.RPAREN, start);
            case ',': return symbol(Kind.COMMA, start);
            case '=': return symbol(Kind.EQ, start);
            case '!':
                if (i < s.length() && s.charAt(i) == '=')
                {
                    i++;
                    return symbol(Kind.NE, start);
                }
                break;
            case '<':
                if (i < s.length() && s.charAt(i) == '=')
                {
                    i++;
                    return symbol(Kind.LE, start);
                }
                if (i < s.length() && s.charAt(i) == '>')
                {
                    i++;
                    return symbol(Kind.NE, start);
                }
                return symbol(Kind.LT, start);
            case '>':
                if (i < s.length() && s.charAt(i) == '=')
                {
                    i++;
                    return symbol(Kind.GE, start);
                }
                return symbol(Kind.GT, start);
            default:
                break;
        }
        throw new SegmentException(start + 1, "an attribute, a value or an operator", "'" + s.substring(start, i) + "'");
    }

    private SegmentToken symbol(final Kind kind, final int start)
    {
        final String text = s.substring(start, i);
        return new SegmentToken(kind, text, 0, start + 1, text);
    }

    private SegmentToken number(final int start) throws SegmentException
    {
        i++;
        while (i < s.length() && Character.isDigit(s.charAt(i)))
        {
            i++;
        }
        final String digits = s.substring(start, i);
        final long value;
        try
        {
            value = Long.parseLong(digits);
        }
        catch (final NumberFormatException ex)
        {
            throw new SegmentException(start + 1, "a number within 64 bits", "'" + digits + "'");
        }
        if (i < s.length() && Character.isLetter(s.charAt(i)))
        {
            final int unitAt = i;
            while (i < s.length() && Character.isLetterOrDigit(s.charAt(i)))
            {
                i++;
            }
            final String unit = s.substring(unitAt, i).toLowerCase(Locale.ROOT);
            final long unitMs = unitMs(unit);
            if (unitMs == 0 || value < 0)
            {
                throw new SegmentException(start + 1, "a duration like 7d, 12h, 30m or 45s", "'" + s.substring(start, i) + "'");
            }
            if (value > Long.MAX_VALUE / unitMs)
            {
                throw new SegmentException(start + 1, "a shorter duration", "'" + s.substring(start, i) + "'");
            }
            return new SegmentToken(Kind.DURATION, s.substring(start, i), value * unitMs, start + 1, s.substring(start, i));
        }
        return new SegmentToken(Kind.NUMBER, digits, value, start + 1, digits);
    }

    private static long unitMs(final String unit)
    {
        switch (unit)
        {
            case "s": return 1000L;
            case "m": return 60_000L;
            case "h": return 3_600_000L;
            case "d": return 86_400_000L;
            default: return 0;
        }
    }

    private SegmentToken string(final int start) throws SegmentException
    {
        final StringBuilder sb = new StringBuilder();
        i++;
        while (true)
        {
            if (i >= s.length())
            {
                throw new SegmentException(s.length() + 1, "a closing quote for the string at " + (start + 1), "end of input");
            }
            final char c = s.charAt(i++);
            if (c == '\'')
            {
                if (i < s.length() && s.charAt(i) == '\'')
                {
                    sb.append('\'');
                    i++;
                    continue;
                }
                return new SegmentToken(Kind.STRING, sb.toString(), 0, start + 1, s.substring(start, i));
            }
            sb.append(c);
        }
    }
}
