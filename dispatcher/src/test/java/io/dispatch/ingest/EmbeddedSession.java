package io.dispatch.ingest;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.Settings;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.config.TenantRegistry;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.CreditFlyweight;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.NackFlyweight;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPorts;
import io.dispatch.status.Counters;
import io.dispatch.status.LaneAdmission;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * A {@link SessionHandler} on Netty's EmbeddedChannel with a real ring (no consumer: the test plays the stages
 * through the slot's {@link io.dispatch.ring.AnswerSink}), real registries and one tenant, "shop" with key "k".
 * Frames in are whole protocol frames; frames out are split and read with the protocol's flyweights. Time is frozen:
 * the 5 ms credit tick runs only in {@link #tick()}.
 */
final class EmbeddedSession
{
    static final int RING_SIZE = 64;

    final Counters counters;
    final RingBuffer<DispatchEvent> ring;
    final LaneAdmission sms;
    final SessionRegistry sessions;
    final IngestContext context;
    final SessionHandler handler;
    final EmbeddedChannel channel;

    EmbeddedSession(final int initialCredit, final long smsLaneCapacity)
    {
        this(initialCredit, smsLaneCapacity, Map.of());
    }

    /** @param extra further engine settings, e.g. {@code ring.marketingSlots}. */
    EmbeddedSession(final int initialCredit, final long smsLaneCapacity, final Map<String, String> extra)
    {
        counters = new Counters();
        ring = RingBuffer.createSingleProducer(DispatchEvent::new, RING_SIZE);
        sessions = new SessionRegistry();
        final Settings settings = new Settings(new Properties())
            .set("tenants", "shop")
            .set("tenant.shop.apiKey", "k")
            .set("ring.size", Integer.toString(RING_SIZE))
            .set("ingest.initialCredit", Integer.toString(initialCredit));
        extra.forEach(settings::set);
        final DispatcherConfig config = DispatcherConfig.from(settings);
        final LaneAdmission[] admission = new LaneAdmission[ChannelType.CODES];
        sms = new LaneAdmission(smsLaneCapacity);
        admission[ChannelType.SMS.code()] = sms;
        context = new IngestContext(config, ring, RingPorts.of(config), admission,
            new TenantRegistry(config.tenants()), new TemplateRegistry(Map.of()), sessions, counters,
            SystemEpochClock.INSTANCE, null);
        handler = new SessionHandler(context);
        channel = open(handler);
    }

    /** A second connection to the same engine side: the same ring, registries and lane admission. */
    private EmbeddedSession(final EmbeddedSession shared)
    {
        counters = shared.counters;
        ring = shared.ring;
        sms = shared.sms;
        sessions = shared.sessions;
        context = shared.context;
        handler = new SessionHandler(context);
        channel = open(handler);
    }

    EmbeddedSession another()
    {
        return new EmbeddedSession(this);
    }

    private static EmbeddedChannel open(final SessionHandler handler)
    {
        final EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime(); // the credit tick runs when a test advances the time, not when the machine is slow
        channel.pipeline().addLast(handler);
        channel.pipeline().fireChannelActive(); // the channel was active before the handler joined
        return channel;
    }

    /** Advances this connection's clock by {@code ms} and runs what came due. */
    void advance(final long ms)
    {
        channel.advanceTimeBy(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    /** HELLO as tenant "shop"; returns the HELLO_OK. */
    Frame hello()
    {
        send(out -> ByteBufFrames.hello(out, 1, "shop", "k", "test"));
        return single();
    }

    /** Runs the session's periodic tick once. */
    void tick()
    {
        channel.advanceTimeBy(5, java.util.concurrent.TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    void send(final Consumer<ByteBuf> frames)
    {
        final ByteBuf in = Unpooled.buffer();
        frames.accept(in);
        // the length-field decoder hands the handler one frame per message
        while (in.isReadable())
        {
            final int length = in.getIntLE(in.readerIndex()) + FrameDescriptor.LENGTH_FIELD_LENGTH;
            channel.writeInbound(in.readRetainedSlice(length));
        }
        in.release();
        channel.runPendingTasks();
    }

    /** A frame with only a header: {@code type}, {@code flags}, then {@code body}. */
    void sendRaw(final byte type, final int version, final int flags, final long correlationId, final byte[] body)
    {
        final ByteBuf in = Unpooled.buffer();
        in.writeIntLE(FrameDescriptor.HEADER_LENGTH - FrameDescriptor.LENGTH_FIELD_LENGTH + body.length);
        in.writeByte(version);
        in.writeByte(type);
        in.writeShortLE(flags);
        in.writeLongLE(correlationId);
        in.writeBytes(body);
        channel.writeInbound(in);
        channel.runPendingTasks();
    }

    /** Every frame written since the last call, in order. */
    List<Frame> written()
    {
        channel.runPendingTasks();
        final List<Frame> frames = new ArrayList<>();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null)
        {
            while (out.isReadable())
            {
                final int length = out.getIntLE(out.readerIndex()) + FrameDescriptor.LENGTH_FIELD_LENGTH;
                final byte[] bytes = new byte[length];
                out.readBytes(bytes);
                frames.add(new Frame(new UnsafeBuffer(bytes)));
            }
            out.release();
        }
        return frames;
    }

    Frame single()
    {
        final List<Frame> frames = written();
        if (frames.size() != 1)
        {
            throw new AssertionError("expected one frame, got " + frames);
        }
        return frames.get(0);
    }

    /** One frame as written to the client. */
    record Frame(UnsafeBuffer buffer)
    {
        byte type()
        {
            return buffer.getByte(FrameDescriptor.TYPE_OFFSET);
        }

        long correlationId()
        {
            return buffer.getLong(FrameDescriptor.CORRELATION_ID_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN);
        }

        int bodyInt(final int offset)
        {
            return buffer.getInt(FrameDescriptor.HEADER_LENGTH + offset, java.nio.ByteOrder.LITTLE_ENDIAN);
        }

        CreditFlyweight credit()
        {
            return new CreditFlyweight().wrap(buffer, 0);
        }

        NackFlyweight nack()
        {
            return new NackFlyweight().wrap(buffer, 0);
        }

        @Override
        public String toString()
        {
            final String detail = type() == MessageType.NACK || type() == MessageType.ERROR
                ? " " + nack().code() + " \"" + nack().detail() + "\"" : "";
            return MessageType.name(type()) + "#" + correlationId() + detail;
        }
    }
}
