package io.dispatch.ingest;

import io.dispatch.config.AdMarking;
import io.dispatch.config.AdMarkingMode;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.protocol.SubmitFlyweight;
import io.dispatch.ring.DispatchEvent;
import io.netty.buffer.ByteBuf;

/**
 * The ad-marking rule at ingest (docs/policies.md): marketing content must carry (광고) and a free opt-out
 * notice; it is checked, or added to literal text under {@code policy.adMarking.<channel>=add}. Templates
 * are checked, never rewritten. One per session, used on its event loop.
 */
final class SubmitMarking
{
    /** {@link #check} result: refused, {@link #problem()} says why. */
    static final int REFUSED = -2;
    /** {@link #check} result: use the body as it is. */
    static final int AS_IS = -1;

    private final IngestContext context;
    private String problem;

    SubmitMarking(final IngestContext context)
    {
        this.context = context;
    }

    /** @return {@link #AS_IS}, {@link #REFUSED}, or the length of the marked text the body must get. */
    int check(final ByteBuf frame, final SubmitFlyweight submit, final int template, final int tenantId)
    {
        final AdMarkingMode mode = context.adMarking[submit.channelCode()];
        if (mode == AdMarkingMode.OFF)
        {
            return AS_IS;
        }
        if (template >= 0)
        {
            return context.templates.isAdMarked(template) ? AS_IS : refuse("templateId: a marketing template must "
                + "start with (광고) and carry a free opt-out notice (무료수신거부 080-…)");
        }
        final int at = submit.textOffset();
        final int length = submit.textLength();
        if (AdMarking.isMarked(frame, at, length))
        {
            return AS_IS;
        }
        final byte[] footer = context.optOutFooters[tenantId];
        if (mode == AdMarkingMode.VALIDATE)
        {
            return refuse("text: marketing text must start with (광고) and carry a free opt-out notice (무료수신거부 080-…)");
        }
        if (footer == null && !AdMarking.hasOptOut(frame, at, length))
        {
            return refuse("text: marketing text has no free opt-out notice and the tenant has no optOutFooter");
        }
        final int marked = AdMarking.markedLength(frame, at, length, footer);
        if (marked > SubmitDescriptor.MAX_TEXT_LENGTH)
        {
            return refuse("text: longer than " + SubmitDescriptor.MAX_TEXT_LENGTH
                + " bytes once (광고) and the opt-out footer are added");
        }
        return marked;
    }

    String problem()
    {
        return problem;
    }

    /** Copies the SUBMIT body into the ring slot with its text replaced by the marked text. */
    void copyMarked(final DispatchEvent e, final ByteBuf frame, final SubmitFlyweight submit, final int offset,
        final int length, final int markedTextLength, final int tenantId)
    {
        final int textLengthAt = submit.textOffset() - 2 - offset;
        final int restAt = submit.textOffset() + submit.textLength();
        final int restLength = offset + length - restAt;
        final byte[] body = e.ensureBodyCapacity(length - submit.textLength() + markedTextLength);
        frame.getBytes(offset, body, 0, textLengthAt);
        final int written = AdMarking.addTo(body, textLengthAt + 2, frame, submit.textOffset(), submit.textLength(),
            context.optOutFooters[tenantId]);
        body[textLengthAt] = (byte)written;
        body[textLengthAt + 1] = (byte)(written >>> 8);
        frame.getBytes(restAt, body, textLengthAt + 2 + written, restLength);
        e.bodyLength = textLengthAt + 2 + written + restLength;
    }

    private int refuse(final String why)
    {
        problem = why;
        return REFUSED;
    }
}
