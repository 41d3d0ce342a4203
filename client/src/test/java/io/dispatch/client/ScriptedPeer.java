package io.dispatch.client;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.netty.ByteBufView;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.PingFlyweight;
import io.dispatch.protocol.Reason;
import io.dispatch.protocol.SubmitBatchFlyweight;
import io.dispatch.protocol.SubmitFlyweight;
import io.dispatch.protocol.VarCursor;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A scripted protocol v1 peer on loopback for client tests: answers HELLO (checking the API key), enforces and
 * grants credit, and by default ACKs submits with increasing message ids, answers dry-run submits with
 * {@link #explainAnswer}, CANCEL with {@link #cancelRule}, CONSENT with OK, and STATUS, SUBSCRIBE and PING.
 * Tests switch the automatic answers off and answer by hand through {@link Session}; every frame and every
 * logical request (batch items split) is recorded.
 * <p>
 * Thread-safe: knobs are volatile, records are concurrent queues, {@link Session} methods write from any thread.
 */
public final class ScriptedPeer implements AutoCloseable
{
    /** A frame as received, body copied. */
    public record Frame(Session session, byte type, long correlationId, byte[] body)
    {
    }

    /**
     * One logical request: a SUBMIT (or one SUBMIT_BATCH item), STATUS, SUBSCRIBE, PING, CANCEL, CONSENT or
     * GOODBYE. A CANCEL carries its message id in {@code statusId} (-1 by key) and its key in {@code key}.
     */
    public record Request(
        Session session,
        byte type,
        long correlationId,
        boolean batched,
        String recipient,
        String key,
        String text,
        String template,
        Map<String, String> vars,
        long statusId,
        int scope,
        boolean dryRun,
        long sendAtEpochMs)
    {
    }

    /** The EXPLAIN_RESULT to answer dry-run submits with; {@code at} is the due time or the original's id. */
    public record ExplainAnswer(Decision decision, ChannelType channel, boolean priority, Reason reason, long at)
    {
    }

    /** The CANCEL_RESULT to answer a CANCEL with. */
    public record CancelAnswer(long messageId, boolean cancelled)
    {
    }

    /** A CONSENT update as received. */
    public record Consent(int channel, int set, int clear, String recipient, String source)
    {
    }

    /** The CAMPAIGN_RESULT to answer a campaign frame with: campaign id, state, counters (id, value) pairs. */
    public record CampaignAnswer(long campaignId, int state, long... counters)
    {
    }

    public volatile String apiKey = "demo-key";
    public volatile int initialCredit = 10_000;
    public volatile int maxFrameLength = FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH;
    /** ACK submits and answer STATUS/SUBSCRIBE/PING automatically. */
    public volatile boolean autoAnswer = true;
    /** Grant one credit back per answered credited request. */
    public volatile boolean autoCredit = true;
    public volatile boolean answerHello = true;
    /** When set, decides the answer to each submit instead of a plain ACK (return null to ACK). */
    public volatile Function<Request, ErrorCode> submitRule;
    /** The answer to every dry-run submit (decided before {@link #submitRule}, which does not see them). */
    public volatile ExplainAnswer explainAnswer =
        new ExplainAnswer(Decision.SEND, ChannelType.SMS, true, Reason.NONE, 0);
    /** Decides the answer to each CANCEL; by default one by id is cancelled, one by key is unknown. */
    public volatile Function<Request, CancelAnswer> cancelRule = r -> new CancelAnswer(r.statusId(), r.statusId() >= 0);

    public final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    public final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    public final BlockingQueue<Consent> consents = new LinkedBlockingQueue<>();
    public final List<Session> sessions = new CopyOnWriteArrayList<>();
    /** Every op of every DIRECTORY_UPDATE received, in order. */
    public final BlockingQueue<byte[]> directoryOps = new LinkedBlockingQueue<>();
    /** Rejects a valid directory op by its subject with this problem (null = apply); invalid ops are always rejected. */
    public volatile Function<String, String> directoryRejectRule = subject -> null;
    /** Answers CAMPAIGN, CAMPAIGN_CONTROL and CAMPAIGN_STATS frames (given as received). */
    public volatile Function<Frame, CampaignAnswer> campaignRule = f -> new CampaignAnswer(1, 2);
    public final AtomicInteger creditViolations = new AtomicInteger();
    public final AtomicLong nextMessageId = new AtomicLong(1000);
    /** Answer the client's GOODBYE with GOODBYE and close (as the engine does). */
    public volatile boolean answerGoodbye = true;
    /** Protocol violations seen from the client (invalid bodies, malformed batches); tests assert it stays empty. */
    public final List<String> violations = new CopyOnWriteArrayList<>();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;

    public ScriptedPeer() throws InterruptedException
    {
        server = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    final Session session = new Session(ch, sessions.size() + 1);
                    sessions.add(session);
                    ch.pipeline().addLast(
                        new LengthFieldBasedFrameDecoder(ByteOrder.LITTLE_ENDIAN, 1 << 20, 0, 4, 0, 0, true),
                        new Handler(session));
                }
            })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    }

    public int port()
    {
        return ((java.net.InetSocketAddress)server.localAddress()).getPort();
    }

    /** @return the n-th session (1-based) once it has completed its handshake. */
    public Session awaitSession(final int n, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline)
        {
            if (sessions.size() >= n && sessions.get(n - 1).helloOk)
            {
                return sessions.get(n - 1);
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no session " + n + " within " + timeoutMs + " ms; sessions: " + sessions.size());
    }

    /** @return the next logical request of a type, skipping others, or null on timeout. */
    public Request nextRequest(final byte type, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final long left = deadline - System.nanoTime();
            final Request r = left > 0 ? requests.poll(left, TimeUnit.NANOSECONDS) : null;
            if (r == null || r.type() == type)
            {
                return r;
            }
        }
    }

    /** @return the next frame of a type, skipping others, or null on timeout. */
    public Frame nextFrame(final byte type, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final long left = deadline - System.nanoTime();
            final Frame f = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
            if (f == null || f.type() == type)
            {
                return f;
            }
        }
    }

    @Override
    public void close()
    {
        for (final Session session : sessions)
        {
            session.channel.close();
        }
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One accepted connection; its methods send frames to the client from any thread. */
    public final class Session
    {
        public final Channel channel;
        public final int sessionId;
        public final AtomicInteger credit = new AtomicInteger();
        public volatile boolean helloOk;
        public volatile String tenant;
        public volatile String presentedKey;
        public volatile String clientName;

        Session(final Channel channel, final int sessionId)
        {
            this.channel = channel;
            this.sessionId = sessionId;
        }

        public void ack(final long correlationId, final long messageId, final boolean duplicate)
        {
            send(b -> ByteBufFrames.ack(b, correlationId, messageId, duplicate ? Frames.ACK_DUPLICATE : Frames.ACK_ACCEPTED));
        }

        public void nack(final long correlationId, final ErrorCode code, final String detail)
        {
            send(b -> ByteBufFrames.nack(b, correlationId, code, detail));
        }

        public void error(final long correlationId, final ErrorCode code, final String detail)
        {
            send(b -> ByteBufFrames.error(b, correlationId, code, detail));
        }

        public void grant(final int n)
        {
            credit.addAndGet(n);
            send(b -> ByteBufFrames.credit(b, n));
        }

        public void ok(final long correlationId)
        {
            send(b -> ByteBufFrames.ok(b, correlationId));
        }

        public void statusResult(final long correlationId, final long messageId, final int state, final int attempts,
            final int reason, final long at, final int channel, final int kind)
        {
            send(b -> ByteBufFrames.statusResult(b, correlationId, messageId, state, attempts, reason, at, channel, kind));
        }

        /** A receipt as an engine before 2026-11 sent it: no channel byte. */
        public void receipt(final long messageId, final int state, final int attempts, final int reason, final long at)
        {
            send(b -> ByteBufFrames.receipt(b, messageId, state, attempts, reason, at));
        }

        public void receipt(
            final long messageId, final int state, final int attempts, final int reason, final long at, final int channel)
        {
            send(b -> ByteBufFrames.receipt(b, messageId, state, attempts, reason, at, channel));
        }

        public void receiptsDropped(final int count)
        {
            send(b -> ByteBufFrames.receiptsDropped(b, count));
        }

        /** Closes the TCP connection abruptly (no GOODBYE). */
        public void drop()
        {
            channel.close().syncUninterruptibly();
        }

        public void send(final java.util.function.Consumer<ByteBuf> writer)
        {
            final ByteBuf b = channel.alloc().buffer(64);
            writer.accept(b);
            channel.writeAndFlush(b);
        }
    }

    private final class Handler extends ChannelInboundHandlerAdapter
    {
        private final Session session;
        private final SubmitFlyweight flyweight = new SubmitFlyweight();
        private final ByteBufView view = new ByteBufView();
        private final SubmitBatchFlyweight batch = new SubmitBatchFlyweight();
        private final PingFlyweight ping = new PingFlyweight();
        private boolean answer;

        Handler(final Session session)
        {
            this.session = session;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final ByteBuf frame = (ByteBuf)msg;
            try
            {
                onFrame(frame);
            }
            finally
            {
                frame.release();
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }

        private void onFrame(final ByteBuf frame)
        {
            final int start = frame.readerIndex();
            final byte type = frame.getByte(start + FrameDescriptor.TYPE_OFFSET);
            final long correlationId = frame.getLongLE(start + FrameDescriptor.CORRELATION_ID_OFFSET);
            final int body = start + FrameDescriptor.HEADER_LENGTH;
            final byte[] copy = new byte[frame.readableBytes() - FrameDescriptor.HEADER_LENGTH];
            frame.getBytes(body, copy);
            // Read the knobs before recording: a test reacting to the record may flip them for later frames.
            answer = autoAnswer;
            frames.add(new Frame(session, type, correlationId, copy));
            switch (type)
            {
                case MessageType.HELLO -> onHello(frame, body, correlationId);
                case MessageType.SUBMIT -> onSubmit(frame, body, frame.writerIndex() - body, correlationId, false);
                case MessageType.SUBMIT_BATCH -> onBatch(frame, body, correlationId);
                case MessageType.STATUS ->
                {
                    final Request r = request(MessageType.STATUS, correlationId, false, null, frame.getLongLE(body), 0);
                    if (takeCredit(correlationId) && answer)
                    {
                        session.statusResult(correlationId, r.statusId(), 5, 1, 0, 1_700_000_000_123L, 1, 1);
                        returnCredit(1);
                    }
                }
                case MessageType.SUBSCRIBE ->
                {
                    request(MessageType.SUBSCRIBE, correlationId, false, null, 0, frame.getUnsignedByte(body));
                    if (answer)
                    {
                        session.ok(correlationId);
                    }
                }
                case MessageType.CANCEL -> onCancel(frame, body, correlationId);
                case MessageType.CONSENT -> onConsent(frame, body, correlationId);
                case MessageType.DIRECTORY_UPDATE -> onDirectoryUpdate(frame, body, correlationId);
                case MessageType.CAMPAIGN, MessageType.CAMPAIGN_CONTROL, MessageType.CAMPAIGN_STATS ->
                {
                    if (takeCredit(correlationId) && answer)
                    {
                        final CampaignAnswer a = campaignRule.apply(new Frame(session, type, correlationId, copy));
                        session.send(b ->
                        {
                            final int at = ByteBufFrames.beginFrame(b, MessageType.CAMPAIGN_RESULT, 0, correlationId);
                            b.writeLongLE(a.campaignId());
                            b.writeByte(a.state());
                            b.writeByte(0);
                            b.writeShortLE(a.counters().length / 2);
                            for (int i = 0; i + 1 < a.counters().length; i += 2)
                            {
                                b.writeShortLE((int)a.counters()[i]);
                                b.writeLongLE(a.counters()[i + 1]);
                            }
                            ByteBufFrames.endFrame(b, at);
                        });
                        returnCredit(1);
                    }
                }
                case MessageType.PING ->
                {
                    request(MessageType.PING, correlationId, false, null, 0, 0);
                    if (answer)
                    {
                        final long payload = ping.wrap(view.wrap(frame), body, frame.writerIndex() - body).payload();
                        session.send(b -> ByteBufFrames.pong(b, correlationId, payload));
                    }
                }
                case MessageType.GOODBYE ->
                {
                    final boolean reply = answerGoodbye;
                    request(MessageType.GOODBYE, correlationId, false, null, 0, 0);
                    if (!reply)
                    {
                        return;
                    }
                    session.channel.config().setAutoRead(false);
                    final ByteBuf b = session.channel.alloc().buffer(32);
                    ByteBufFrames.goodbye(b, 0, 0);
                    session.channel.writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
                }
                default -> { }
            }
        }

        private void onHello(final ByteBuf frame, final int body, final long correlationId)
        {
            int p = body + 4;
            session.tenant = ByteBufFrames.readStr8(frame, p);
            p += 1 + frame.getUnsignedByte(p);
            session.presentedKey = ByteBufFrames.readStr8(frame, p);
            p += 1 + frame.getUnsignedByte(p);
            session.clientName = ByteBufFrames.readStr8(frame, p);
            if (!answerHello)
            {
                return;
            }
            if (!apiKey.equals(session.presentedKey))
            {
                final ByteBuf b = session.channel.alloc().buffer(64);
                ByteBufFrames.error(b, correlationId, ErrorCode.AUTH_FAILED, "unknown tenant or wrong key");
                session.channel.writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            session.credit.set(initialCredit);
            session.helloOk = true;
            session.send(b -> ByteBufFrames.helloOk(b, correlationId, 1, initialCredit, maxFrameLength, session.sessionId));
        }

        private void onCancel(final ByteBuf frame, final int body, final long correlationId)
        {
            final boolean byKey = frame.getUnsignedByte(body) == Frames.CANCEL_BY_KEY;
            final Request r = new Request(session, MessageType.CANCEL, correlationId, false, null,
                byKey ? ByteBufFrames.readStr8(frame, body + 1) : null, null, null, Map.of(),
                byKey ? -1 : frame.getLongLE(body + 1), 0, false, 0);
            requests.add(r);
            if (takeCredit(correlationId) && answer)
            {
                final CancelAnswer a = cancelRule.apply(r);
                session.send(b ->
                {
                    final int start = ByteBufFrames.beginFrame(b, MessageType.CANCEL_RESULT, 0, correlationId);
                    b.writeLongLE(a.messageId());
                    b.writeByte(a.cancelled() ? Frames.CANCEL_DONE : Frames.CANCEL_NOT_DEFERRED);
                    ByteBufFrames.endFrame(b, start);
                });
                returnCredit(1);
            }
        }

        private void onConsent(final ByteBuf frame, final int body, final long correlationId)
        {
            final int recipientAt = body + 6;
            final String recipient = ByteBufFrames.readStr8(frame, recipientAt);
            final String source = ByteBufFrames.readStr8(frame, recipientAt + 1 + frame.getUnsignedByte(recipientAt));
            final int channel = frame.getUnsignedByte(body);
            consents.add(new Consent(channel, frame.getUnsignedShortLE(body + 2), frame.getUnsignedShortLE(body + 4),
                recipient, source));
            requests.add(new Request(session, MessageType.CONSENT, correlationId, false, recipient, null, null, null,
                Map.of(), 0, channel, false, 0));
            if (takeCredit(correlationId) && answer)
            {
                session.ok(correlationId);
                returnCredit(1);
            }
        }

        /** Applies what {@link DirectoryOp#validate} accepts and {@link #directoryRejectRule} lets through. */
        private void onDirectoryUpdate(final ByteBuf frame, final int body, final long correlationId)
        {
            final int count = frame.getUnsignedShortLE(body);
            int p = body + DirectoryOp.BATCH_HEADER_LENGTH;
            final List<Object[]> rejections = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++)
            {
                final byte[] op = new byte[frame.getUnsignedShortLE(p)];
                frame.getBytes(p + 2, op);
                p += 2 + op.length;
                directoryOps.add(op);
                final DirectoryOp reader = new DirectoryOp().wrap(op, 0, op.length);
                String problem = reader.validate();
                if (problem == null)
                {
                    problem = directoryRejectRule.apply(reader.subject());
                }
                if (problem != null)
                {
                    rejections.add(new Object[] {i, problem});
                }
            }
            if (count < 1 || count > DirectoryOp.MAX_BATCH_COUNT || p != frame.writerIndex())
            {
                violations.add("DIRECTORY_UPDATE count " + count + ", " + (frame.writerIndex() - p) + " trailing bytes");
            }
            if (!takeCredit(correlationId) || !answer)
            {
                return;
            }
            session.send(b ->
            {
                final int start = ByteBufFrames.beginFrame(b, MessageType.DIRECTORY_RESULT, 0, correlationId);
                b.writeShortLE(count - rejections.size());
                b.writeShortLE(rejections.size());
                for (final Object[] r : rejections)
                {
                    final byte[] problem = ((String)r[1]).getBytes(StandardCharsets.UTF_8);
                    b.writeShortLE((Integer)r[0]);
                    b.writeShortLE(ErrorCode.INVALID_FIELD.code());
                    b.writeShortLE(problem.length);
                    b.writeBytes(problem);
                }
                ByteBufFrames.endFrame(b, start);
            });
            returnCredit(1);
        }

        private void onBatch(final ByteBuf frame, final int body, final long base)
        {
            batch.wrap(view.wrap(frame), body, frame.writerIndex() - body);
            if (batch.validateHeader() != null || batch.validateItems() != null)
            {
                violations.add(batch.problem());
                return;
            }
            final int count = batch.count();
            for (int i = 0, item = batch.firstItem(); i < count; i++, item = batch.nextItem(item))
            {
                onSubmit(frame, batch.itemBody(item), batch.itemLength(item), base + i, true);
            }
        }

        private void onSubmit(
            final ByteBuf frame, final int offset, final int length, final long correlationId, final boolean batched)
        {
            final ErrorCode invalid = flyweight.wrap(view.wrap(frame), offset, length).validate();
            if (invalid != null)
            {
                violations.add("invalid SUBMIT body: " + invalid + " " + flyweight.invalidField());
                session.nack(correlationId, invalid, flyweight.invalidField());
                return;
            }
            final Map<String, String> vars = new LinkedHashMap<>();
            final VarCursor cursor = flyweight.vars();
            while (cursor.next())
            {
                vars.put(cursor.name(), cursor.value());
            }
            final Request r = new Request(session, MessageType.SUBMIT, correlationId, batched,
                str(frame, flyweight.recipientOffset(), flyweight.recipientLength()),
                str(frame, flyweight.keyOffset(), flyweight.keyLength()),
                str(frame, flyweight.textOffset(), flyweight.textLength()),
                str(frame, flyweight.templateOffset(), flyweight.templateLength()),
                vars, 0, 0, flyweight.isDryRun(), flyweight.sendAtEpochMs());
            requests.add(r);
            if (!takeCredit(correlationId) || !answer)
            {
                return;
            }
            if (r.dryRun())
            {
                final ExplainAnswer a = explainAnswer;
                session.send(b ->
                {
                    final int start = ByteBufFrames.beginFrame(b, MessageType.EXPLAIN_RESULT, 0, correlationId);
                    b.writeByte(a.decision().code());
                    b.writeByte(a.channel() == null ? 0 : a.channel().code());
                    b.writeByte(a.priority() ? 0 : 1);
                    b.writeByte(0);
                    b.writeShortLE(a.reason().code());
                    b.writeShortLE(0);
                    b.writeLongLE(a.at());
                    ByteBufFrames.endFrame(b, start);
                });
                returnCredit(1);
                return;
            }
            final Function<Request, ErrorCode> rule = submitRule;
            final ErrorCode refusal = rule == null ? null : rule.apply(r);
            if (refusal != null)
            {
                session.nack(correlationId, refusal, "refused by rule: " + r.recipient());
            }
            else
            {
                session.ack(correlationId, nextMessageId.getAndIncrement(), false);
            }
            returnCredit(1);
        }

        private boolean takeCredit(final long correlationId)
        {
            if (session.credit.getAndDecrement() <= 0)
            {
                session.credit.incrementAndGet();
                creditViolations.incrementAndGet();
                session.nack(correlationId, ErrorCode.CREDIT_EXCEEDED, "no credit");
                return false;
            }
            return true;
        }

        private void returnCredit(final int n)
        {
            if (autoCredit)
            {
                session.grant(n);
            }
        }

        private Request request(
            final byte type, final long correlationId, final boolean batched, final String recipient,
            final long statusId, final int scope)
        {
            final Request r = new Request(session, type, correlationId, batched, recipient, null, null, null,
                Map.of(), statusId, scope, false, 0);
            requests.add(r);
            return r;
        }

        private String str(final ByteBuf frame, final int offset, final int length)
        {
            return frame.toString(offset, length, StandardCharsets.UTF_8);
        }
    }
}
