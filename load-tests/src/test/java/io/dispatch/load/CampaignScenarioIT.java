package io.dispatch.load;

import io.dispatch.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A scenario with an engine-side campaign (campaign.*) through scripts/loadtest's main against the real engine,
 * embedded: the generator loads the directory, starts the campaign inside the run, reports its counters, and the
 * auth stream beside it is acked in full.
 */
@Timeout(120)
class CampaignScenarioIT
{
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void shouldLoadTheDirectoryStartTheCampaignInTheRunAndReportItsCounters() throws Exception
    {
        final Path scenario = dir.resolve("campaign.properties");
        Files.write(scenario, List.of(
            "name = campaign-test",
            "warmup = 1",
            "duration = 3",
            "connections = 1",
            "engine = embedded",
            "stream.otp.class = auth",
            "stream.otp.rate = 200",
            "stream.otp.recipients = uniform 3000",
            "stream.otp.payload = template otp service=Shop code=482913",
            "campaign.recipients = 3000",
            "campaign.start = 1s",
            "campaign.template = promo shop=Test offer=sale",
            "sim.latencyMs = 1",
            "sim.receiptDelayMs = 5",
            "sim.sms.maxPerSecond = 100000",
            "engine.policy.night.sms = off"));
        final Path out = dir.resolve("out");
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

        final int exit = LoadTestMain.run(new String[] {"--scenario", scenario.toString(), "--out", out.toString()},
            new PrintStream(stdout, true, StandardCharsets.UTF_8), System.err);

        final String printed = stdout.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("campaign: directory of 3000 members loaded", "campaign: started loadtest-");
        final Map<String, Object> report = Json.parseObject(Files.readString(out.resolve("report.json")));
        assertThat(report).containsEntry("offered", 600L).containsEntry("acked", 600L).containsEntry("rejected", 0L);
        final Map<String, Object> campaign = (Map<String, Object>)report.get("campaign");
        // every member has a phone and ad consent: all of them fanned out and decided SEND
        assertThat(campaign).containsEntry("targeted", 3000L).containsEntry("fanned_out", 3000L)
            .containsEntry("decided_send", 3000L).containsEntry("decided_suppress", 0L);
        assertThat((Map<String, Object>)report.get("engine_settings"))
            .containsEntry("lane.sms.connector.maxPerSecond", "100000");
    }
}
