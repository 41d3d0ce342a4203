package io.dispatch.load.scenario;

/**
 * One {@code key = value} of a scenario, with where it came from, so that every error can name it.
 *
 * @param where e.g. {@code steady.properties line 7: stream.info.rate}, {@code --set stream.info.rate}
 *              or {@code --rate}: the prefix of every error message about this value.
 */
public record Setting(String key, String value, String where)
{
    /** @return an exception whose message is {@code where + " " + problem}. */
    public ScenarioException error(final String problem)
    {
        return new ScenarioException(where + " " + problem);
    }

    /** @throws ScenarioException naming this setting when the value is not a whole number in [min, max]. */
    public int integer(final int min, final int max)
    {
        final int v;
        try
        {
            v = Integer.parseInt(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw error("expects an integer, got '" + value + "'");
        }
        if (v < min || v > max)
        {
            throw error("must be " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    public static Setting fromFlag(final String flag, final String key, final String value)
    {
        return new Setting(key, value, flag);
    }

    public static Setting fromSet(final String key, final String value)
    {
        return new Setting(key, value, "--set " + key);
    }
}
