package io.dispatch;

import io.dispatch.config.ApiKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command's own contract; that the engine accepts what it prints is in {@code CredentialsIT}. */
class HashKeyMainTest
{
    @Test
    void shouldPrintOnlyTheHashOfTheFirstLineOfStandardInput()
    {
        final List<String> lines = HashKeyRunner.run("s3cret\r\nignored\n", "--iterations", "10_000");
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("pbkdf2-sha256$10000$");
        assertThat(ApiKey.parse(lines.get(0), "k").matches("s3cret".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(HashKeyRunner.run("s3cret\n").get(0)).as("the default").startsWith("pbkdf2-sha256$600000$");
    }

    @Test
    void shouldRefuseMistakesWithAOneLineErrorAndTheUsage()
    {
        assertError(HashKeyRunner.runForResult("", "--iterations", "10000"), "error: no key given on standard input");
        assertError(HashKeyRunner.runForResult("k\n", "--iterations", "100"),
            "error: --iterations 100 is outside [10000, 10000000]");
        assertError(HashKeyRunner.runForResult("k\n", "--iterations"), "error: --iterations needs a value");
        assertError(HashKeyRunner.runForResult("k\n", "--key", "k"), "error: unknown option --key");
        assertError(HashKeyRunner.runForResult("x".repeat(256) + "\n"),
            "error: the key is longer than 255 bytes, the most a HELLO carries");
        assertError(HashKeyRunner.runForResult(HashKeyRunner.run("k\n", "--iterations", "10000").get(0) + "\n"),
            "error: that is already a hash; give the key itself");
    }

    private static void assertError(final HashKeyRunner.Result r, final String firstLine)
    {
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().findFirst()).hasValue(firstLine);
    }
}
