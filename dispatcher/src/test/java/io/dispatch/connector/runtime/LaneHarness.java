package io.dispatch.connector.runtime;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.LaneConfig;
import io.dispatch.config.Settings;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalWriter;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.MessageKind;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.status.LaneAdmission;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Real lanes over a real journal in a temp folder, with a {@link ScriptedConnector}, a capturing state
 * sink and a manual clock; the test drives {@link ConnectorLane#doWork()} itself.
 */
final class LaneHarness implements AutoCloseable
{
    static final long START_MS = 1_800_000_000_000L;

    final ManualClock clock = new ManualClock(START_MS);
    final Counters counters = new Counters();
    final DistinctErrorLog errors = new DistinctErrorLog(counters);
    final Journal journal;
    final JournalWriter writer;
    private final Path dir;
    final DispatcherConfig config;
    private final ByteBuf body = Unpooled.buffer(512);
    private final byte[] tenant = "demo".getBytes(StandardCharsets.UTF_8);
    private final Map<Byte, ConnectorLane> lanes = new java.util.HashMap<>();
    /** The running configuration's templates: {@code otp} only. */
    final TemplateRegistry templates = new TemplateRegistry(Map.of("otp", "configured text"));

    LaneHarness(final Path dir, final Map<String, String> settings)
    {
        final Settings s = new Settings(new Properties());
        s.set("lane.sms.window", "8");
        s.set("lane.chat.window", "8");
        s.set("lane.sms.capacity", "4096");
        s.set("lane.chat.capacity", "4096");
        settings.forEach(s::set);
        config = DispatcherConfig.from(s);
        this.dir = dir;
        journal = new Journal(dir, "FAST_DAILY");
        writer = journal.newWriter(false);
    }

    LaneConfig laneConfig(final ChannelType channel)
    {
        return config.lanes().get(channel);
    }

    Lane lane(final ChannelType channel) throws Exception
    {
        return lane(channel, lane -> { });
    }

    /** @param wiring what the engine wires into the lane before it starts (fallback lane, cancellations, ...). */
    Lane lane(final ChannelType channel, final java.util.function.Consumer<ConnectorLane> wiring) throws Exception
    {
        final ScriptedConnector connector = new ScriptedConnector();
        final CapturingStateSink sink = new CapturingStateSink(lanes::get);
        final LaneConfig lc = laneConfig(channel);
        final ConnectorLane lane = new ConnectorLane(lc, connector,
            new LaneAdmission(lc.capacity(), lc.rate().reservedPercent()), journal, dir, templates, sink, clock, clock,
            sink::journaledPosition, errors, counters);
        wiring.accept(lane);
        lane.startOnCallerThread();
        lanes.put(channel.code(), lane);
        return new Lane(lane, connector, sink);
    }

    /** Journals an accepted message as the ingest path would. @return its message id. */
    long accept(final MessageKind kind, final ChannelType channel, final String recipient, final int ttlSeconds)
    {
        return acceptCampaign(0, kind, channel, recipient, ttlSeconds);
    }

    /** Journals a message that names a template and has no text of its own. @return its message id. */
    long acceptTemplated(final MessageKind kind, final ChannelType channel, final String recipient, final String template)
    {
        body.clear();
        final int n = ByteBufFrames.submitBody(body, kind, channel, 3600, "", recipient, template, "", null);
        final byte[] bytes = new byte[n];
        body.getBytes(0, bytes);
        return writer.appendAccepted(kind.code(), channel.code(), tenant, 3600, clock.time(), 0,
            Decision.SEND.code(), false, (short)0, 0, 0, -1, bytes, n);
    }

    /** Journals a message as a campaign's fan-out would (0: not a campaign's). @return its message id. */
    long acceptCampaign(final long campaignId, final MessageKind kind, final ChannelType channel, final String recipient,
        final int ttlSeconds)
    {
        body.clear();
        final int n = ByteBufFrames.submitBody(body, kind, channel, ttlSeconds, "", recipient, "", "hello", null);
        final byte[] bytes = new byte[n];
        body.getBytes(0, bytes);
        return writer.appendAccepted(kind.code(), channel.code(), tenant, ttlSeconds, clock.time(), 0,
            Decision.SEND.code(), false, (short)0, 0, campaignId, -1, bytes, n);
    }

    @Override
    public void close()
    {
        writer.close();
        journal.close();
    }

    /** One lane under test with its provider and its state changes. */
    record Lane(ConnectorLane lane, ScriptedConnector provider, CapturingStateSink states)
    {
        /** Accepts then hands a message to the lane as the hand-off stage does. */
        void submit(final long messageId, final MessageKind kind)
        {
            lane.admission().forceAcquire(kind != MessageKind.MARKETING);
            lane.enqueue(messageId, kind != MessageKind.MARKETING);
        }

        /** Runs duty cycles until one does nothing (bounded). */
        void settle()
        {
            for (int i = 0; i < 10_000 && lane.doWork() > 0; i++)
            {
                // keep going: outcomes free slots that the next cycle fills
            }
        }
    }
}
