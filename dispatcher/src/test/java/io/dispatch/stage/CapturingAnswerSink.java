package io.dispatch.stage;

import io.dispatch.protocol.ErrorCode;
import io.dispatch.ring.AnswerSink;

import java.util.ArrayList;
import java.util.List;

/**
 * An answer target that records what the stages offer it, one line per answer, and when the flusher hands its
 * batch to the connection: what a session's encoder would write, without the encoding.
 */
final class CapturingAnswerSink implements AnswerSink
{
    final List<String> offered = new ArrayList<>();
    int flushes;
    private final int tenantId;
    private boolean touched;

    CapturingAnswerSink(final int tenantId)
    {
        this.tenantId = tenantId;
    }

    @Override
    public int tenantId()
    {
        return tenantId;
    }

    @Override
    public byte subscriptionScope()
    {
        return -1;
    }

    @Override
    public boolean offerAck(final long correlationId, final long messageId, final byte outcome)
    {
        return offered.add("ACK " + correlationId + " id=" + messageId + " outcome=" + outcome);
    }

    @Override
    public boolean offerNack(final long correlationId, final ErrorCode code, final byte[] detail)
    {
        return offered.add("NACK " + correlationId + " " + code);
    }

    @Override
    public boolean offerOk(final long correlationId)
    {
        return offered.add("OK " + correlationId);
    }

    @Override
    public boolean offerExplain(final long correlationId, final byte decision, final byte channel,
        final boolean priority, final short reason, final long at, final int fallback, final byte[] fallbackAddress,
        final int window, final long windowLastMs)
    {
        return offered.add("EXPLAIN " + correlationId + " decision=" + decision + " reason=" + reason);
    }

    @Override
    public boolean offerCancelResult(final long correlationId, final long messageId, final byte result)
    {
        return offered.add("CANCEL_RESULT " + correlationId + " id=" + messageId + " result=" + result);
    }

    @Override
    public boolean offerStatusResult(final long correlationId, final long messageId, final int state,
        final int attempts, final int reason, final long updatedAtMs, final int channel, final int kind)
    {
        return offered.add("STATUS_RESULT " + correlationId + " id=" + messageId + " state=" + state);
    }

    @Override
    public boolean offerReceipt(final long messageId, final int state, final int attempts, final int reason,
        final long atMs, final int channel, final long position)
    {
        return offered.add("RECEIPT id=" + messageId + " state=" + state);
    }

    @Override
    public boolean markTouched()
    {
        if (touched)
        {
            return false;
        }
        touched = true;
        return true;
    }

    @Override
    public void flushTouched()
    {
        touched = false;
        flushes++;
    }
}
