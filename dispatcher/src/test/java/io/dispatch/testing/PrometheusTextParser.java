package io.dispatch.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4
 * (prometheus/docs: content/docs/instrumenting/exposition_formats.md). Beyond what the format forbids (a second
 * TYPE or HELP for a name, a TYPE after the family's samples, bad names, labels, escapes or values, a repeated
 * series), it also refuses what {@code /metrics} promises never to do: a sample outside the family declared just
 * before it (a split or undeclared family), a family without HELP or TYPE, a counter not named {@code _total}.
 * Each problem is an {@link IllegalArgumentException} naming the line.
 */
public final class PrometheusTextParser
{
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    public record Sample(String name, Map<String, String> labels, double value)
    {
    }

    public static final class Family
    {
        private final String name;
        private String type;
        private String help;
        private final List<Sample> samples = new ArrayList<>();

        Family(final String name)
        {
            this.name = name;
        }

        public String name()
        {
            return name;
        }

        public String type()
        {
            return type;
        }

        public String help()
        {
            return help;
        }

        public List<Sample> samples()
        {
            return samples;
        }
    }

    private final Map<String, Family> families = new LinkedHashMap<>();
    private final Set<String> series = new HashSet<>();
    private Family current;
    private int lineNo;

    private PrometheusTextParser()
    {
    }

    /**
     * @param name a sample's name: the family's, or a summary's {@code _count} / {@code _sum}.
     * @return the value of the sample with exactly these labels, or -1 when the page has none.
     */
    public static double sample(final Map<String, Family> families, final String name, final Map<String, String> labels)
    {
        final Family f = families.get(name.endsWith("_count") || name.endsWith("_sum") ?
            name.substring(0, name.lastIndexOf('_')) : name);
        if (f == null)
        {
            return -1;
        }
        return f.samples().stream().filter(s -> s.name().equals(name) && s.labels().equals(labels))
            .mapToDouble(Sample::value).findFirst().orElse(-1);
    }

    /** @return {@code labels} with one more label (in order, as the page writes them). */
    public static Map<String, String> with(final Map<String, String> labels, final String name, final String value)
    {
        final Map<String, String> out = new LinkedHashMap<>(labels);
        out.put(name, value);
        return out;
    }

    /** @return the families in page order. */
    public static Map<String, Family> parse(final String text)
    {
        if (!text.isEmpty() && !text.endsWith("\n"))
        {
            throw new IllegalArgumentException("the last line does not end with \\n");
        }
        final PrometheusTextParser p = new PrometheusTextParser();
        for (final String line : text.split("\n", -1))
        {
            p.lineNo++;
            p.line(line);
        }
        return p.families;
    }

    private void line(final String line)
    {
        if (line.isBlank())
        {
            return;
        }
        if (line.startsWith("#"))
        {
            final String[] t = line.split(" ", 4);
            if (t.length >= 3 && (t[1].equals("HELP") || t[1].equals("TYPE")))
            {
                descriptor(t[1], t[2], t.length == 4 ? t[3] : "");
            }
            return;
        }
        sample(line);
    }

    private void descriptor(final String kind, final String name, final String text)
    {
        require(METRIC_NAME.matcher(name).matches(), "bad metric name '" + name + "'");
        Family f = families.get(name);
        if (f == null)
        {
            f = new Family(name);
            families.put(name, f);
        }
        else
        {
            require(f == current && f.samples.isEmpty(), "family " + name + " declared again after other lines");
        }
        current = f;
        if (kind.equals("HELP"))
        {
            require(f.help == null, "second HELP for " + name);
            f.help = unescapeHelp(text);
        }
        else
        {
            require(f.type == null, "second TYPE for " + name);
            require(TYPES.contains(text), "unknown type '" + text + "' for " + name);
            f.type = text;
        }
    }

    private void sample(final String line)
    {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ')
        {
            i++;
        }
        final String name = line.substring(0, i);
        require(METRIC_NAME.matcher(name).matches(), "bad metric name '" + name + "'");
        final Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{')
        {
            i = labels(line, i + 1, labels);
        }
        require(i < line.length() && line.charAt(i) == ' ', "no value after " + name);
        final String[] rest = line.substring(i + 1).split(" ", -1);
        require(rest.length == 1 || rest.length == 2, "expected 'value [timestamp]' in " + line);
        final double value = value(rest[0]);
        if (rest.length == 2)
        {
            require(rest[1].matches("-?[0-9]+"), "bad timestamp '" + rest[1] + "'");
        }

        final Family f = current;
        require(f != null && belongs(name, f), "sample " + name + " is not in the family declared before it ("
            + (f == null ? "none" : f.name) + "): undeclared or split family");
        require(f.type != null, "family " + f.name + " has no TYPE before its samples");
        require(f.help != null, "family " + f.name + " has no HELP before its samples");
        if (f.type.equals("counter"))
        {
            require(f.name.endsWith("_total"), "counter " + f.name + " is not named _total");
            require(value >= 0, "counter " + name + " is negative");
        }
        require(series.add(name + labels), "repeated series " + name + labels);
        f.samples.add(new Sample(name, labels, value));
    }

    private static boolean belongs(final String sample, final Family f)
    {
        if (sample.equals(f.name))
        {
            return true;
        }
        final String type = f.type == null ? "untyped" : f.type;
        if (type.equals("summary") || type.equals("histogram"))
        {
            return sample.equals(f.name + "_sum") || sample.equals(f.name + "_count")
                || type.equals("histogram") && sample.equals(f.name + "_bucket");
        }
        return false;
    }

    /** @return the index after the closing brace. */
    private int labels(final String line, final int from, final Map<String, String> out)
    {
        int i = from;
        while (true)
        {
            require(i < line.length(), "unterminated labels");
            if (line.charAt(i) == '}')
            {
                return i + 1;
            }
            final int eq = line.indexOf('=', i);
            require(eq > i, "label without '='");
            final String name = line.substring(i, eq);
            require(LABEL_NAME.matcher(name).matches() && !name.startsWith("__"), "bad label name '" + name + "'");
            require(eq + 1 < line.length() && line.charAt(eq + 1) == '"', "label " + name + " value not quoted");
            final StringBuilder v = new StringBuilder();
            int j = eq + 2;
            while (true)
            {
                require(j < line.length(), "unterminated value of label " + name);
                final char c = line.charAt(j);
                if (c == '"')
                {
                    break;
                }
                if (c == '\\')
                {
                    require(j + 1 < line.length(), "dangling escape in label " + name);
                    final char e = line.charAt(j + 1);
                    require(e == '\\' || e == '"' || e == 'n', "bad escape \\" + e + " in label " + name);
                    v.append(e == 'n' ? '\n' : e);
                    j += 2;
                    continue;
                }
                v.append(c);
                j++;
            }
            require(out.put(name, v.toString()) == null, "label " + name + " twice");
            i = j + 1;
            require(i < line.length(), "unterminated labels");
            if (line.charAt(i) == ',')
            {
                i++;
            }
            else
            {
                require(line.charAt(i) == '}', "expected ',' or '}' after label " + name);
            }
        }
    }

    private double value(final String v)
    {
        switch (v)
        {
            case "NaN": return Double.NaN;
            case "+Inf": return Double.POSITIVE_INFINITY;
            case "-Inf": return Double.NEGATIVE_INFINITY;
            default:
                require(v.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?"), "bad value '" + v + "'");
                return Double.parseDouble(v);
        }
    }

    private String unescapeHelp(final String text)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '\\')
            {
                require(i + 1 < text.length() && (text.charAt(i + 1) == '\\' || text.charAt(i + 1) == 'n'),
                    "bad escape in HELP");
                sb.append(text.charAt(++i) == 'n' ? '\n' : '\\');
                continue;
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private void require(final boolean ok, final String problem)
    {
        if (!ok)
        {
            throw new IllegalArgumentException("line " + lineNo + ": " + problem);
        }
    }
}
