package io.dispatch.connector.apns;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.dispatch.connector.push.Verdict;

import java.nio.charset.StandardCharsets;

/** APNs answers (status and the rejection reason Pushy read from the JSON body), fuzzed: always a verdict. */
class ApnsAnswerFuzzTest
{
    @FuzzTest(maxDuration = "60s")
    void answer(final byte[] input)
    {
        if (input.length < 2)
        {
            return;
        }
        final int status = (input[0] & 0xFF) << 8 | (input[1] & 0xFF);
        final String reason = input.length == 2 ? null : new String(input, 2, input.length - 2, StandardCharsets.UTF_8);
        final Verdict verdict = ApnsResults.map(status, reason);
        if (verdict == null || verdict.outcome() == null || verdict.reason() == null || verdict.retryAfterMs() < 0)
        {
            throw new AssertionError("status " + status + " reason " + reason + " gave " + verdict);
        }
    }
}
