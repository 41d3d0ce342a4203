package io.dispatch.directory;

/** One lexical token of a segment expression. Immutable. */
final class SegmentToken
{
    enum Kind
    {
        IDENT, NUMBER, DURATION, STRING, LPAREN, RPAREN, COMMA, EQ, NE, LT, LE, GT, GE, END
    }

    final Kind kind;
    /** Identifiers lower-cased; strings unescaped. */
    final String text;
    /** NUMBER: the value; DURATION: milliseconds. */
    final long value;
    /** 1-based. */
    final int position;
    /** As written, for error messages. */
    final String source;

    SegmentToken(final Kind kind, final String text, final long value, final int position, final String source)
    {
        this.kind = kind;
        this.text = text;
        this.value = value;
        this.position = position;
        this.source = source;
    }

    boolean isKeyword(final String keyword)
    {
        return kind == Kind.IDENT && text.equals(keyword);
    }

    /** How an error message names this token. */
    String describe()
    {
        return kind == Kind.END ? "end of input" : "'" + source + "'";
    }
}
