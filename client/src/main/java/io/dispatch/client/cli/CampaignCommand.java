package io.dispatch.client.cli;

import io.dispatch.client.Campaign;
import io.dispatch.client.CampaignAction;
import io.dispatch.client.CampaignResult;
import io.dispatch.client.CampaignState;
import io.dispatch.client.DispatchClient;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Reason;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/campaign}: starts (or explains) a campaign, prints its counters, or pauses, resumes or cancels it.
 * Exit codes: 0 done, 1 refused or failed, 2 bad arguments.
 * <p>
 * Single-threaded command.
 */
public final class CampaignCommand
{
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    static final String USAGE = String.join(System.lineSeparator(),
        "usage: scripts/campaign start --name NAME --segment EXPR --channels CH[,CH...] --template CH=ID... [options]",
        "       scripts/campaign stats ID | NAME | --name NAME [--watch [--interval SECONDS]]",
        "       scripts/campaign pause|resume|cancel ID | NAME | --name NAME",
        "",
        "cancel stops the fan-out and ends every accepted message not yet handed to a provider CANCELLED (also",
        "once fanned out); messages a provider already has are not recalled.",
        "",
        "start (docs/campaigns.md, docs/segments.md):",
        "  --name NAME             1..64 bytes; starting the same name again answers the existing campaign",
        "  --segment EXPR          the segment expression choosing the recipients",
        "  --channels LIST         channel order, e.g. chat,push,sms: each recipient gets the first that reaches them",
        "  --template CH=ID        the template of one channel of the order (repeat for each)",
        "  --pacing N              recipients per second (default 0: as fast as the lanes take)",
        "  --at TIME               start later: +SECONDS, ISO-8601 (2026-11-26T09:00:00+09:00) or local (Asia/Seoul)",
        "  --ttl SECONDS           each message's time to live (default: engine's)",
        "  --sender NUMBER         the sender number whose opt-out list applies",
        "  --var NAME=VALUE        a constant template variable (repeatable); others come from recipient attributes",
        "  --explain               dry run: count what would happen, send nothing",
        "",
        "stats:",
        "  --watch                 print again every --interval seconds (default 2) until fanned out or cancelled",
        "",
        ConnectionOptions.USAGE,
        "");

    private static final Set<String> SWITCHES = Flags.union(ConnectionOptions.SWITCHES, Set.of("--explain", "--watch"));
    private static final Set<String> VALUED = Flags.union(ConnectionOptions.FLAGS, Set.of("--name", "--segment",
        "--channels", "--template", "--pacing", "--at", "--ttl", "--sender", "--var", "--interval"));

    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    CampaignCommand(final PrintStream out, final PrintStream err, final Clock clock)
    {
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    /**
     * Runs the command and exits with its code.
     *
     * @param args see {@code --help}.
     */
    public static void main(final String[] args)
    {
        SendCommand.quietLogging();
        System.exit(new CampaignCommand(System.out, System.err, Clock.systemUTC()).run(args));
    }

    int run(final String... args)
    {
        if (args.length == 0 || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h"))
        {
            out.print(USAGE);
            return args.length == 0 ? EXIT_USAGE : EXIT_OK;
        }
        final Flags f;
        try
        {
            f = Flags.parse(Arrays.asList(args).subList(1, args.length), SWITCHES, VALUED,
                Set.of("--template", "--var"));
            final Campaign campaign = args[0].equals("start") ? campaign(f) : null;
            final long id = args[0].equals("start") || byName(f) ? 0 : id(args[0], f);
            if (!Set.of("start", "stats", "pause", "resume", "cancel").contains(args[0]))
            {
                throw new UsageException("unknown command '" + args[0] + "' (start, stats, pause, resume, cancel)");
            }
            return ConnectionOptions.withClient(f, ConnectionOptions.config(f, "campaign-cli", false), err, "campaign",
                client ->
                {
                    switch (args[0])
                    {
                        case "start":
                            out.print(format(SendCommand.await(client.startCampaign(campaign))));
                            return EXIT_OK;
                        case "stats":
                            return stats(client, f, id);
                        default:
                            final CampaignAction action = CampaignAction.valueOf(args[0].toUpperCase(Locale.ROOT));
                            // a name is resolved to its campaign's id by a STATS request first
                            final long target = id > 0 ? id : SendCommand.await(client.campaignStats(name(f))).campaignId();
                            out.print(format(SendCommand.await(client.controlCampaign(target, action))));
                            return EXIT_OK;
                    }
                });
        }
        catch (final UsageException ex)
        {
            err.println("campaign: " + ex.getMessage());
            err.println("try: scripts/campaign --help");
            return EXIT_USAGE;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            err.println("campaign: interrupted");
            return EXIT_FAILED;
        }
    }

    private int stats(final DispatchClient client, final Flags f, final long id)
        throws InterruptedException, UsageException
    {
        final long intervalMs = 1000 * f.number("--interval", 2, 1, 3600);
        while (true)
        {
            final CompletableFuture<CampaignResult> answer = id > 0 ? client.campaignStats(id) : client.campaignStats(name(f));
            final CampaignResult r = SendCommand.await(answer);
            out.print(format(r));
            out.flush();
            if (!f.has("--watch") || r.state() == CampaignState.FANNED_OUT || r.state() == CampaignState.CANCELLED)
            {
                return EXIT_OK;
            }
            Thread.sleep(intervalMs);
        }
    }

    private Campaign campaign(final Flags f) throws UsageException
    {
        final Campaign.Builder b = Campaign.builder()
            .name(f.get("--name", ""))
            .segment(f.get("--segment", ""))
            .pacingPerSecond((int)f.number("--pacing", 0, 0, Integer.MAX_VALUE))
            .ttlSeconds((int)f.number("--ttl", 0, 0, Integer.MAX_VALUE))
            .senderNumber(f.get("--sender", ""))
            .dryRun(f.has("--explain"));
        if (f.has("--at"))
        {
            b.startAt(SendArguments.parseTime("--at", f.get("--at", ""), clock));
        }
        final List<String> order = List.of(f.get("--channels", "").split(","));
        final ChannelType[] channels = new ChannelType[order.size()];
        for (int i = 0; i < channels.length; i++)
        {
            channels[i] = channel("--channels", order.get(i));
        }
        b.channels(channels);
        for (final Map.Entry<String, String> t : f.pairs("--template").entrySet())
        {
            b.template(channel("--template", t.getKey()), t.getValue());
        }
        f.pairs("--var").forEach(b::var);
        try
        {
            return b.build();
        }
        catch (final IllegalArgumentException ex)
        {
            // Builder messages start with the field; name the flag instead.
            throw new UsageException(ex.getMessage().replaceFirst("^senderNumber", "--sender")
                .replaceFirst("^(name|segment|channels|template|var)", "--$1"));
        }
    }

    private static String name(final Flags f)
    {
        return f.get("--name", f.positionals().isEmpty() ? "" : f.positionals().get(0));
    }

    /** {@code --name NAME}, or a NAME that is not a number in place of the ID. */
    private static boolean byName(final Flags f)
    {
        return f.has("--name") || f.positionals().size() == 1 && !f.positionals().get(0).matches("[0-9]+");
    }

    private static long id(final String command, final Flags f) throws UsageException
    {
        if (f.positionals().size() != 1)
        {
            throw new UsageException(command + " takes one campaign ID or NAME");
        }
        try
        {
            final long id = Long.parseLong(f.positionals().get(0));
            if (id > 0)
            {
                return id;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        throw new UsageException("campaign ID must be a positive number, was '" + f.positionals().get(0) + "'");
    }

    private static ChannelType channel(final String flag, final String name) throws UsageException
    {
        try
        {
            return ChannelType.parse(name);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new UsageException(flag + ": '" + name + "' is not sms, push, chat, talktalk or messenger");
        }
    }

    /** @return the result as a few aligned lines, zero counters left out. */
    static String format(final CampaignResult r)
    {
        final StringBuilder sb = new StringBuilder();
        final String state = r.state() != null ? r.state().name() : "UNKNOWN(" + r.stateCode() + ")";
        sb.append(r.state() == CampaignState.EXPLAINED ? "dry run (nothing sent)" : "campaign " + r.campaignId())
            .append(' ').append(state).append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "  %-16s %,d%n", "targeted", r.targeted()));
        line(sb, "fanned out", r.fannedOut(), r.targeted() > 0 && r.state() != CampaignState.EXPLAINED ?
            String.format(Locale.ROOT, " (%.1f%%)", 100.0 * r.fannedOut() / r.targeted()) : "");
        line(sb, "unreachable", r.unreachable(), "");
        line(sb, "sender opt-out", r.senderOptOut(), "");
        line(sb, "send", r.decidedSend(), "");
        line(sb, "defer", r.decidedDefer(), "");
        line(sb, "suppress", r.decidedSuppress(), "");
        for (final Map.Entry<Reason, Long> e : r.suppressedByReason().entrySet())
        {
            line(sb, "  " + e.getKey().name().toLowerCase(Locale.ROOT), e.getValue(), "");
        }
        line(sb, "duplicates", r.duplicates(), "");
        line(sb, "cancelled", r.cancelled(), "");
        line(sb, "fallback avoided", r.fallbackAvoided(), " (delivered before the receipt deadline)");
        for (final ChannelType c : ChannelType.values())
        {
            if (r.fannedOut(c) + r.delivered(c) + r.failed(c) > 0)
            {
                sb.append(String.format(Locale.ROOT, "  %-16s fanned out %,d, delivered %,d, failed %,d%n",
                    c.name().toLowerCase(Locale.ROOT), r.fannedOut(c), r.delivered(c), r.failed(c)));
            }
        }
        return sb.toString();
    }

    private static void line(final StringBuilder sb, final String label, final long value, final String suffix)
    {
        if (value != 0)
        {
            sb.append(String.format(Locale.ROOT, "  %-16s %,d%s%n", label, value, suffix));
        }
    }
}
