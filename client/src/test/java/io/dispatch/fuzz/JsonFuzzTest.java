package io.dispatch.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.dispatch.json.Json;

import java.nio.charset.StandardCharsets;

/**
 * The shared JSON reader (import lines, provider answers, webhook bodies): any text either parses or fails
 * with the documented IllegalArgumentException saying where; and every string survives {@link Json#quote}
 * and parsing back unchanged (the webhook and report writers rely on it).
 */
class JsonFuzzTest
{
    @FuzzTest(maxDuration = "60s")
    void parse(final byte[] input)
    {
        final String text = new String(input, StandardCharsets.UTF_8);
        try
        {
            Json.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            Fuzz.check(ex.getMessage() != null && ex.getMessage().startsWith("bad JSON at "),
                "parse error without the position: " + ex.getMessage());
        }
        try
        {
            Json.string(Json.parseObject(text), "error");
        }
        catch (final IllegalArgumentException ex)
        {
            Fuzz.check(ex.getMessage().startsWith("bad JSON at "), "parse error without the position: " + ex.getMessage());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void quoteRoundTrip(final byte[] input)
    {
        final String value = new String(input, StandardCharsets.UTF_8);
        final String quoted = Json.quote(new StringBuilder(), value).toString();
        final Object back = Json.parse(quoted);
        Fuzz.check(value.equals(back), "quote then parse changed " + quoted);
    }
}
