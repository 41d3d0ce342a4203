package io.dispatch.connector.fcm;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.dispatch.connector.http.RetryAfter;
import io.dispatch.connector.push.Verdict;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * FCM HTTP v1 answers, fuzzed: any status, Retry-After header and body map to a verdict, with a retry delay
 * within 0..{@link RetryAfter#MAX_MS}; a body that is not JSON is an answer like any other, never an
 * exception. Input: u16 status, u8 Retry-After length, Retry-After, body.
 */
class FcmAnswerFuzzTest
{
    private static final long NOW = 1_795_000_000_000L;

    @FuzzTest(maxDuration = "60s")
    void answer(final byte[] input)
    {
        if (input.length < 3)
        {
            return;
        }
        final int status = (input[0] & 0xFF) << 8 | (input[1] & 0xFF);
        final int headerLength = Math.min(input[2] & 0xFF, input.length - 3);
        final String retryAfter = new String(input, 3, headerLength, StandardCharsets.ISO_8859_1);
        final String body = new String(Arrays.copyOfRange(input, 3 + headerLength, input.length), StandardCharsets.UTF_8);
        final Verdict verdict = FcmResults.map(status, body, retryAfter, NOW);
        if (verdict == null || verdict.outcome() == null || verdict.reason() == null
            || verdict.retryAfterMs() < 0 || verdict.retryAfterMs() > RetryAfter.MAX_MS)
        {
            throw new AssertionError("status " + status + " gave " + verdict);
        }
        FcmResults.accessTokenRefused(status, body);
        final long delay = RetryAfter.toMs(retryAfter, NOW);
        if (delay < 0 || delay > RetryAfter.MAX_MS)
        {
            throw new AssertionError("Retry-After '" + retryAfter + "' gave " + delay + " ms");
        }
    }
}
