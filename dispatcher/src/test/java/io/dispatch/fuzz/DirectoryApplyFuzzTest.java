package io.dispatch.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.dispatch.directory.Directory;
import io.dispatch.directory.SegmentException;
import io.dispatch.directory.TenantDirectory;
import io.dispatch.protocol.DirectoryOp;
import org.roaringbitmap.RoaringBitmap;

/**
 * The recipient directory's op applier on fuzzed op sequences (what DIRECTORY_UPDATE bodies carry, applied on
 * the directory thread): each op that validates is applied or refused with a problem, and a refused op changes
 * nothing (same size, the subject still absent or still at its ordinal); afterwards addresses, ids and segments
 * over the result read without throwing. Input: ops as {@code u8 length, op}.
 */
class DirectoryApplyFuzzTest
{
    private static final long NOW = 1_795_000_000_000L;
    private static final String[] SEGMENTS = {
        "exists(phone) or reachable('push') or reachable('chat')", "consent('sms', 'night') and not tag('vip')",
        "birth_year between 1900 and 2100 or last_visit within 30d or gender = 'F'"};

    private final DirectoryOp op = new DirectoryOp();
    private final byte[] scratch = new byte[TenantDirectory.MAX_ADDRESSES_LENGTH + 512];

    @FuzzTest(maxDuration = "60s")
    void apply(final byte[] input) throws SegmentException
    {
        final Directory directory = new Directory();
        int p = 0;
        while (p < input.length)
        {
            final int length = Math.min(input[p] & 0xFF, input.length - p - 1);
            final int at = p + 1;
            p = at + length;
            if (op.wrap(input, at, length).validate() != null)
            {
                continue;
            }
            final TenantDirectory before = directory.tenant(1);
            final int size = before.size();
            final int ordinal = op.op() == DirectoryOp.OPT_OUT || op.op() == DirectoryOp.INVALIDATE_TOKEN ? -1
                : before.ordinal(input, op.subjectOffset(), op.subjectLength());
            final String problem = directory.apply(1, op, NOW);
            final TenantDirectory after = directory.tenant(1);
            if (problem != null && (after.size() != size || ordinal >= 0
                && after.ordinal(input, op.subjectOffset(), op.subjectLength()) != ordinal))
            {
                throw new AssertionError("refused op changed the directory: " + problem);
            }
        }
        final TenantDirectory t = directory.tenant(1);
        final RoaringBitmap live = t.live();
        live.forEach((int ordinal) ->
        {
            t.recipientId(ordinal, scratch, 0);
            for (int channel = 1; channel <= 3; channel++)
            {
                t.address(ordinal, channel, scratch, 0);
                t.addresses(ordinal, channel, scratch, 0);
            }
        });
        for (final String s : SEGMENTS)
        {
            if (!RoaringBitmap.andNot(t.evaluate(t.compile(s), NOW), live).isEmpty())
            {
                throw new AssertionError(s + " selected recipients that are not live");
            }
        }
    }
}
