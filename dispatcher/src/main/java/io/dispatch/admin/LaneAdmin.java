package io.dispatch.admin;

import io.dispatch.config.RateSettings;
import io.dispatch.connector.runtime.ConnectorLane;
import io.dispatch.connector.runtime.DeadLetters;
import io.dispatch.connector.runtime.LaneMetrics;
import io.dispatch.route.AdminReply;
import io.dispatch.route.AdminRoute;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Operator endpoints of the connector lanes, on the admin HTTP server (loopback):
 * <pre>
 * GET  /lanes                                   every lane: rate, reserved share, speed, breaker, queues
 * GET  /lanes/{channel}/rate                    one lane's rate settings and what is in force
 * POST /lanes/{channel}/rate?perSecond=&amp;burst=&amp;reservedPercent=   change them (omitted = unchanged)
 * GET  /deadletters?limit=&amp;lane=                  the most recent dead letters, newest first
 * </pre>
 * A rate change is journaled first ({@link RateJournal}), so that a restart puts it back in force, then handed to
 * the lane thread as an immutable value through a volatile field; the call returns once the lane applied it (or
 * after a second, saying so). GET tells a runtime value (with its time) from the configured one.
 */
public final class LaneAdmin implements AdminRoute
{
    private static final int MAX_DEAD_LETTERS = 10_000;
    private static final long APPLY_WAIT_MS = 1_000;

    /** Makes a lane's rate change durable before it takes effect. */
    @FunctionalInterface
    public interface RateJournal
    {
        /** @return null once the change is journaled, otherwise why it was not (nothing changed then). */
        String journal(ConnectorLane lane, RateSettings settings, long atMs);
    }

    private final List<ConnectorLane> lanes;
    private final RateJournal journal;

    public LaneAdmin(final List<ConnectorLane> lanes, final RateJournal journal)
    {
        this.lanes = List.copyOf(lanes);
        this.journal = journal;
    }

    @Override
    public AdminReply handle(final String method, final QueryStringDecoder uri)
    {
        final AdminReply reply = handle(method, uri.path(), uri.parameters());
        return reply != null ? reply : error(404, "no such endpoint " + uri.path()
            + "; try /lanes, /lanes/<channel>/rate, /deadletters");
    }

    /** @return the reply, or null when the path is none of the lane endpoints. */
    AdminReply handle(final String method, final String path, final Map<String, List<String>> params)
    {
        if (path.equals("/lanes"))
        {
            return "GET".equals(method) ? json(200, lanesJson()) : notAllowed(method, path);
        }
        if (path.equals("/deadletters"))
        {
            return "GET".equals(method) ? deadLetters(params) : notAllowed(method, path);
        }
        if (path.startsWith("/lanes/") && path.endsWith("/rate"))
        {
            final String channel = path.substring("/lanes/".length(), path.length() - "/rate".length());
            final ConnectorLane lane = find(channel);
            if (lane == null)
            {
                return error(404, "no lane '" + channel + "'; lanes: " + channelNames());
            }
            switch (method)
            {
                case "GET": return json(200, rateJson(lane, lane.rateSettings(), true));
                case "POST": return changeRate(lane, params);
                default: return notAllowed(method, path);
            }
        }
        return null;
    }

    private AdminReply changeRate(final ConnectorLane lane, final Map<String, List<String>> params)
    {
        final RateSettings current = lane.rateSettings();
        final RateSettings wanted;
        try
        {
            for (final String key : params.keySet())
            {
                if (!List.of("perSecond", "burst", "reservedPercent").contains(key))
                {
                    throw new IllegalArgumentException(key + ": unknown parameter; use perSecond, burst, reservedPercent");
                }
            }
            final long perSecond = number(params, "perSecond", current.perSecond());
            // a new rate without a burst gets the default burst for that rate
            final long burst = number(params, "burst", params.containsKey("perSecond") ? 0 : current.burst());
            final long reserved = number(params, "reservedPercent", current.reservedPercent());
            if (reserved < 0 || reserved > 100)
            {
                throw new IllegalArgumentException("reservedPercent: " + reserved + " is outside [0, 100]");
            }
            if (burst < 0)
            {
                throw new IllegalArgumentException("burst: " + burst + " is negative");
            }
            wanted = RateSettings.of(perSecond, burst, (int)reserved);
        }
        catch (final IllegalArgumentException ex)
        {
            return error(400, ex.getMessage());
        }
        final long now = System.currentTimeMillis();
        final String refused = journal.journal(lane, wanted, now);
        if (refused != null)
        {
            return error(503, refused + "; the rate is unchanged, retry");
        }
        lane.requestRate(wanted, now);
        final long deadline = System.currentTimeMillis() + APPLY_WAIT_MS;
        while (lane.rateSettings() != wanted && System.currentTimeMillis() < deadline)
        {
            try
            {
                Thread.sleep(1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
        }
        final boolean applied = lane.rateSettings() == wanted;
        return json(applied ? 200 : 202, rateJson(lane, wanted, applied));
    }

    private AdminReply deadLetters(final Map<String, List<String>> params)
    {
        final long limit;
        try
        {
            limit = number(params, "limit", 100);
            if (limit < 1 || limit > MAX_DEAD_LETTERS)
            {
                throw new IllegalArgumentException("limit: " + limit + " is outside [1, " + MAX_DEAD_LETTERS + "]");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            return error(400, ex.getMessage());
        }
        final String only = params.containsKey("lane") ? params.get("lane").get(0) : null;
        if (only != null && find(only) == null)
        {
            return error(404, "lane: no lane '" + only + "'; lanes: " + channelNames());
        }
        final List<DeadLetters.Entry> all = new ArrayList<>();
        for (final ConnectorLane lane : lanes)
        {
            if (only == null || lane == find(only))
            {
                all.addAll(lane.deadLetters().newest((int)limit));
            }
        }
        all.sort(Comparator.comparingLong(DeadLetters.Entry::atMs).reversed());
        final StringBuilder sb = new StringBuilder("{\"dead_letters\":[");
        for (int i = 0; i < Math.min(limit, all.size()); i++)
        {
            sb.append(i == 0 ? "\n" : ",\n").append(all.get(i).toJson());
        }
        sb.append("],\"note\":\"most recent per lane, refilled from the journal at start; the journal (STATUS, /messages/<id>/history) is the durable record\"}");
        return json(200, sb.toString());
    }

    private String lanesJson()
    {
        final StringBuilder sb = new StringBuilder("{\"lanes\":[");
        for (int i = 0; i < lanes.size(); i++)
        {
            final ConnectorLane lane = lanes.get(i);
            final String rate = rateJson(lane, lane.rateSettings(), true);
            sb.append(i == 0 ? "\n" : ",\n").append(rate, 0, rate.length() - 1)
                .append(",\"priority_queue\":").append(lane.priorityDepth())
                .append(",\"bulk_queue\":").append(lane.bulkDepth())
                .append(",\"in_flight\":").append(lane.inFlight())
                .append(",\"dead_letters\":").append(lane.deadLetters().total()).append('}');
        }
        return sb.append("]}").toString();
    }

    private static String rateJson(final ConnectorLane lane, final RateSettings s, final boolean applied)
    {
        final LaneMetrics m = lane.metrics();
        return "{\"lane\":\"" + lane.name() + "\",\"channel\":\"" + lane.channelType().name().toLowerCase(Locale.ROOT)
            + "\",\"applied\":" + applied
            + ",\"per_second\":" + s.perSecond() + ",\"burst\":" + s.burst() + ",\"reserved_percent\":" + s.reservedPercent()
            + ",\"effective_per_second\":" + m.get(LaneMetrics.RATE_MILLI_PER_SECOND) / 1000.0
            + ",\"speed_factor\":" + m.get(LaneMetrics.FACTOR_PERMILLE) / 1000.0
            + ",\"window_limit\":" + m.get(LaneMetrics.WINDOW_LIMIT)
            + ",\"breaker\":\"" + lane.breakerState() + "\",\"source\":" + source(lane.rateChangedAtMs()) + '}';
    }

    /** "config", or "runtime" with the time of the operator's change (kept across restarts by the journal). */
    private static String source(final long changedAtMs)
    {
        return changedAtMs == 0 ? "\"config\""
            : "\"runtime\",\"changed_at\":\"" + java.time.Instant.ofEpochMilli(changedAtMs) + '"';
    }

    private ConnectorLane find(final String channel)
    {
        for (final ConnectorLane lane : lanes)
        {
            if (lane.channelType().name().equalsIgnoreCase(channel) || lane.name().equals(channel))
            {
                return lane;
            }
        }
        return null;
    }

    private String channelNames()
    {
        return String.join(", ", lanes.stream().map(l -> l.channelType().name().toLowerCase(Locale.ROOT)).toList());
    }

    private static long number(final Map<String, List<String>> params, final String key, final long defaultValue)
    {
        final List<String> values = params.get(key);
        if (values == null || values.isEmpty())
        {
            return defaultValue;
        }
        final String v = values.get(0).trim();
        try
        {
            return Long.parseLong(v.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a whole number");
        }
    }

    private static AdminReply json(final int status, final String body)
    {
        return new AdminReply(status, body + "\n");
    }

    /** A JSON error whose message names the field or parameter at fault. */
    private static AdminReply error(final int status, final String message)
    {
        return json(status, "{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
    }

    private static AdminReply notAllowed(final String method, final String path)
    {
        return error(405, method + " not allowed on " + path);
    }
}
