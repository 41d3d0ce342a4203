package io.dispatch.load.scenario;

import io.dispatch.protocol.MessageKind;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A latency objective: every condition must hold. Written {@code p99.ack<5ms}, several joined by commas,
 * e.g. {@code p99.ack<5ms,p99.9.e2e.informational<50ms}. The percentile is {@code p50}, {@code p99},
 * {@code p99.9} (or {@code p999}), {@code p99.99} (or {@code p9999}); the series {@code ack} or
 * {@code e2e}; an optional class restricts it to {@code informational}, {@code auth} or {@code marketing};
 * units {@code us}, {@code ms}, {@code s}.
 * <p>
 * <b>Threading:</b> immutable.
 */
public final class Slo
{
    private static final Pattern CONDITION = Pattern.compile(
        "p(\\d+(?:\\.\\d+)?)\\.(ack|e2e)(?:\\.([a-z]+))?\\s*<\\s*(\\d+(?:\\.\\d+)?)\\s*(us|µs|ms|s)");

    /** One {@code percentile.series[.class] < threshold}. */
    public static final class Condition
    {
        public final double percentile;
        public final boolean e2e;
        /** null: all classes together. */
        public final MessageKind kind;
        public final long thresholdUs;
        public final String text;

        Condition(final double percentile, final boolean e2e, final MessageKind kind, final long thresholdUs,
            final String text)
        {
            this.percentile = percentile;
            this.e2e = e2e;
            this.kind = kind;
            this.thresholdUs = thresholdUs;
            this.text = text;
        }

        @Override
        public String toString()
        {
            return text;
        }
    }

    private final List<Condition> conditions;
    private final String text;

    private Slo(final List<Condition> conditions, final String text)
    {
        this.conditions = Collections.unmodifiableList(conditions);
        this.text = text;
    }

    /** @throws IllegalArgumentException naming the condition that does not parse. */
    public static Slo parse(final String expression)
    {
        final List<Condition> conditions = new ArrayList<>();
        for (final String raw : expression.split(","))
        {
            final String c = raw.trim().toLowerCase(Locale.ROOT);
            final Matcher m = CONDITION.matcher(c);
            if (!m.matches())
            {
                throw new IllegalArgumentException("cannot read SLO condition '" + raw.trim() +
                    "'; expected e.g. 'p99.ack<5ms' or 'p99.9.e2e.informational<50ms'");
            }
            final double percentile = percentile(m.group(1));
            MessageKind kind = null;
            if (m.group(3) != null)
            {
                try
                {
                    kind = MessageKind.valueOf(m.group(3).toUpperCase(Locale.ROOT));
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new IllegalArgumentException("unknown class '" + m.group(3) + "' in SLO condition '" +
                        raw.trim() + "'; classes: informational, auth, marketing");
                }
            }
            final double value = Double.parseDouble(m.group(4));
            final double unitUs = "s".equals(m.group(5)) ? 1e6 : "ms".equals(m.group(5)) ? 1e3 : 1;
            conditions.add(new Condition(percentile, "e2e".equals(m.group(2)), kind, Math.round(value * unitUs), c));
        }
        return new Slo(conditions, expression.trim());
    }

    private static double percentile(final String p)
    {
        final double value;
        switch (p)
        {
            case "999": value = 99.9; break;
            case "9999": value = 99.99; break;
            case "99999": value = 99.999; break;
            default: value = Double.parseDouble(p);
        }
        if (!(value > 0 && value <= 100))
        {
            throw new IllegalArgumentException("SLO percentile must be in (0, 100], got p" + p);
        }
        return value;
    }

    public List<Condition> conditions()
    {
        return conditions;
    }

    @Override
    public String toString()
    {
        return text;
    }
}
