package io.dispatch.load.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a scenario file: one {@code key = value} per line, {@code #} starts a comment line, blank lines
 * are ignored. Deliberately smaller than {@link java.util.Properties} (no escapes, no continuation lines)
 * so that each setting keeps its line number for error messages. A key given twice is an error.
 * <p>
 * <b>Threading:</b> stateless.
 */
public final class ScenarioFile
{
    private ScenarioFile()
    {
    }

    /** @throws ScenarioException naming the file and line of the first malformed line. */
    public static List<Setting> read(final Path file)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new ScenarioException("--scenario: cannot read " + file + " (" + ex + ")");
        }
        return parse(file.getFileName().toString(), lines);
    }

    public static List<Setting> parse(final String fileName, final List<String> lines)
    {
        final List<Setting> settings = new ArrayList<>();
        final Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i).strip();
            final int number = i + 1;
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final int eq = line.indexOf('=');
            if (eq <= 0)
            {
                throw new ScenarioException(fileName + " line " + number + ": expected 'key = value', got '" + line + "'");
            }
            final String key = line.substring(0, eq).strip();
            final String value = line.substring(eq + 1).strip();
            if (key.isEmpty() || key.chars().anyMatch(Character::isWhitespace))
            {
                throw new ScenarioException(fileName + " line " + number + ": malformed key '" + key + "'");
            }
            final Integer previous = seen.put(key, number);
            if (previous != null)
            {
                throw new ScenarioException(fileName + " line " + number + ": " + key + " is already set on line " + previous);
            }
            settings.add(new Setting(key, value, fileName + " line " + number + ": " + key));
        }
        return Collections.unmodifiableList(settings);
    }
}
