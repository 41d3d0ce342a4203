package io.dispatch.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.SubmitFlyweight;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The body decoders the engine runs on every request, fuzzed directly (much faster than through a
 * connection): a SUBMIT body and a directory op either validate, and then every offset and length they
 * report lies inside the body (the engine reads them without further checks), or they name what is wrong.
 * The buffers are exactly the body, so any read past it throws.
 */
class ProtocolCodecFuzzTest
{
    private final SubmitFlyweight submit = new SubmitFlyweight();
    private final DirectoryOp op = new DirectoryOp();

    @FuzzTest(maxDuration = "60s")
    void submitBody(final byte[] input)
    {
        final UnsafeBuffer body = new UnsafeBuffer(input);
        final ErrorCode invalid = submit.wrap(body, 0, input.length).validate();
        if (invalid != null)
        {
            Fuzz.check(submit.invalidField() != null && !submit.invalidField().isEmpty(), invalid + " names no field");
            return;
        }
        inside(submit.keyOffset(), submit.keyLength(), input.length, "key");
        inside(submit.recipientOffset(), submit.recipientLength(), input.length, "recipient");
        inside(submit.templateOffset(), submit.templateLength(), input.length, "template");
        inside(submit.textOffset(), submit.textLength(), input.length, "text");
        inside(submit.varsOffset(), 0, input.length, "vars");
        submit.kindCode();
        submit.channelCode();
        submit.sendAtEpochMs();
        submit.ttlSeconds();
    }

    @FuzzTest(maxDuration = "60s")
    void directoryOp(final byte[] input)
    {
        final String problem = op.wrap(input, 0, input.length).validate();
        if (problem != null)
        {
            Fuzz.check(!problem.isEmpty(), "an empty problem");
            return;
        }
        final byte type = op.op();
        inside(op.subjectOffset(), op.subjectLength(), input.length, "subject");
        op.subject();
        if (type == DirectoryOp.UPSERT || type == DirectoryOp.PATCH)
        {
            op.resetFields();
            for (int i = 0; i < op.fieldCount(); i++)
            {
                final byte field = op.nextField();
                Fuzz.check(field != 0, "field " + i + " of " + op.fieldCount() + " missing");
                inside(op.nameOffset(), op.nameLength(), input.length, "field name");
                inside(op.valueOffset(), op.valueLength(), input.length, "field value");
                op.name();
                if (field == DirectoryOp.STRING)
                {
                    op.stringValue();
                }
                if (field == DirectoryOp.CONSENT_FIELD)
                {
                    op.fieldConsentChannel();
                    op.fieldConsentSet();
                    op.fieldConsentClear();
                    op.fieldConsentSource();
                }
            }
            Fuzz.check(op.nextField() == 0, "more fields than counted");
        }
        else if (type == DirectoryOp.CONSENT)
        {
            op.consentChannel();
            op.consentSet();
            op.consentClear();
            op.consentAtEpochMs();
            op.source();
        }
        else if (type == DirectoryOp.OPT_OUT)
        {
            inside(op.phoneOffset(), op.phoneLength(), input.length, "phone");
            op.optOutRemoved();
            op.optOutAtEpochMs();
        }
        else if (type == DirectoryOp.INVALIDATE_TOKEN)
        {
            inside(op.tokenOffset(), op.tokenLength(), input.length, "token");
        }
    }

    private static void inside(final int offset, final int length, final int end, final String what)
    {
        Fuzz.check(offset >= 0 && length >= 0 && offset + length <= end,
            what + " at " + offset + " length " + length + " outside the body of " + end + " bytes");
    }
}
