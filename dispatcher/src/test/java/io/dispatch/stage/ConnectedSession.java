package io.dispatch.stage;

import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.Settings;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.ingest.IngestContext;
import io.dispatch.ingest.IngestSession;
import io.dispatch.ingest.SessionRegistry;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageType;
import io.dispatch.ring.RingPorts;
import io.dispatch.status.Counters;
import io.dispatch.testing.RawConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A real ingest session in an {@link EmbeddedChannel}, past its HELLO: what the ring stages queue for it is written
 * by its (embedded) event loop when the test runs the loop's tasks, and read back as frames. The smallest real answer
 * target the stages have until they answer through an interface.
 */
final class ConnectedSession implements AutoCloseable
{
    final IngestSession session;
    private final EmbeddedChannel channel;

    ConnectedSession(final StageEvents events)
    {
        final IngestContext context = new IngestContext(DispatcherConfig.from(new Settings(new Properties())),
            events.ring, new RingPorts(events.ring.getBufferSize(), 50), events.admissions, events.tenants,
            new TemplateRegistry(Map.of()), new SessionRegistry(), new Counters(), () -> StageEvents.NOW, null);
        session = new IngestSession(context);
        channel = new EmbeddedChannel(session);
        final ByteBuf hello = Unpooled.buffer();
        Frames.hello(hello, 1, "acme", "k", "stage-test");
        channel.writeInbound(hello);
        final List<RawConnection.Frame> answers = frames();
        if (answers.isEmpty() || answers.get(0).type != MessageType.HELLO_OK)
        {
            throw new AssertionError("HELLO not answered with HELLO_OK: " + answers);
        }
    }

    /** @return the frames the session's event loop wrote since the last call, in order (CREDIT frames left out). */
    List<RawConnection.Frame> frames()
    {
        channel.runPendingTasks();
        final List<RawConnection.Frame> frames = new ArrayList<>();
        for (ByteBuf b = channel.readOutbound(); b != null; b = channel.readOutbound())
        {
            while (b.isReadable())
            {
                final int length = FrameDescriptor.LENGTH_FIELD_LENGTH
                    + b.getIntLE(b.readerIndex() + FrameDescriptor.LENGTH_OFFSET);
                final RawConnection.Frame frame = RawConnection.Frame.of(b.readRetainedSlice(length));
                if (frame.type != MessageType.CREDIT)
                {
                    frames.add(frame);
                }
            }
            b.release();
        }
        return frames;
    }

    @Override
    public void close()
    {
        channel.finishAndReleaseAll();
    }
}
