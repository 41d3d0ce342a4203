package io.dispatch.client.cli;

import io.dispatch.Dispatcher;
import io.dispatch.config.Settings;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** scripts/directory then scripts/campaign against a real engine: import, explain, start, watch, control. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CampaignCliIT
{
    private static final String TEMPLATE = "(광고)[shop] #{region} 고객님 #{coupon} 쿠폰 무료수신거부 080-000-0000";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

    @Test
    void shouldExplainStartWatchAndControlACampaignOverImportedRecipients() throws Exception
    {
        final Settings settings = EngineFixture.settings(dir.resolve("engine"));
        settings.set("template.promo", TEMPLATE);
        try (Dispatcher engine = EngineFixture.launch(settings, JumpClock.atSeoul("2026-11-25T12:00:00")))
        {
            final String port = String.valueOf(engine.port());
            // 10 women (odd ids), 5 of them with SMS ad consent; everyone tagged promo and reachable by SMS.
            final StringBuilder csv = new StringBuilder("id,gender,region,phone,tags,consent_sms\n");
            for (int i = 1; i <= 20; i++)
            {
                csv.append('u').append(i).append(',').append(i % 2 == 1 ? 'F' : 'M').append(",서울,0101234")
                    .append(String.format("%04d", i)).append(",promo,").append(i <= 10 ? "ad" : "").append('\n');
            }
            final Path file = Files.writeString(dir.resolve("members.csv"), csv.toString(), StandardCharsets.UTF_8);
            assertThat(new DirectoryCommand(outStream, errStream, new ByteArrayInputStream(new byte[0]),
                System::nanoTime, false).run("import", file.toString(), "--progress", "none", "--port", port))
                .as(stderr()).isEqualTo(0);
            assertThat(stdout()).contains("applied   20");

            out.reset();
            final String[] start = {"start", "--name", "winter", "--segment", "gender = 'F' and tag('promo')",
                "--channels", "sms", "--template", "sms=promo", "--var", "coupon=W10", "--port", port};
            assertThat(campaign(concat(start, "--explain"))).as(stderr()).isEqualTo(0);
            assertThat(stdout()).startsWith("dry run (nothing sent) EXPLAINED").contains(
                "  targeted         10", "  send             5", "  suppress         5", "    no_consent     5");

            out.reset();
            assertThat(campaign(start)).as(stderr()).isEqualTo(0);
            final String id = stdout().substring("campaign ".length(), stdout().indexOf(' ', "campaign ".length()));
            assertThat(Long.parseLong(id)).isPositive();

            out.reset();
            assertThat(campaign("stats", "--name", "winter", "--watch", "--interval", "1", "--port", port)).isEqualTo(0);
            assertThat(stdout()).contains("campaign " + id + " FANNED_OUT", "  targeted         10");
            // the state moves once the last recipient is in the ring, the counter once the ring journaled it
            final long end = System.currentTimeMillis() + 10_000;
            do
            {
                out.reset();
                assertThat(campaign("stats", id, "--port", port)).isEqualTo(0);
            }
            while (!stdout().contains("  fanned out       10") && System.currentTimeMillis() < end);
            assertThat(stdout()).contains("  fanned out       10");

            // a fanned-out campaign can still be cancelled (what is not yet sent ends CANCELLED); twice cannot
            out.reset();
            assertThat(campaign("cancel", id, "--port", port)).as(stderr()).isEqualTo(0);
            assertThat(stdout()).startsWith("campaign " + id + " CANCELLED");
            assertThat(campaign("cancel", id, "--port", port)).isEqualTo(1);
            assertThat(stderr()).contains("refused: INVALID_FIELD (10): action 3 does not apply to a cancelled campaign");

            out.reset();
            final String[] later = {"start", "--name", "later", "--segment", "tag('promo')", "--channels", "sms",
                "--template", "sms=promo", "--at", "2026-11-25T15:00", "--port", port};
            assertThat(campaign(later)).as(stderr()).isEqualTo(0);
            assertThat(stdout()).startsWith("campaign ").contains(" SCHEDULED");
            final String laterId = stdout().substring("campaign ".length(), stdout().indexOf(' ', "campaign ".length()));
            out.reset();
            // by name too: the CLI looks the id up with a STATS by name
            assertThat(campaign("pause", "later", "--port", port)).as(stderr()).isEqualTo(0);
            assertThat(campaign("cancel", "--name", "later", "--port", port)).as(stderr()).isEqualTo(0);
            assertThat(stdout().lines().filter(l -> l.startsWith("campaign "))).containsExactly(
                "campaign " + laterId + " PAUSED",
                "campaign " + laterId + " CANCELLED");

            assertThat(campaign("pause", "987654321", "--port", port)).isEqualTo(1);
            assertThat(stderr()).contains("campaign: refused: NOT_FOUND");
        }
    }

    private int campaign(final String... args)
    {
        return new CampaignCommand(outStream, errStream, Clock.systemUTC()).run(args);
    }

    private static String[] concat(final String[] a, final String more)
    {
        final String[] all = java.util.Arrays.copyOf(a, a.length + 1);
        all[a.length] = more;
        return all;
    }

    private String stdout()
    {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr()
    {
        return err.toString(StandardCharsets.UTF_8);
    }
}
