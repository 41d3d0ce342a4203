package io.dispatch.ingest;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.AckFlyweight;
import io.dispatch.protocol.CreditFlyweight;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.OkFlyweight;
import io.dispatch.status.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What a connection's event loop writes to the client, and the credit window that rides on it: the answers the
 * {@link SessionProxy} queued (the drain), refusals, and CREDIT. Credit taken by a request comes back once it is
 * answered ({@link #answered}), or at once when it is refused; it is granted only while the engine is not under
 * pressure, on the next write or tick (docs/design/backpressure.md).
 * <p>
 * <b>Note:</b> not thread-safe; the connection's event loop only (part of its {@link SessionHandler}).
 */
final class SessionOutput
{
    private final SessionHandler session;
    private final IngestContext context;
    private final SessionProxy proxy;
    private final SessionExit exit;
    private final RequestAdapter requests;
    /** Cluster mode writes its ACKs here, not through the proxy: encoded on this scratch, so only the ByteBuf is new. */
    private final AckFlyweight ack = new AckFlyweight().wrap(new UnsafeBuffer(new byte[AckFlyweight.FRAME_LENGTH]), 0);
    private ChannelHandlerContext ctx;
    /** Requests the client may still send. */
    private int credit;
    /** Credit earned back, not granted yet. */
    private int owedCredit;
    /** Requests taken whose answer is not written yet. */
    private int outstanding;

    SessionOutput(final SessionHandler session, final IngestContext context, final SessionProxy proxy,
        final SessionExit exit, final RequestAdapter requests)
    {
        this.session = session;
        this.context = context;
        this.proxy = proxy;
        this.exit = exit;
        this.requests = requests;
    }

    void channel(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
    }

    /** Authenticated: the initial window. */
    void openCredit(final int initialCredit)
    {
        credit = initialCredit;
    }

    int credit()
    {
        return credit;
    }

    int outstanding()
    {
        return outstanding;
    }

    /** Takes one credit for a request, or answers NACK CREDIT_EXCEEDED. */
    boolean takeCredit(final long correlationId)
    {
        if (credit <= 0)
        {
            nack(correlationId, ErrorCode.CREDIT_EXCEEDED, "no credit left: wait for CREDIT");
            return false;
        }
        credit--;
        return true;
    }

    /** The request waits for room: its credit is taken again when it is processed again. */
    void giveCreditBack()
    {
        credit++;
    }

    /** The request is in the ring or with another thread: one answer is owed. */
    void handedOn()
    {
        outstanding++;
    }

    /** A NACK for a refused request, counted as a refused SUBMIT; its credit is not given back (see below). */
    void nack(final long correlationId, final ErrorCode code, final String detail)
    {
        context.counters.increment(Counter.SUBMITS_NACKED);
        refuse(correlationId, code, detail);
    }

    /** A NACK that counts no refused SUBMIT: a refused SUBSCRIBE. */
    void refuse(final long correlationId, final ErrorCode code, final String detail)
    {
        final ByteBuf out = ctx.alloc().buffer(64);
        ByteBufFrames.nack(out, correlationId, code, detail);
        ctx.write(out);
    }

    /** A request that took a credit is refused: NACK, and the credit is owed back. */
    void nackReturningCredit(final long correlationId, final ErrorCode code, final String detail)
    {
        nack(correlationId, code, detail);
        owedCredit++;
        session.armTick();
    }

    void error(final long correlationId, final ErrorCode code, final String detail)
    {
        final ByteBuf out = ctx.alloc().buffer(64);
        ByteBufFrames.error(out, correlationId, code, detail);
        ctx.write(out);
    }

    void ok(final long correlationId)
    {
        final ByteBuf out = ctx.alloc().buffer(OkFlyweight.FRAME_LENGTH);
        ByteBufFrames.ok(out, correlationId);
        ctx.write(out);
    }

    /** Appends an ACK (accepted) to {@code out}: the answer to a SUBMIT the cluster's intake took. */
    void ack(final ByteBuf out, final long correlationId, final long messageId)
    {
        ack.header(MessageType.ACK, AckFlyweight.FRAME_LENGTH, correlationId);
        ack.messageId(messageId).outcome(AckFlyweight.ACCEPTED);
        out.writeBytes(ack.buffer().byteArray(), 0, AckFlyweight.FRAME_LENGTH);
    }

    /** An answer written here rather than drained (cluster intake, targeting): its credit rides on it. */
    void writeAnswer(final ByteBuf answer)
    {
        outstanding--;
        owedCredit++;
        appendCredit(answer);
        ctx.writeAndFlush(answer, ctx.voidPromise());
        exit.maybeFinish();
        session.armTick();
    }

    /** An answer owed to a connection that is gone: nothing to write. */
    void dropAnswer()
    {
        outstanding--;
        owedCredit++;
        session.armTick();
    }

    /**
     * Writes what the proxy's queues hold (docs/design/answer-order.md): receipts are read before answers and
     * written after them. The ring thread queues a message's ACK before any receipt of it, so every ACK a receipt
     * read here depends on is already in the answer queue when that is read next.
     */
    void drain()
    {
        final boolean writable = ctx.channel().isWritable();
        ByteBuf receiptFrames = null;
        if (writable && proxy.hasReceipts())
        {
            receiptFrames = ctx.alloc().directBuffer(4096);
            context.counters.add(Counter.RECEIPTS_SENT, proxy.drainReceipts(receiptFrames, 8192));
            final int dropped = proxy.takeDroppedReceipts();
            if (dropped > 0)
            {
                ByteBufFrames.receiptsDropped(receiptFrames, dropped);
                context.counters.add(Counter.RECEIPTS_DROPPED, dropped);
            }
        }
        final ByteBuf out = ctx.alloc().directBuffer(4096);
        final int answered = proxy.drainAnswers(out);
        outstanding -= answered;
        owedCredit += answered;
        if (writable)
        {
            proxy.drainInbound(out, 1024);
        }
        appendCredit(out);
        boolean written = write(out);
        if (receiptFrames != null)
        {
            written |= write(receiptFrames);
        }
        if (written)
        {
            ctx.flush();
        }
        if (proxy.hasMoreStreamed() && ctx.channel().isWritable())
        {
            proxy.scheduleDrain();
        }
        exit.maybeFinish();
        session.armTick();
    }

    /** @return true when there was something to write (and it is written, not flushed). */
    private boolean write(final ByteBuf frames)
    {
        if (frames.isReadable())
        {
            ctx.write(frames, ctx.voidPromise());
            return true;
        }
        frames.release();
        return false;
    }

    /** The periodic tick: grants credit withheld under pressure once the pressure has gone. */
    void grantOwedCredit()
    {
        if (mayGrantCredit())
        {
            final ByteBuf out = ctx.alloc().buffer(CreditFlyweight.FRAME_LENGTH);
            appendCredit(out);
            ctx.writeAndFlush(out, ctx.voidPromise());
        }
    }

    /** @return whether credit is owed that a tick may still grant (none is after the client's GOODBYE). */
    boolean owesCredit()
    {
        return owedCredit > 0 && !exit.goodbyeReceived();
    }

    private boolean mayGrantCredit()
    {
        return owedCredit > 0 && !exit.goodbyeReceived() && !context.underPressure(!requests.sendsMarketing());
    }

    private void appendCredit(final ByteBuf out)
    {
        if (mayGrantCredit())
        {
            ByteBufFrames.credit(out, owedCredit);
            credit += owedCredit;
            owedCredit = 0;
        }
    }
}
