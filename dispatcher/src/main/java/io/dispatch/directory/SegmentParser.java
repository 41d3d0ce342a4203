package io.dispatch.directory;

import io.dispatch.directory.SegmentToken.Kind;
import io.dispatch.protocol.DirectoryOp;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser of the segment language (grammar in docs/segments.md), checking attribute names
 * and types against the tenant. Single use.
 */
final class SegmentParser
{
    private static final String OPERATORS = "an operator (=, !=, in, not in, <, <=, >, >=, between, within, before)";

    private final String expression;
    private final TenantDirectory tenant;
    private List<SegmentToken> tokens;
    private int p;

    SegmentParser(final String expression, final TenantDirectory tenant)
    {
        this.expression = expression;
        this.tenant = tenant;
    }

    Segment parse() throws SegmentException
    {
        tokens = new SegmentLexer(expression).tokens();
        final SegmentNode root = or();
        if (peek().kind != Kind.END)
        {
            throw error("'and', 'or' or end of input");
        }
        return new Segment(expression, root);
    }

    private SegmentNode or() throws SegmentException
    {
        SegmentNode left = and();
        while (peek().isKeyword("or"))
        {
            p++;
            left = new SegmentNodes.Or(left, and());
        }
        return left;
    }

    private SegmentNode and() throws SegmentException
    {
        SegmentNode left = unary();
        while (peek().isKeyword("and"))
        {
            p++;
            left = new SegmentNodes.And(left, unary());
        }
        return left;
    }

    private SegmentNode unary() throws SegmentException
    {
        if (peek().isKeyword("not"))
        {
            p++;
            return new SegmentNodes.Not(unary());
        }
        return primary();
    }

    private SegmentNode primary() throws SegmentException
    {
        final SegmentToken t = peek();
        if (t.kind == Kind.LPAREN)
        {
            p++;
            final SegmentNode inner = or();
            expect(Kind.RPAREN, "')' or 'and', 'or'");
            return inner;
        }
        if (t.kind != Kind.IDENT || isReservedWord(t.text))
        {
            throw error("a predicate: an attribute, tag(...), exists(...), reachable(...), consent(...) or '('");
        }
        if (lookahead(1).kind == Kind.LPAREN)
        {
            return function(t);
        }
        p++;
        return comparison(t);
    }

    private SegmentNode function(final SegmentToken name) throws SegmentException
    {
        p += 2;
        final SegmentNode node;
        switch (name.text)
        {
            case "tag":
                node = new SegmentNodes.Tag(expect(Kind.STRING, "a quoted tag after 'tag('").text);
                break;
            case "exists":
            {
                final SegmentToken a = expect(Kind.IDENT, "an attribute name after 'exists('");
                node = "age".equals(a.text) ? new SegmentNodes.Exists("birth_year") : new SegmentNodes.Exists(known(a).name);
                break;
            }
            case "reachable":
                node = new SegmentNodes.Reachable(channel("reachable"));
                break;
            case "consent":
            {
                final int channel = channel("consent");
                boolean night = false;
                if (peek().kind == Kind.COMMA)
                {
                    p++;
                    final SegmentToken n = peek();
                    if (n.kind != Kind.STRING || !"night".equalsIgnoreCase(n.text))
                    {
                        throw error("'night' as the second argument of consent");
                    }
                    p++;
                    night = true;
                }
                node = new SegmentNodes.Consent(channel, night);
                break;
            }
            default:
                p -= 2;
                throw error("tag, exists, reachable or consent before '('");
        }
        expect(Kind.RPAREN, "')'");
        return node;
    }

    private int channel(final String function) throws SegmentException
    {
        final SegmentToken c = peek();
        if (c.kind == Kind.STRING)
        {
            switch (c.text.toLowerCase(java.util.Locale.ROOT))
            {
                case "sms": p++; return 1;
                case "push": p++; return 2;
                case "chat": p++; return 3;
                default: break;
            }
        }
        throw error("'sms', 'push' or 'chat' after '" + function + "('");
    }

    private SegmentNode comparison(final SegmentToken name) throws SegmentException
    {
        if ("age".equals(name.text))
        {
            return numeric(name, true);
        }
        final Attribute a = known(name);
        if (a instanceof AddressAttribute)
        {
            throw error("exists(" + a.name + ") or reachable(...): addresses have no value index");
        }
        if (a.type == DirectoryOp.STRING)
        {
            return string(a);
        }
        if (a.type == DirectoryOp.TIME)
        {
            return time(a);
        }
        return numeric(name, false);
    }

    private SegmentNode string(final Attribute a) throws SegmentException
    {
        final SegmentToken op = peek();
        final boolean negated;
        if (op.kind == Kind.EQ || op.kind == Kind.NE)
        {
            p++;
            final List<String> one = new ArrayList<>();
            one.add(expect(Kind.STRING, "a quoted string for STRING attribute '" + a.name + "'").text);
            return new SegmentNodes.StringIn(a.name, one, op.kind == Kind.NE);
        }
        if (op.isKeyword("not") && lookahead(1).isKeyword("in"))
        {
            p += 2;
            negated = true;
        }
        else if (op.isKeyword("in"))
        {
            p++;
            negated = false;
        }
        else
        {
            throw error("=, !=, in or not in for STRING attribute '" + a.name + "'");
        }
        expect(Kind.LPAREN, "'(' after 'in'");
        final List<String> values = new ArrayList<>();
        do
        {
            values.add(expect(Kind.STRING, "a quoted string in the list").text);
        }
        while (accept(Kind.COMMA));
        expect(Kind.RPAREN, "',' or ')' in the list");
        return new SegmentNodes.StringIn(a.name, values, negated);
    }

    private SegmentNode time(final Attribute a) throws SegmentException
    {
        final SegmentToken op = peek();
        if (op.isKeyword("within") || op.isKeyword("before"))
        {
            p++;
            final SegmentToken d = expect(Kind.DURATION, "a duration like 7d, 12h, 30m or 45s after '" + op.text + "'");
            return new SegmentNodes.TimeSince(a.name, d.value, op.isKeyword("within"));
        }
        throw error("'within' or 'before' for TIME attribute '" + a.name + "'");
    }

    /** INT attributes and age: =, !=, in, not in, <, <=, >, >=, between. */
    private SegmentNode numeric(final SegmentToken name, final boolean age) throws SegmentException
    {
        final String what = age ? "'age'" : "INT attribute '" + name.text + "'";
        final SegmentToken op = peek();
        p++;
        switch (op.kind)
        {
            case EQ: { final long v = number(what); return range(name, age, v, v, false); }
            case NE: { final long v = number(what); return range(name, age, v, v, true); }
            case LT: { final long c = number(what); return c == Long.MIN_VALUE ? empty(name, age) : range(name, age, Long.MIN_VALUE, c - 1, false); }
            case LE: return range(name, age, Long.MIN_VALUE, number(what), false);
            case GT: { final long c = number(what); return c == Long.MAX_VALUE ? empty(name, age) : range(name, age, c + 1, Long.MAX_VALUE, false); }
            case GE: return range(name, age, number(what), Long.MAX_VALUE, false);
            default: break;
        }
        if (op.isKeyword("between"))
        {
            final long lo = number("a number after 'between'");
            if (!peek().isKeyword("and"))
            {
                throw error("'and' after the lower bound of 'between'");
            }
            p++;
            final long hi = number("a number after 'and'");
            return range(name, age, lo, hi, false);
        }
        final boolean negated = op.isKeyword("not") && lookahead(0).isKeyword("in");
        if (negated)
        {
            p++;
        }
        if (negated || op.isKeyword("in"))
        {
            expect(Kind.LPAREN, "'(' after 'in'");
            SegmentNode node = null;
            do
            {
                final long v = number(what + " in the list");
                final SegmentNode one = range(name, age, v, v, false);
                node = node == null ? one : new SegmentNodes.Or(node, one);
            }
            while (accept(Kind.COMMA));
            expect(Kind.RPAREN, "',' or ')' in the list");
            return negated ? new SegmentNodes.And(new SegmentNodes.Exists(age ? "birth_year" : name.text),
                new SegmentNodes.Not(node)) : node;
        }
        p--;
        throw error(age ? OPERATORS.replace(", within, before", "") + " for 'age'"
            : "=, !=, in, not in, <, <=, >, >=, between for " + what);
    }

    private static SegmentNode range(final SegmentToken name, final boolean age, final long lo, final long hi,
        final boolean negated)
    {
        return age ? new SegmentNodes.AgeRange(lo, hi, negated) : new SegmentNodes.NumberRange(name.text, lo, hi, negated);
    }

    private static SegmentNode empty(final SegmentToken name, final boolean age)
    {
        return range(name, age, 1, 0, false);
    }

    private long number(final String what) throws SegmentException
    {
        return expect(Kind.NUMBER, what.startsWith("a ") ? what : "a number for " + what).value;
    }

    private Attribute known(final SegmentToken name) throws SegmentException
    {
        final Attribute a = tenant.attribute(name.text);
        if (a == null)
        {
            throw new SegmentException(name.position, "a known attribute", "'" + name.source + "' (no such attribute)");
        }
        return a;
    }

    private static boolean isReservedWord(final String word)
    {
        switch (word)
        {
            case "and":
            case "or":
            case "in":
            case "between":
            case "within":
            case "before":
                return true;
            default:
                return false;
        }
    }

    private SegmentToken expect(final Kind kind, final String expected) throws SegmentException
    {
        final SegmentToken t = peek();
        if (t.kind != kind)
        {
            throw error(expected);
        }
        p++;
        return t;
    }

    private boolean accept(final Kind kind)
    {
        if (peek().kind == kind)
        {
            p++;
            return true;
        }
        return false;
    }

    private SegmentToken peek()
    {
        return tokens.get(p);
    }

    private SegmentToken lookahead(final int n)
    {
        return tokens.get(Math.min(p + n, tokens.size() - 1));
    }

    private SegmentException error(final String expected)
    {
        final SegmentToken t = peek();
        return new SegmentException(t.position, expected, t.describe());
    }
}
