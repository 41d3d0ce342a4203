package io.dispatch.load.scenario;

import io.dispatch.protocol.SubmitDescriptor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What a stream's messages carry. Sampled while the catalog is built, never per message. Forms:
 * <pre>
 *   60                                   text of exactly 60 bytes (same as "fixed 60")
 *   uniform 20 200                       text length uniform in [20, 200] bytes
 *   template otp service=Shop code=4829  an engine template with these variables (no text)
 * </pre>
 * <b>Threading:</b> immutable.
 */
public final class Payload
{
    public static final String FORMS = "'60', 'fixed 60', 'uniform 20 200', 'template ID name=value ...'";

    private final int minBytes;
    private final int maxBytes;
    private final String template;
    private final Map<String, String> vars;
    private final String description;

    private Payload(final int minBytes, final int maxBytes, final String template, final Map<String, String> vars,
        final String description)
    {
        this.minBytes = minBytes;
        this.maxBytes = maxBytes;
        this.template = template;
        this.vars = vars;
        this.description = description;
    }

    public static Payload fixed(final int bytes)
    {
        return new Payload(checkLength(bytes), bytes, null, Map.of(), "fixed " + bytes);
    }

    /** @throws IllegalArgumentException saying what is wrong (the caller adds key and line). */
    public static Payload parse(final String expression)
    {
        final String[] t = expression.trim().split("\\s+");
        switch (t[0])
        {
            case "fixed":
                if (t.length != 2)
                {
                    throw new IllegalArgumentException("expected 'fixed BYTES'");
                }
                return fixed(length(t[1]));
            case "uniform":
            {
                if (t.length != 3)
                {
                    throw new IllegalArgumentException("expected 'uniform MIN MAX', e.g. 'uniform 20 200'");
                }
                final int min = length(t[1]);
                final int max = length(t[2]);
                if (max < min)
                {
                    throw new IllegalArgumentException("uniform MIN MAX needs MIN <= MAX, got " + min + " > " + max);
                }
                return new Payload(min, max, null, Map.of(), expression.trim());
            }
            case "template":
            {
                if (t.length < 2)
                {
                    throw new IllegalArgumentException("expected 'template ID [name=value ...]'");
                }
                final Map<String, String> vars = new LinkedHashMap<>();
                for (int i = 2; i < t.length; i++)
                {
                    final int eq = t[i].indexOf('=');
                    if (eq <= 0)
                    {
                        throw new IllegalArgumentException("template variable '" + t[i] + "' is not name=value");
                    }
                    vars.put(t[i].substring(0, eq), t[i].substring(eq + 1));
                }
                return new Payload(0, 0, t[1], Collections.unmodifiableMap(vars), expression.trim());
            }
            default:
                if (t.length == 1 && !t[0].isEmpty() && Character.isDigit(t[0].charAt(0)))
                {
                    return fixed(length(t[0]));
                }
                throw new IllegalArgumentException("unknown payload form '" + expression.trim() + "'; forms: " + FORMS);
        }
    }

    /** @return null for text payloads. */
    public String template() { return template; }
    public Map<String, String> vars() { return vars; }
    public int minBytes() { return minBytes; }
    public int maxBytes() { return maxBytes; }

    /** @return a text length in bytes (0 for a template). */
    public int sampleLength(final SplittableRandom random)
    {
        return template != null ? 0 : minBytes == maxBytes ? minBytes : minBytes + random.nextInt(maxBytes - minBytes + 1);
    }

    @Override
    public String toString()
    {
        return description;
    }

    private static int length(final String s)
    {
        try
        {
            return checkLength(Integer.parseInt(s.trim()));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("text length '" + s + "' is not a whole number");
        }
    }

    private static int checkLength(final int bytes)
    {
        // Exactly one of text and template is required, so a text must not be empty.
        if (bytes < 1 || bytes > SubmitDescriptor.MAX_TEXT_LENGTH)
        {
            throw new IllegalArgumentException("text length must be 1.." + SubmitDescriptor.MAX_TEXT_LENGTH + " bytes, got " + bytes);
        }
        return bytes;
    }
}
