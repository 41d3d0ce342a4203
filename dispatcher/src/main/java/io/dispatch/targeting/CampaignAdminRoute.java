package io.dispatch.targeting;

import io.dispatch.config.TenantRegistry;
import io.dispatch.json.Json;
import io.dispatch.protocol.CampaignControlFlyweight;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.MessageType;
import io.dispatch.route.AdminReply;
import io.dispatch.route.AdminRoute;
import io.dispatch.status.CampaignStats;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Campaigns on the admin port, for the operator console and scripts:
 * <pre>
 * GET  /campaigns                            every campaign: tenant, name, state and progress counters
 * POST /campaigns/{id}/pause|resume|cancel   the same control as a client's CAMPAIGN_CONTROL frame
 * </pre>
 * A control goes to the targeting thread (the campaigns' only writer) as a CAMPAIGN_CONTROL request of the
 * campaign's tenant, exactly as one from the protocol port: journaled before it is answered. The admin thread waits
 * for that answer (an operator's action, a few ms) up to {@link #ANSWER_WAIT_MS}. The list is the snapshot the
 * targeting thread publishes for /metrics, with the counters of {@link CampaignStats}.
 */
public final class CampaignAdminRoute implements AdminRoute
{
    static final long ANSWER_WAIT_MS = 2_000;
    private static final String USAGE = "GET /campaigns or POST /campaigns/<id>/pause|resume|cancel";

    private final TargetingConductor targeting;
    private final TenantRegistry tenants;
    private final CampaignStats stats;

    public CampaignAdminRoute(final TargetingConductor targeting, final TenantRegistry tenants, final CampaignStats stats)
    {
        this.targeting = targeting;
        this.tenants = tenants;
        this.stats = stats;
    }

    @Override
    public AdminReply handle(final String method, final QueryStringDecoder uri)
    {
        final String[] parts = uri.path().split("/");
        if (parts.length == 2 && method.equals("GET"))
        {
            return AdminReply.ok(list());
        }
        if (parts.length != 4 || !method.equals("POST"))
        {
            return error(parts.length == 4 || parts.length == 2 ? 405 : 404, USAGE);
        }
        final byte action;
        switch (parts[3])
        {
            case "pause": action = CampaignDescriptor.ACTION_PAUSE; break;
            case "resume": action = CampaignDescriptor.ACTION_RESUME; break;
            case "cancel": action = CampaignDescriptor.ACTION_CANCEL; break;
            default: return error(404, "action '" + parts[3] + "' is not pause, resume or cancel");
        }
        final long id;
        try
        {
            id = Long.parseLong(parts[2]);
        }
        catch (final NumberFormatException ex)
        {
            return error(400, "campaign id: '" + parts[2] + "' is not a number");
        }
        final TargetingMetrics.CampaignInfo campaign = find(id);
        if (campaign == null)
        {
            return error(404, "no campaign " + id);
        }
        return control(campaign, action);
    }

    private AdminReply control(final TargetingMetrics.CampaignInfo campaign, final byte action)
    {
        final byte[] body = new byte[CampaignControlFlyweight.BODY_LENGTH];
        new CampaignControlFlyweight().wrapForEncode(new UnsafeBuffer(body), 0)
            .campaignIdAndAction(campaign.id(), action);
        final CompletableFuture<byte[]> answer = new CompletableFuture<>();
        final Requester requester = frame ->
        {
            final byte[] copy = new byte[frame.readableBytes()];
            frame.readBytes(copy);
            frame.release();
            answer.complete(copy);
        };
        final int tenantId = tenants.idOf(campaign.tenant());
        if (!targeting.offer(new TargetingRequest(TargetingRequest.CAMPAIGN_CONTROL, tenantId, requester, 0, body)))
        {
            return error(503, "the targeting thread's inbox is full; retry");
        }
        final byte[] frame;
        try
        {
            frame = answer.get(ANSWER_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            return error(504, "no answer from the targeting thread within " + ANSWER_WAIT_MS + " ms; GET /campaigns shows"
                + " whether the change was made");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return error(503, "interrupted");
        }
        catch (final ExecutionException ex)
        {
            return error(500, ex.getCause().toString());
        }
        return reply(campaign, frame);
    }

    private static AdminReply reply(final TargetingMetrics.CampaignInfo campaign, final byte[] f)
    {
        final int at = FrameDescriptor.HEADER_LENGTH;
        final byte type = f[5];
        if (type == MessageType.CAMPAIGN_RESULT)
        {
            final StringBuilder sb = new StringBuilder("{\"id\":").append(campaign.id()).append(",\"state\":\"")
                .append(stateName(f[at + 8])).append("\"}");
            return new AdminReply(200, sb.append('\n').toString());
        }
        final ErrorCode code = ErrorCode.of(u16(f, at));
        final String detail = new String(f, at + 4, u16(f, at + 2), StandardCharsets.UTF_8);
        // an action that does not apply to the campaign's state is a conflict, not a malformed request
        return error(code == ErrorCode.NOT_FOUND ? 404 : code == ErrorCode.INVALID_FIELD ? 409 : 500,
            (code == null ? "error" : code.name()) + ": " + detail);
    }

    private String list()
    {
        final StringBuilder sb = new StringBuilder("{\"campaigns\":[");
        final List<TargetingMetrics.CampaignInfo> all = targeting.metrics().campaigns();
        for (int i = 0; i < all.size(); i++)
        {
            final TargetingMetrics.CampaignInfo c = all.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("{\"id\":").append(c.id()).append(",\"tenant\":");
            Json.quote(sb, c.tenant()).append(",\"name\":");
            Json.quote(sb, c.name()).append(",\"state\":\"").append(stateName(c.state())).append('"')
                .append(",\"targeted\":").append(stats.get(c.slot(), CampaignDescriptor.COUNTER_TARGETED))
                .append(",\"fanned_out\":").append(channels(c.slot(), CampaignDescriptor.CHANNEL_FANNED_OUT))
                .append(",\"delivered\":").append(channels(c.slot(), CampaignDescriptor.CHANNEL_DELIVERED))
                .append(",\"failed\":").append(channels(c.slot(), CampaignDescriptor.CHANNEL_FAILED))
                .append(",\"unreachable\":").append(stats.get(c.slot(), CampaignDescriptor.COUNTER_UNREACHABLE))
                .append(",\"cancelled\":").append(stats.get(c.slot(), CampaignDescriptor.COUNTER_CANCELLED)).append('}');
        }
        return sb.append("]}\n").toString();
    }

    private long channels(final int slot, final int what)
    {
        long sum = 0;
        for (final ChannelType ch : ChannelType.values())
        {
            sum += stats.get(slot, CampaignDescriptor.channelCounter(ch.code(), what));
        }
        return sum;
    }

    private TargetingMetrics.CampaignInfo find(final long id)
    {
        for (final TargetingMetrics.CampaignInfo c : targeting.metrics().campaigns())
        {
            if (c.id() == id)
            {
                return c;
            }
        }
        return null;
    }

    private static String stateName(final byte state)
    {
        final String name = CampaignDescriptor.stateName(state);
        return name == null ? "unknown" : name.toLowerCase(Locale.ROOT);
    }

    private static int u16(final byte[] b, final int at)
    {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static AdminReply error(final int status, final String message)
    {
        final StringBuilder sb = new StringBuilder("{\"error\":");
        return new AdminReply(status, Json.quote(sb, message).append("}\n").toString());
    }
}
