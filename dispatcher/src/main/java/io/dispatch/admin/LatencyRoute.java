package io.dispatch.admin;

import io.dispatch.protocol.MessageKind;
import io.dispatch.route.AdminReply;
import io.dispatch.route.AdminRoute;
import io.dispatch.status.ClassLatency;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /latency}: the engine's latency histograms since its start, as an HdrHistogram log (the format of
 * {@link HistogramLogWriter}: one compressed, base64 histogram a line, in ns), so a client can take two readings and
 * subtract them exactly: the quantiles of any window, which the summaries on {@code /metrics} (since start) cannot
 * give. One line per series, its labels in the tag: {@code ack;class=C} (frame read → ACK) and
 * {@code handoff;lane=L;class=C} (ring hand-off → the lane's first send). Open like {@code /metrics}: counts and lane
 * names, no message data. Rendered on the admin thread; the writers are not involved ({@link ClassLatency}).
 */
public final class LatencyRoute implements AdminRoute
{
    public static final String PATH = "/latency";
    /** Tags of the log cannot hold commas or white space; a lane name could in principle. */
    private static final Pattern NOT_IN_TAG = Pattern.compile("[,\\s]");
    /** The log's "max" column in ms, as HdrHistogram's tools expect for ns histograms. */
    private static final double NANOS_PER_MILLI = 1e6;

    private final ClassLatency ack;
    private final Map<String, ClassLatency> handoffByLane;
    private final long startEpochMs;

    /**
     * @param handoffByLane each lane's hand-off latency by lane name, in the order to list them.
     * @param startEpochMs  when counting began (the engine's start): each histogram covers it until the request.
     */
    public LatencyRoute(final ClassLatency ack, final Map<String, ClassLatency> handoffByLane, final long startEpochMs)
    {
        this.ack = ack;
        this.handoffByLane = handoffByLane;
        this.startEpochMs = startEpochMs;
    }

    @Override
    public AdminReply handle(final String method, final QueryStringDecoder uri)
    {
        if (!"GET".equals(method))
        {
            return new AdminReply(405, PATH + " is read with GET\n");
        }
        return AdminReply.ok(render(System.currentTimeMillis()));
    }

    @Override
    public boolean open()
    {
        return true;
    }

    /** @return the histogram log as of {@code nowMs}. */
    String render(final long nowMs)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        final PrintStream out = new PrintStream(bytes, false, StandardCharsets.US_ASCII);
        final HistogramLogWriter log = new HistogramLogWriter(out);
        log.outputLogFormatVersion();
        log.outputComment("dispatch latency since the engine started, ns; tags: ack;class=C (frame read -> ACK), " +
            "handoff;lane=L;class=C (ring hand-off -> first send)");
        log.outputStartTime(startEpochMs);
        log.outputLegend();
        final double lengthS = Math.max(0, nowMs - startEpochMs) / 1000.0;
        ack.readCumulative((kind, h) -> output(log, "ack;class=" + name(kind), lengthS, h));
        handoffByLane.forEach((lane, latency) ->
        {
            final String laneTag = "handoff;lane=" + NOT_IN_TAG.matcher(lane).replaceAll("_") + ";class=";
            latency.readCumulative((kind, h) -> output(log, laneTag + name(kind), lengthS, h));
        });
        out.flush();
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    private static void output(final HistogramLogWriter log, final String tag, final double lengthS, final Histogram h)
    {
        h.setTag(tag);
        log.outputIntervalHistogram(0, lengthS, h, NANOS_PER_MILLI);
    }

    private static String name(final MessageKind kind)
    {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
