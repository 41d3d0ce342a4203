package io.dispatch.ingest;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.netty.ByteBufView;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.OkFlyweight;
import io.dispatch.protocol.PingFlyweight;
import io.dispatch.protocol.SubmitBatchFlyweight;
import io.dispatch.status.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

import java.util.concurrent.TimeUnit;

/**
 * What a connection does with each frame it reads: checks the header, hands HELLO to the {@link Handshake} and
 * GOODBYE to the {@link SessionExit}, refuses anything before HELLO, routes a request by type to the
 * {@link RequestAdapter} or {@link SubscriptionRequests} (taking its credit first when it costs one), and settles the
 * outcome through {@link SessionOutput}. A request that finds no room waits in {@link ParkedRequests} with every frame
 * read after it, in order, and reading stops until it got in (docs/design/backpressure.md).
 * <p>
 * <b>Note:</b> not thread-safe; the connection's event loop only (part of its {@link SessionHandler}). Allocates
 * nothing on the SUBMIT path.
 */
final class FrameDispatch
{
    /**
     * 2 ms: marketing's 1,024 slots then still carry 500,000 msg/s, and the event loop, which polls without blocking
     * for the last half millisecond before a timer is due, spins a quarter of the wait instead of half of it.
     */
    private static final long MARKETING_RETRY_MS = 2;

    private final IngestContext context;
    private final SessionHandler session;
    private final Handshake handshake;
    private final RequestAdapter requests;
    private final SubscriptionRequests subscriptions;
    private final SessionExit exit;
    private final SessionOutput output;
    private final ParkedRequests parked = new ParkedRequests();
    private final ByteBufView view = new ByteBufView();
    private final PingFlyweight ping = new PingFlyweight();
    private final SubmitBatchFlyweight batch = new SubmitBatchFlyweight();

    /** System.nanoTime() of the socket read being decoded, 0 between reads. */
    private long readNanos;
    /** Set by a request that found no room: the frame being processed joins {@link #parked}. */
    private boolean parkCurrent;
    /** With {@link #parkCurrent} on a SUBMIT_BATCH: the item that found no room. */
    private int parkedBatchItem;
    /** A parked frame is being processed again: it was counted when it was read. */
    private boolean replaying;
    private boolean marketingRetryPending;

    FrameDispatch(final IngestContext context, final SessionHandler session, final Handshake handshake,
        final RequestAdapter requests, final SubscriptionRequests subscriptions, final SessionExit exit,
        final SessionOutput output)
    {
        this.context = context;
        this.session = session;
        this.handshake = handshake;
        this.requests = requests;
        this.subscriptions = subscriptions;
        this.exit = exit;
        this.output = output;
    }

    /**
     * A frame read while the connection reads requests.
     *
     * @return true when the frame waits (it is kept); false when it was processed and may be released.
     */
    boolean onRead(final ByteBuf frame)
    {
        if (readNanos == 0)
        {
            readNanos = System.nanoTime(); // once per socket read: every frame of it arrived then
        }
        if (!parked.isEmpty())
        {
            parked.add(frame); // behind the request that waits for room: requests keep their order
            return true;
        }
        onFrame(frame);
        if (parkCurrent)
        {
            parkCurrent = false;
            parked.add(frame);
            parked.batchResumeAt(parkedBatchItem);
            session.ctx().channel().config().setAutoRead(false);
            retrySoonIfMarketingShare();
            session.armTick();
            return true;
        }
        return false;
    }

    /**
     * Marketing's ring share frees up within a ring batch, not a tick: a request waiting for it is retried after
     * {@link #MARKETING_RETRY_MS}, so a bulk client still fills what marketing may hold.
     */
    private void retrySoonIfMarketingShare()
    {
        if (requests.takeWaitsForMarketingShare() && !marketingRetryPending)
        {
            marketingRetryPending = true;
            session.ctx().executor().schedule(() ->
            {
                marketingRetryPending = false;
                if (!parked.isEmpty())
                {
                    replayParked();
                }
            }, MARKETING_RETRY_MS, TimeUnit.MILLISECONDS);
        }
    }

    void readComplete()
    {
        readNanos = 0;
    }

    /**
     * The periodic tick, and a drain's GOODBYE: processes the waiting frames again, in order, until one still finds
     * no room; reading resumes once none waits.
     */
    void replayParked()
    {
        while (!parked.isEmpty() && !session.isClosed())
        {
            replaying = true;
            try
            {
                onFrame(parked.head());
            }
            finally
            {
                replaying = false;
            }
            if (parkCurrent)
            {
                parkCurrent = false;
                parked.batchResumeAt(parkedBatchItem);
                retrySoonIfMarketingShare();
                session.armTick();
                break;
            }
            parked.removeHead();
        }
        if (parked.isEmpty() && !session.isClosed() && !handshake.authenticating() && !exit.stopsReading())
        {
            session.ctx().channel().config().setAutoRead(true);
        }
        session.ctx().flush();
    }

    boolean hasParked()
    {
        return !parked.isEmpty();
    }

    void releaseParked()
    {
        parked.releaseAll();
    }

    private void onFrame(final ByteBuf frame)
    {
        if (!replaying)
        {
            context.counters.increment(Counter.FRAMES_RECEIVED);
        }
        final int start = frame.readerIndex();
        if (frame.readableBytes() < FrameDescriptor.HEADER_LENGTH)
        {
            session.fatal(0, ErrorCode.MALFORMED_FRAME, "frame length field below 12");
            return;
        }
        final int version = frame.getUnsignedByte(start + FrameDescriptor.VERSION_OFFSET);
        final byte type = frame.getByte(start + FrameDescriptor.TYPE_OFFSET);
        final long correlationId = frame.getLongLE(start + FrameDescriptor.CORRELATION_ID_OFFSET);
        if (version != FrameDescriptor.CURRENT_VERSION)
        {
            session.fatal(correlationId, ErrorCode.UNSUPPORTED_VERSION, "frame version " + version +
                "; this server speaks 1..1");
            return;
        }
        final int body = start + FrameDescriptor.HEADER_LENGTH;
        final int length = frame.readableBytes() - FrameDescriptor.HEADER_LENGTH;
        if (exit.goodbyeReceived())
        {
            return;
        }
        final int flags = frame.getUnsignedShortLE(start + FrameDescriptor.FLAGS_OFFSET);
        if (flags != 0)
        {
            // no header flag is defined in v1: a frame that sets one asks for something this server cannot do
            context.counters.increment(Counter.PROTOCOL_ERRORS);
            output.error(correlationId, ErrorCode.UNSUPPORTED_FEATURE, "header flags must be 0, got 0x" +
                Integer.toHexString(flags) + "; " + MessageType.name(type) + " ignored");
            return;
        }
        if (type == MessageType.HELLO)
        {
            handshake.onHello(correlationId, frame, body, length);
            return;
        }
        if (type == MessageType.GOODBYE)
        {
            // also before HELLO: the client is leaving either way, and a half-open unauthenticated socket helps nobody
            exit.onGoodbye();
            return;
        }
        if (handshake.tenant() == null)
        {
            output.error(correlationId, ErrorCode.NOT_AUTHENTICATED, "send HELLO first; " + MessageType.name(type) +
                " ignored");
            return;
        }
        onRequest(type, correlationId, frame, body, length);
    }

    private void onRequest(final byte type, final long correlationId, final ByteBuf frame, final int body,
        final int length)
    {
        switch (type)
        {
            case MessageType.PING:
                onPing(correlationId, frame, body, length);
                break;
            case MessageType.PONG:
                break; // the server sends no PING; a stray PONG is harmless
            case MessageType.SUBMIT:
                onSubmit(correlationId, frame, body, length);
                break;
            case MessageType.SUBMIT_BATCH:
                onSubmitBatch(correlationId, frame, body, length);
                break;
            case MessageType.STATUS:
                if (!replaying)
                {
                    context.counters.increment(Counter.STATUS_QUERIES);
                }
                if (output.takeCredit(correlationId))
                {
                    settle(correlationId, requests.onStatus(correlationId, frame, body, length));
                }
                break;
            case MessageType.SUBSCRIBE:
                answerSubscription(correlationId,
                    subscriptions.onSubscribe(frame, body, length, correlationId, okOnEventLoop(correlationId)));
                break;
            case MessageType.SUBSCRIBE_INBOUND:
                answerSubscription(correlationId,
                    subscriptions.onSubscribeInbound(frame, body, length, okOnEventLoop(correlationId)));
                break;
            case MessageType.CANCEL:
                if (output.takeCredit(correlationId))
                {
                    settle(correlationId, requests.onCancel(correlationId, frame, body, length));
                }
                break;
            case MessageType.CONSENT:
                if (output.takeCredit(correlationId))
                {
                    settle(correlationId, requests.onConsent(correlationId, frame, body, length));
                }
                break;
            case MessageType.DIRECTORY_UPDATE:
            case MessageType.CAMPAIGN:
            case MessageType.CAMPAIGN_CONTROL:
            case MessageType.CAMPAIGN_STATS:
                if (output.takeCredit(correlationId))
                {
                    settle(correlationId, requests.onTargeting(TargetingFrames.requestType(type), correlationId, frame,
                        body, length));
                }
                break;
            default:
                context.counters.increment(Counter.PROTOCOL_ERRORS);
                output.error(correlationId, ErrorCode.UNKNOWN_MESSAGE_TYPE, "unknown message type " +
                    MessageType.name(type));
        }
    }

    private void onPing(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        final ErrorCode invalid = ping.wrap(view.wrap(frame), offset, length).validate();
        if (invalid != null)
        {
            context.counters.increment(Counter.PROTOCOL_ERRORS);
            output.error(correlationId, invalid, ping.problem());
            return;
        }
        final ChannelHandlerContext ctx = session.ctx();
        final ByteBuf out = ctx.alloc().buffer(PingFlyweight.FRAME_LENGTH);
        ByteBufFrames.pong(out, correlationId, ping.payload());
        ctx.write(out);
    }

    private void onSubmit(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        if (!replaying)
        {
            context.counters.increment(Counter.SUBMITS_RECEIVED);
        }
        if (output.takeCredit(correlationId))
        {
            settle(correlationId, requests.onSubmit(correlationId, frame, offset, length, readNanos));
        }
    }

    /**
     * Every item of a batch gets exactly one answer with its own correlation id and costs one credit. The framing
     * (item lengths, no trailing bytes) is checked before any item is taken: when it is broken nothing of the
     * batch is processed and every item gets NACK MALFORMED_FRAME, so the client's ids and credit all come back.
     */
    private void onSubmitBatch(final long correlationId, final ByteBuf frame, final int offset, final int length)
    {
        final ErrorCode broken = batch.wrap(view.wrap(frame), offset, length).validateHeader();
        if (broken != null)
        {
            output.nack(correlationId, broken, batch.problem());
            return;
        }
        final int count = batch.count();
        final ErrorCode unframed = batch.validateItems();
        if (unframed != null)
        {
            for (int i = 0; i < count; i++)
            {
                if (output.takeCredit(correlationId + i))
                {
                    output.nackReturningCredit(correlationId + i, unframed, batch.problem());
                }
            }
            return;
        }
        final int resumeAt = replaying ? parked.batchResumeAt() : 0;
        for (int i = 0, item = batch.firstItem(); i < count; i++, item = batch.nextItem(item))
        {
            if (i >= resumeAt)
            {
                // the view's indexes are the frame's: an item's body is handed on as a slice of the frame
                onSubmit(correlationId + i, frame, batch.itemBody(item), batch.itemLength(item));
                if (parkCurrent)
                {
                    parkedBatchItem = i; // the items before it are answered; it and the rest wait
                    return;
                }
            }
        }
    }

    /** What became of a request that took a credit. */
    private void settle(final long correlationId, final int outcome)
    {
        switch (outcome)
        {
            case RequestAdapter.PUBLISHED:
                output.handedOn();
                break;
            case RequestAdapter.FOR_INTAKE:
                output.handedOn(); // before the hand-over: an intake may answer at once
                context.intake.submit(session, correlationId, requests.intakeEvent());
                break;
            case RequestAdapter.ROUTED:
                output.handedOn(); // the router answers through answerStatus/answerCancel/answerRefused
                break;
            case RequestAdapter.NO_ROOM:
                waitForRoom();
                break;
            default:
                output.nackReturningCredit(correlationId, requests.refusal(), requests.detail());
        }
    }

    /**
     * A request within credit found the lanes or the ring full: it is not refused but waits, with every frame after
     * it, until there is room (docs/design/backpressure.md). Its credit is given back: it is taken again then.
     */
    private void waitForRoom()
    {
        output.giveCreditBack();
        parkCurrent = true;
        parkedBatchItem = 0; // a SUBMIT_BATCH sets the item after this returns
    }

    /** SUBSCRIBE and SUBSCRIBE_INBOUND cost no credit: OK, or a NACK that counts no refused SUBMIT. */
    private void answerSubscription(final long correlationId, final int outcome)
    {
        if (outcome == RequestAdapter.SUBSCRIBED)
        {
            output.ok(correlationId);
        }
        else if (outcome == RequestAdapter.REFUSED)
        {
            output.refuse(correlationId, subscriptions.refusal(), subscriptions.detail());
        }
    }

    private Runnable okOnEventLoop(final long correlationId)
    {
        final ChannelHandlerContext c = session.ctx();
        return () -> c.executor().execute(() ->
        {
            final ByteBuf out = c.alloc().buffer(OkFlyweight.FRAME_LENGTH);
            ByteBufFrames.ok(out, correlationId);
            c.writeAndFlush(out);
        });
    }
}
