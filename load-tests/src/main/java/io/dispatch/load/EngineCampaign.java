package io.dispatch.load;

import io.dispatch.client.Campaign;
import io.dispatch.client.CampaignResult;
import io.dispatch.client.DirectoryBatch;
import io.dispatch.client.DirectoryResult;
import io.dispatch.client.DispatchClient;
import io.dispatch.load.scenario.CampaignSpec;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DirectoryOpWriter;

import org.agrona.concurrent.NanoClock;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The engine side of a scenario's {@code campaign.*}: loads the synthetic directory before the run, starts the
 * campaign at its time on the run's timeline, and reads its counters after the run. Member {@code i} is
 * {@code lt-i} with the phone, push token and chat key the generator's streams use for index {@code i}
 * ({@link MessageCatalog#recipient}) and ad consent on every channel, so the campaign and the streams reach
 * the same people and the policy stage lets the campaign through.
 * <p>
 * <b>Threading:</b> {@link #loadDirectory} and {@link #stats} on the run's thread; {@link #startAt} starts one
 * daemon thread that waits for the campaign's time.
 */
public final class EngineCampaign
{
    /** Directory batches in flight at once: enough to keep the engine busy, bounded so memory is. */
    static final int BATCHES_IN_FLIGHT = 8;
    static final long ANSWER_TIMEOUT_S = 60;
    static final String FCM = "fcm";

    private final CampaignSpec spec;
    private final PrintStream out;
    private final NanoClock clock;
    private final String name;
    private volatile CompletableFuture<CampaignResult> started;

    public EngineCampaign(final CampaignSpec spec, final PrintStream out, final NanoClock clock, final long runId)
    {
        this.spec = spec;
        this.out = out;
        this.clock = clock;
        this.name = "loadtest-" + runId;
    }

    /**
     * Upserts the members, {@link #BATCHES_IN_FLIGHT} batches at a time.
     *
     * @throws LoadTestException when the engine refuses a member (e.g. DIRECTORY_FULL) or does not answer.
     */
    public void loadDirectory(final DispatchClient client) throws LoadTestException
    {
        final long startNs = System.nanoTime();
        final DirectoryOpWriter op = new DirectoryOpWriter();
        final DirectoryBatch batch = new DirectoryBatch();
        final ArrayDeque<CompletableFuture<DirectoryResult>> inFlight = new ArrayDeque<>();
        final long consentAtMs = System.currentTimeMillis();
        long applied = 0;
        for (int i = 0; i < spec.recipients(); i++)
        {
            member(op, i, consentAtMs);
            if (!batch.tryAdd(op))
            {
                applied += send(client, batch, inFlight);
                batch.tryAdd(op);
            }
        }
        if (!batch.isEmpty())
        {
            applied += send(client, batch, inFlight);
        }
        while (!inFlight.isEmpty())
        {
            applied += await(inFlight.poll());
        }
        out.printf(Locale.ROOT, "campaign: directory of %d members loaded in %.1f s%n", applied,
            (System.nanoTime() - startNs) / 1e9);
    }

    /** Starts the campaign on a daemon thread at {@code timelineStartNs + spec.startNs()} on the run's clock. */
    public void startAt(final DispatchClient client, final long timelineStartNs)
    {
        final Thread t = new Thread(() ->
        {
            final long waitNs = timelineStartNs + spec.startNs() - clock.nanoTime();
            if (waitNs > 0)
            {
                try
                {
                    TimeUnit.NANOSECONDS.sleep(waitNs);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            final Campaign.Builder b = Campaign.builder().name(name).segment(segment(spec.channel()))
                .channels(spec.channel()).template(spec.channel(), spec.templateId()).pacingPerSecond(spec.pacing());
            spec.vars().forEach(b::var);
            started = client.startCampaign(b.build());
            started.whenComplete((r, ex) -> out.println(ex != null ? "campaign: start refused: " + ex.getMessage() :
                "campaign: started " + name + " id=" + r.campaignId() + " targeted=" + r.targeted()));
        }, "loadtest-campaign");
        t.setDaemon(true);
        t.start();
    }

    /** @return the campaign's counters after the run, or null when it never started (the reason was printed). */
    public CampaignResult stats(final DispatchClient client)
    {
        final CompletableFuture<CampaignResult> s = started;
        if (s == null)
        {
            out.println("campaign: not started within the run");
            return null;
        }
        try
        {
            final long id = s.get(ANSWER_TIMEOUT_S, TimeUnit.SECONDS).campaignId();
            final CampaignResult r = client.campaignStats(id).get(ANSWER_TIMEOUT_S, TimeUnit.SECONDS);
            out.printf(Locale.ROOT, "campaign: %s targeted %d, fanned out %d, sent-decided %d, deferred %d, " +
                "suppressed %d%n", r.state(), r.targeted(), r.fannedOut(), r.decidedSend(), r.decidedDefer(),
                r.decidedSuppress());
            return r;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            out.println("campaign: no counters: " + ex);
            return null;
        }
    }

    static void member(final DirectoryOpWriter op, final int i, final long consentAtMs)
    {
        op.upsert("lt-" + i).string("phone", MessageCatalog.recipient(ChannelType.SMS, i))
            .string("chat_key", MessageCatalog.recipient(ChannelType.CHAT, i))
            .pushToken(FCM, MessageCatalog.recipient(ChannelType.PUSH, i));
        for (final String channel : new String[] {"sms", "push", "chat"})
        {
            op.consentField(channel, ConsentFlags.AD, ConsentFlags.ALL & ~ConsentFlags.AD, consentAtMs, "loadtest");
        }
    }

    private static String segment(final ChannelType channel)
    {
        return "reachable('" + channel.name().toLowerCase(Locale.ROOT) + "')";
    }

    private static long send(final DispatchClient client, final DirectoryBatch batch,
        final ArrayDeque<CompletableFuture<DirectoryResult>> inFlight) throws LoadTestException
    {
        long applied = 0;
        if (inFlight.size() == BATCHES_IN_FLIGHT)
        {
            applied = await(inFlight.poll());
        }
        inFlight.add(client.updateDirectory(batch));
        batch.clear();
        return applied;
    }

    private static long await(final CompletableFuture<DirectoryResult> answer) throws LoadTestException
    {
        final DirectoryResult r;
        try
        {
            r = answer.get(ANSWER_TIMEOUT_S, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new LoadTestException("interrupted while loading the campaign's directory", ex);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            throw new LoadTestException("the engine did not take the campaign's directory: " + ex, ex);
        }
        if (!r.rejections().isEmpty())
        {
            final DirectoryResult.Rejection first = r.rejections().get(0);
            throw new LoadTestException("the engine refused " + r.rejections().size() + " campaign members, first: " +
                first.code() + " " + first.problem(), null);
        }
        return r.applied();
    }
}
