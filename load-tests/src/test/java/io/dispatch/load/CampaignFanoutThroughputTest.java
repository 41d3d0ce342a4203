package io.dispatch.load;

import io.dispatch.Dispatcher;
import io.dispatch.config.Settings;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.TargetingFrames;
import io.dispatch.testing.TargetingFrames.CampaignResult;
import io.dispatch.testing.TargetingFrames.DirectoryResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How fast a campaign fans out into the ring, pacing off: the whole engine in this JVM, a directory of N
 * recipients loaded over the protocol (DIRECTORY_UPDATE frames of 1,000 ops, 8 in flight), then one campaign
 * to all of them on SMS. Reports the directory load rate, the fan-out rate (CAMPAIGN answered → state
 * FANNED_OUT: every recipient published into the ring) and the rate until all N are journaled (the
 * FANNED_OUT counter), each in recipients/s. The lanes are sized so admission never blocks: the figure is the
 * fan-out and the ring (dedup, policies, journal append, status), not the simulated providers.
 * <p>
 * A smoke run of 20,000 recipients in the build; figures on a quiet machine:
 * <pre>
 * mvn -B -pl load-tests -am test -Dtest=CampaignFanoutThroughputTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dcampaign.bench.recipients=1000000
 * </pre>
 * With {@code -Dcampaign.bench.stallProvider=true} the simulated provider holds every message (the lane sends
 * nothing back), so the figure is the fan-out and the ring alone, without dispatch competing for the CPU.
 * Results also go to {@code load-tests/target/campaign-bench.txt}.
 */
@Timeout(900)
class CampaignFanoutThroughputTest
{
    static final int RECIPIENTS = Integer.getInteger("campaign.bench.recipients", 20_000);
    /** true: the simulated SMS provider holds every message, so the run measures the ring alone, not dispatch. */
    static final boolean STALL_PROVIDER = Boolean.getBoolean("campaign.bench.stallProvider");
    private static final int OPS_PER_FRAME = 1000;
    private static final int FRAMES_IN_FLIGHT = 8;

    @TempDir
    Path dir;

    @Test
    void campaignFanOut() throws Exception
    {
        final Settings s = EngineFixture.settings(dir);
        s.set("template.promo", "(광고)[shop] #{region} 고객님 쿠폰 무료수신거부 080-000-0000");
        s.set("ring.size", "65536");
        s.set("status.capacity", Integer.toString(Math.max(65536, Integer.highestOneBit(RECIPIENTS) * 4)));
        s.set("lane.sms.capacity", Integer.toString(RECIPIENTS * 2));
        s.set("lane.sms.connector.latencyMs", "0");
        s.set("lane.sms.connector.stall", Boolean.toString(STALL_PROVIDER));
        try (Dispatcher engine = EngineFixture.launch(s);
             RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            final long loadStart = System.nanoTime();
            load(c);
            final double loadSeconds = (System.nanoTime() - loadStart) / 1e9;

            final long start = System.nanoTime();
            c.send(b -> TargetingFrames.campaign(b, 1, false, 0, 0, "bench", "", new byte[] {ChannelType.SMS.code()},
                "consent('sms')", (int)ChannelType.SMS.code(), "promo"));
            final CampaignResult started = CampaignResult.of(c.read());
            assertThat(started.counter(CampaignDescriptor.COUNTER_TARGETED)).isEqualTo(RECIPIENTS);
            final long answered = System.nanoTime();
            long fannedOutAt = 0;
            long journaledAt = 0;
            long corr = 2;
            while (journaledAt == 0)
            {
                final long id = corr++;
                c.send(b -> TargetingFrames.stats(b, id, started.id(), null));
                final CampaignResult r = CampaignResult.of(c.read());
                final long now = System.nanoTime();
                if (fannedOutAt == 0 && r.state() == CampaignDescriptor.STATE_FANNED_OUT)
                {
                    fannedOutAt = now;
                }
                if (r.counter(CampaignDescriptor.COUNTER_FANNED_OUT) == RECIPIENTS)
                {
                    journaledAt = now;
                    fannedOutAt = fannedOutAt == 0 ? now : fannedOutAt;
                }
                Thread.sleep(5);
            }
            final String report = String.format(Locale.ROOT,
                "stall_provider=" + STALL_PROVIDER + " recipients=%d directory_load=%.0f/s (%.2f s) segment_and_start=%.1f ms fan_out_published=%.0f/s "
                    + "(%.2f s) fan_out_journaled=%.0f/s (%.2f s) java=%s cores=%d%n",
                RECIPIENTS, RECIPIENTS / loadSeconds, loadSeconds, (answered - start) / 1e6,
                RECIPIENTS / ((fannedOutAt - answered) / 1e9), (fannedOutAt - answered) / 1e9,
                RECIPIENTS / ((journaledAt - answered) / 1e9), (journaledAt - answered) / 1e9,
                Runtime.version(), Runtime.getRuntime().availableProcessors());
            System.out.print(report);
            Files.writeString(Path.of("target", "campaign-bench.txt"), report,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
    }

    /** Loads N recipients with SMS ad consent, pipelining frames of 1,000 ops. */
    private static void load(final RawConnection c) throws Exception
    {
        final DirectoryOpWriter w = new DirectoryOpWriter();
        int inFlight = 0;
        for (int from = 0; from < RECIPIENTS; from += OPS_PER_FRAME)
        {
            final List<byte[]> ops = new ArrayList<>(OPS_PER_FRAME);
            for (int i = from; i < Math.min(RECIPIENTS, from + OPS_PER_FRAME); i++)
            {
                ops.add(w.upsert("u" + i).string("gender", i % 2 == 0 ? "F" : "M").string("region", "Seoul")
                    .string("phone", String.format("010%08d", i)).consentField("sms", 1, 0, 0, "bench").toBytes());
            }
            final long corr = 1000 + from;
            c.send(b -> TargetingFrames.directoryUpdate(b, corr, ops));
            if (++inFlight == FRAMES_IN_FLIGHT)
            {
                expectApplied(c);
                inFlight--;
            }
        }
        while (inFlight-- > 0)
        {
            expectApplied(c);
        }
    }

    private static void expectApplied(final RawConnection c) throws Exception
    {
        RawConnection.Frame f;
        do
        {
            f = c.read();
        }
        while (f.type == MessageType.CREDIT);
        assertThat(DirectoryResult.of(f).rejected()).isEmpty();
    }
}
