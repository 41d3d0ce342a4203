package io.dispatch.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.dispatch.directory.Directory;
import io.dispatch.directory.Segment;
import io.dispatch.directory.SegmentException;
import io.dispatch.directory.TenantDirectory;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.DirectoryOpWriter;
import org.roaringbitmap.RoaringBitmap;

import java.nio.charset.StandardCharsets;

/**
 * The segment language (docs/segments.md) on fuzzed expressions, against a small directory with every kind of
 * attribute: an expression either compiles or fails with a SegmentException positioned inside it (or just
 * after its end), and a compiled one evaluates to a subset of the live recipients without throwing.
 */
class SegmentFuzzTest
{
    private static final long NOW = 1_795_000_000_000L;
    private static final long DAY = 86_400_000L;
    private static final TenantDirectory TENANT = directory();

    @FuzzTest(maxDuration = "60s")
    void compileAndEvaluate(final byte[] input)
    {
        final String expression = new String(input, StandardCharsets.UTF_8);
        final Segment segment;
        try
        {
            segment = TENANT.compile(expression);
        }
        catch (final SegmentException ex)
        {
            if (ex.position() < 1 || ex.position() > expression.length() + 1)
            {
                throw new AssertionError("position " + ex.position() + " outside the expression of "
                    + expression.length() + " characters: " + ex.getMessage());
            }
            return;
        }
        final RoaringBitmap selected = TENANT.evaluate(segment, NOW);
        if (!RoaringBitmap.andNot(selected, TENANT.live()).isEmpty())
        {
            throw new AssertionError("selected recipients that are not live: " + expression);
        }
    }

    private static TenantDirectory directory()
    {
        final Directory directory = new Directory();
        final DirectoryOpWriter w = new DirectoryOpWriter();
        final DirectoryOp op = new DirectoryOp();
        final String[] regions = {"서울", "부산", "경기"};
        for (int i = 0; i < 60; i++)
        {
            w.upsert("r" + i).string("gender", i % 2 == 0 ? "F" : "M").integer("birth_year", 1950 + i)
                .string("region", regions[i % 3]).time("last_visit", NOW - i * DAY).time("last_purchase", NOW - 3 * i * DAY)
                .string("grade", i % 5 == 0 ? "gold" : "silver").integer("points", i * 37 - 500)
                .time("joined", NOW - i * 7 * DAY);
            if (i % 3 == 0)
            {
                w.addTag("vip");
            }
            if (i % 4 != 0)
            {
                w.string("phone", "+8210" + (10_000_000 + i));
            }
            if (i % 5 == 1)
            {
                w.pushToken(i % 2 == 0 ? "apns" : "fcm", "token-" + i);
            }
            if (i % 6 == 2)
            {
                w.string("chat_key", "chat-" + i);
            }
            w.consentField(i % 2 == 0 ? "sms" : "push", 1 + (i % 3 == 0 ? 2 : 0), 0, NOW - DAY, "seed");
            apply(directory, op, w);
            if (i % 10 == 9)
            {
                apply(directory, op, w.delete("r" + (i - 1)));
            }
        }
        return directory.tenant(1);
    }

    private static void apply(final Directory directory, final DirectoryOp op, final DirectoryOpWriter w)
    {
        final String invalid = op.wrap(w.buffer(), 0, w.length()).validate();
        final String answer = invalid != null ? invalid : directory.apply(1, op, NOW);
        if (answer != null)
        {
            throw new IllegalStateException("the fuzz directory did not build: " + answer);
        }
    }
}
