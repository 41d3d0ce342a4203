package io.dispatch.client.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line flags of the operator commands: {@code --flag value} or {@code --flag=value}, switches without a
 * value, repeatable flags, and positional arguments in between. Every error names the flag. Immutable once parsed.
 */
final class Flags
{
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final List<String> positionals = new ArrayList<>();

    private Flags()
    {
    }

    /**
     * @param switches   flags without a value.
     * @param valued     flags with a value, each at most once unless also in {@code repeatable}.
     * @param repeatable valued flags that may be given many times.
     */
    static Flags parse(final List<String> args, final Set<String> switches, final Set<String> valued,
        final Set<String> repeatable) throws UsageException
    {
        final Flags f = new Flags();
        for (int i = 0; i < args.size(); i++)
        {
            final String arg = args.get(i);
            if (!arg.startsWith("--"))
            {
                f.positionals.add(arg);
                continue;
            }
            final int eq = arg.indexOf('=');
            final String flag = eq > 0 ? arg.substring(0, eq) : arg;
            final String value;
            if (switches.contains(flag))
            {
                if (eq > 0)
                {
                    throw new UsageException(flag + " takes no value");
                }
                value = "";
            }
            else if (!valued.contains(flag))
            {
                throw new UsageException("unknown option " + flag);
            }
            else if (eq > 0)
            {
                value = arg.substring(eq + 1);
            }
            else if (i + 1 < args.size())
            {
                value = args.get(++i);
            }
            else
            {
                throw new UsageException(flag + " needs a value");
            }
            final List<String> list = f.values.computeIfAbsent(flag, k -> new ArrayList<>());
            if (!list.isEmpty() && !repeatable.contains(flag))
            {
                throw new UsageException(flag + " given more than once");
            }
            list.add(value);
        }
        return f;
    }

    boolean has(final String flag)
    {
        return values.containsKey(flag);
    }

    /** @return the value, or {@code otherwise} when the flag is absent. */
    String get(final String flag, final String otherwise)
    {
        final List<String> list = values.get(flag);
        return list == null ? otherwise : list.get(0);
    }

    List<String> all(final String flag)
    {
        return values.getOrDefault(flag, List.of());
    }

    List<String> positionals()
    {
        return positionals;
    }

    long number(final String flag, final long otherwise, final long min, final long max) throws UsageException
    {
        final String value = get(flag, null);
        if (value == null)
        {
            return otherwise;
        }
        return SendArguments.parseLong(flag, value, min, max);
    }

    /** @return the {@code NAME=VALUE} pairs of a repeatable flag, in order. */
    Map<String, String> pairs(final String flag) throws UsageException
    {
        final Map<String, String> pairs = new LinkedHashMap<>();
        for (final String item : all(flag))
        {
            final int eq = item.indexOf('=');
            if (eq <= 0)
            {
                throw new UsageException(flag + " must be NAME=VALUE, was '" + item + "'");
            }
            if (pairs.put(item.substring(0, eq), item.substring(eq + 1)) != null)
            {
                throw new UsageException(flag + " " + item.substring(0, eq) + " given more than once");
            }
        }
        return pairs;
    }

    static Set<String> union(final Set<String> a, final Set<String> b)
    {
        final Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
