package io.dispatch.load;

import io.dispatch.load.scenario.Recipients;
import io.dispatch.load.scenario.StreamSpec;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** Scenario files and overrides: the shipped standard scenarios parse, and every mistake is named. */
class ScenarioParsingTest
{
    /** Surefire runs in the module folder. */
    static final Path SCENARIOS = Path.of("scenarios");

    @TempDir
    Path dir;

    private Path file(final String... lines) throws IOException
    {
        final Path f = dir.resolve("test.properties");
        Files.write(f, java.util.List.of(lines), StandardCharsets.UTF_8);
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"steady-informational", "informational-with-campaign", "mixed-channels", "saturation",
        "auth-with-campaign", "marketing-flood"})
    void shouldParseEveryShippedStandardScenario(final String name)
    {
        final LoadTestConfig c = ArgsParser.parse(new String[] {"--scenario", SCENARIOS.resolve(name + ".properties").toString()});

        assertThat(c.name()).isEqualTo(name);
        assertThat(c.streams()).isNotEmpty();
        assertThat(c.engineSettings()).containsEntry("lane.sms.connector.latencyMs", "2");
        // Building each catalog proves the distributions and payloads are usable (and bounded in memory).
        for (int i = 0; i < c.streams().size(); i++)
        {
            assertThat(new MessageCatalog(c.streams().get(i), c.seed(), i).size()).isPositive();
        }
    }

    @Test
    void shouldReadACampaignBurstOnTopOfSteadyTraffic()
    {
        final LoadTestConfig c = ArgsParser.parse(new String[] {
            "--scenario", SCENARIOS.resolve("informational-with-campaign.properties").toString()});

        assertThat(c.warmupS()).isEqualTo(10);
        assertThat(c.durationS()).isEqualTo(30);
        assertThat(c.kinds()).containsExactly(MessageKind.INFORMATIONAL, MessageKind.MARKETING);
        final StreamSpec campaign = c.streams().get(1);
        assertThat(campaign.kind()).isEqualTo(MessageKind.MARKETING);
        assertThat(campaign.profile().rateAt(TimeUnit.SECONDS.toNanos(15))).isZero();
        assertThat(campaign.profile().rateAt(TimeUnit.SECONDS.toNanos(25))).isEqualTo(100_000);
        assertThat(campaign.profile().totalCount()).isCloseTo(1_000_000, offset(1e-3));
        // 50k/s for 30 s plus 1M campaign messages, over the 30 s measured period.
        assertThat(c.rate()).isCloseTo(50_000 + 1_000_000 / 30.0, offset(1e-6));
        assertThat(c.slo()).isNull();
        assertThat(c.saturation()).isNull();
    }

    @Test
    void shouldReadAnEngineCampaignBesideTheAuthStreamAndTurnItOffWithZeroRecipients()
    {
        final String file = SCENARIOS.resolve("auth-with-campaign.properties").toString();
        final LoadTestConfig c = ArgsParser.parse(new String[] {"--scenario", file});

        assertThat(c.kinds()).containsExactly(MessageKind.AUTH);
        assertThat(c.campaign().recipients()).isEqualTo(1_000_000);
        assertThat(c.campaign().channel()).isEqualTo(ChannelType.SMS);
        assertThat(c.campaign().startNs()).isEqualTo(TimeUnit.SECONDS.toNanos(10));
        assertThat(c.campaign().templateId()).isEqualTo("promo");
        assertThat(c.campaign().vars()).containsExactly(Map.entry("shop", "LoadShop"), Map.entry("offer", "sale"));
        assertThat(c.engineSettings()).containsEntry("lane.sms.connector.maxPerSecond", "20000")
            .containsEntry("lane.sms.ratePerSecond", "20000");
        assertThat(ArgsParser.parse(new String[] {"--scenario", file, "--set", "campaign.recipients=0"}).campaign())
            .isNull();
    }

    @Test
    void shouldReadChannelMixesDistributionsTemplatesAndPerChannelProviderSettings()
    {
        final LoadTestConfig c = ArgsParser.parse(new String[] {
            "--scenario", SCENARIOS.resolve("mixed-channels.properties").toString()});

        final StreamSpec info = c.streams().get(0);
        assertThat(info.channelMix()).isEqualTo("sms:60,push:30,chat:10");
        assertThat(info.recipients().kind()).isEqualTo(Recipients.Kind.HOT);
        assertThat(c.streams().get(1).payload().template()).isEqualTo("otp");
        assertThat(c.streams().get(1).payload().vars()).containsEntry("code", "482913");
        assertThat(c.streams().get(2).recipients().kind()).isEqualTo(Recipients.Kind.ZIPF);
        assertThat(c.engineSettings())
            .containsEntry("lane.push.connector.latencyMs", "5")
            .containsEntry("lane.chat.connector.latencyMs", "10")
            .containsEntry("lane.sms.connector.latencyMs", "2");
        assertThat(c.rate()).isCloseTo(50_000, offset(1e-6));
        assertThat(c.engineArgs()).contains("--set 'tenant.demo.optOutFooter=무료수신거부 080-000-0000'\n",
            "--set policy.night.sms=off\n");
    }

    @Test
    void shouldLetFlagsAndSetOverrideTheFileWhereverTheyAppear() throws IOException
    {
        final Path f = file("duration = 30", "connections = 2", "stream.a.rate = 100", "stream.b.rate = 300",
            "stream.b.class = auth", "slo = p99.ack<5ms");

        final LoadTestConfig c = ArgsParser.parse(new String[] {"--duration", "5", "--scenario", f.toString(),
            "--set", "stream.a.channel=push", "--rate", "800", "--set", "connections=3", "--slo", "p50.e2e<1s"});

        assertThat(c.durationS()).isEqualTo(5);
        assertThat(c.connections()).isEqualTo(3);
        assertThat(c.streams().get(0).channel(0)).isEqualTo(ChannelType.PUSH);
        // --rate scales both streams to 800/s together, keeping their 1:3 ratio.
        assertThat(c.rate()).isCloseTo(800, offset(1e-6));
        assertThat(c.streams().get(0).profile().peakRate()).isCloseTo(200, offset(1e-6));
        assertThat(c.streams().get(1).profile().peakRate()).isCloseTo(600, offset(1e-6));
        assertThat(c.slo().toString()).isEqualTo("p50.e2e<1s");
        assertThat(c.name()).isEqualTo("test");
    }

    @Test
    void shouldPrintTheEngineSettingsAsDispatcherFlags() throws IOException
    {
        final Path f = file("stream.a.rate = 100", "sim.sms.failureRate = 0.01", "engine.lane.sms.window = 8");
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        final int code = LoadTestMain.run(new String[] {"--scenario", f.toString(), "--print-engine-args"},
            new java.io.PrintStream(out, true, StandardCharsets.UTF_8), System.err);

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
            .isEqualTo("--set lane.sms.connector.failureRate=0.01\n--set lane.sms.window=8\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "stream.a.rate = 100;stream.a.rte = 5 | test.properties line 2: stream.a.rte unknown stream attribute 'rte'",
        "stream.a.rate = ramp 10 | test.properties line 1: stream.a.rate expected 'ramp FROM TO",
        "stream.a.rate = 100;stream.a.class = promo | line 2: stream.a.class must be one of informational | auth | marketing",
        "stream.a.rate = 100;stream.a.channel = sms:70,fax:30 | line 2: stream.a.channel unknown channel 'fax'",
        "stream.a.rate = 100;stream.a.channel = sms:x | line 2: stream.a.channel 'sms:x' is not CHANNEL or CHANNEL:WEIGHT",
        "stream.a.rate = 100;stream.a.recipients = hot 100 10% 500 | line 2: stream.a.recipients hot count must be",
        "stream.a.rate = 100;stream.a.recipients = zipf 2000000 1.1 | line 2: stream.a.recipients pool size must be",
        "stream.a.rate = 100;stream.a.payload = 5000 | line 2: stream.a.payload text length must be 1..4000",
        "stream.a.rate = 100;stream.a.start = 40 | line 2: stream.a.start is after the run's end",
        "stream.a.rate = 100;stream.a.start = 9;stream.a.stop = 5 | line 3: stream.a.stop stream 'a' stops at or before it starts",
        "stream.a.class = auth | line 1: stream.a.class stream 'a' has no stream.a.rate",
        "stream.a.rate = 100;duration = 1.5 | line 2: duration expects whole seconds",
        "stream.a.rate = 100;connections = 0 | line 2: connections must be 1..256",
        "stream.a.rate = 100;stream.a.connections = 0 | line 2: stream.a.connections must be a whole number 1..256",
        "stream.a.rate = 100;stream.a.connections = own | line 2: stream.a.connections must be a whole number 1..256",
        "stream.a.rate = 1;stream.b.rate = 1;stream.b.connections = 200;connections = 100 | a run opens at most 256 connections; connections plus every stream.NAME.connections come to 300",
        "stream.a.rate = 100;colour = red | line 2: colour is not a scenario key",
        "stream.a.rate = 100;sim.latency = 5 | line 2: sim.latency unknown simulated-provider setting 'latency'",
        "stream.a.rate = 100;sim.fax.latencyMs = 5 | line 2: sim.fax.latencyMs unknown channel 'fax'",
        "stream.a.rate = 100;sim.failureRate = 2 | line 2: sim.failureRate must be within [0, 1]",
        "stream.a.rate = 100;slo = p99.ack<=5ms | line 2: slo cannot read SLO condition 'p99.ack<=5ms'",
        "stream.a.rate = 100;slo = p99.ack.promo<5ms | line 2: slo unknown class 'promo'",
        "stream.a.rate = 100;engine = docker | line 2: engine must be embedded | external",
        "stream.a.rate = 100;saturation.max = -1 | line 2: saturation.max must be a rate > 0",
        "stream.a.rate = 100;stream.a.rate = 200 | line 2: stream.a.rate is already set on line 1",
        "stream.a.rate = 100;just words | line 2: expected 'key = value', got 'just words'",
        "stream.a b.rate = 100 | line 1: malformed key",
        "stream.a.rate = 100;campaign.size = 5 | line 2: campaign.size unknown campaign key 'size'",
        "stream.a.rate = 100;campaign.channel = sms | line 2: campaign.channel a campaign needs campaign.recipients",
        "stream.a.rate = 100;campaign.recipients = lots | line 2: campaign.recipients expects an integer",
        "stream.a.rate = 100;campaign.recipients = 5;campaign.channel = fax | line 3: campaign.channel must be sms",
        "stream.a.rate = 100;campaign.recipients = 5;campaign.start = 99s | line 3: campaign.start is after the run",
    })
    void shouldNameTheKeyAndLineOfEachMistake(final String content, final String message) throws IOException
    {
        final Path f = file(content.split(";"));

        assertThatThrownBy(() -> ArgsParser.parse(new String[] {"--scenario", f.toString()}))
            .isInstanceOf(UsageException.class)
            .hasMessageContaining(message);
    }

    @Test
    void shouldGiveTheFloodScenariosInformationalStreamAConnectionOfItsOwn()
    {
        final LoadTestConfig c = ArgsParser.parse(new String[] {
            "--scenario", SCENARIOS.resolve("marketing-flood.properties").toString()});
        final ConnectionPlan plan = c.connectionPlan();

        // Streams in file order: info (own connection), flood (the run's two).
        assertThat(c.streams().get(0).connections()).isEqualTo(1);
        assertThat(c.streams().get(1).connections()).isEqualTo(StreamSpec.SHARED);
        assertThat(plan.connections()).isEqualTo(3);
        assertThat(plan.sharedConnections()).isEqualTo(2);
        assertThat(plan.streamsOn(0)).containsExactly(1);
        assertThat(plan.streamsOn(1)).containsExactly(1);
        assertThat(plan.streamsOn(2)).containsExactly(0);
        assertThat(plan.connectionsOf(0)).isEqualTo(1);
        assertThat(plan.connectionsOf(1)).isEqualTo(2);
        assertThat(plan.slot(2, 0)).isZero();
        assertThat(plan.describe(2)).isEqualTo("[info]");
    }

    @Test
    void shouldShareTheRunsConnectionsOnlyAmongStreamsWithoutTheirOwn() throws IOException
    {
        final Path f = file("connections = 3", "stream.a.rate = 100", "stream.b.rate = 100", "stream.b.connections = 2",
            "stream.c.rate = 100");

        final ConnectionPlan plan = ArgsParser.parse(new String[] {"--scenario", f.toString()}).connectionPlan();

        assertThat(plan.connections()).isEqualTo(5);
        assertThat(plan.sharedConnections()).isEqualTo(3);
        for (int shared = 0; shared < 3; shared++)
        {
            assertThat(plan.streamsOn(shared)).containsExactly(0, 2);
            assertThat(plan.slot(shared, 0)).isEqualTo(shared);
        }
        assertThat(plan.streamsOn(3)).containsExactly(1);
        assertThat(plan.streamsOn(4)).containsExactly(1);
        assertThat(plan.slot(4, 1)).isEqualTo(1);
        assertThat(plan.connectionsOf(0)).isEqualTo(3);
        assertThat(plan.connectionsOf(1)).isEqualTo(2);
        // With every stream on connections of its own, the run's are not opened at all.
        final ConnectionPlan own = ArgsParser.parse(new String[] {"--scenario", f.toString(),
            "--set", "stream.a.connections=1", "--set", "stream.c.connections=1"}).connectionPlan();
        assertThat(own.connections()).isEqualTo(4);
        assertThat(own.sharedConnections()).isZero();
        assertThat(own.streamsOn(0)).containsExactly(0);
        assertThat(own.streamsOn(3)).containsExactly(2);
    }

    @Test
    void shouldNameTheOverrideWhenASetValueIsBad() throws IOException
    {
        final Path f = file("stream.a.rate = 100");

        assertThatThrownBy(() -> ArgsParser.parse(new String[] {"--scenario", f.toString(), "--set", "stream.a.rate=fast"}))
            .hasMessageContaining("--set stream.a.rate unknown rate form 'fast'");
        assertThatThrownBy(() -> ArgsParser.parse(new String[] {"--scenario", f.toString(), "--kind", "auth"}))
            .hasMessageContaining("--kind describes the single stream").hasMessageContaining("stream.NAME.class");
        assertThatThrownBy(() -> ArgsParser.parse(new String[] {"--scenario", f.toString(), "--saturate"}))
            .hasMessageContaining("saturation mode needs an SLO");
        assertThatThrownBy(() -> ArgsParser.parse(new String[] {"--scenario", dir.resolve("missing.properties").toString()}))
            .hasMessageContaining("--scenario: cannot read");
        assertThatThrownBy(() -> ArgsParser.parse(new String[] {"--scenario", file("# only a comment").toString()}))
            .hasMessageContaining("defines no stream");
    }

    @Test
    void shouldExitTwoAndPrintTheKeyAndLineOnStderr() throws IOException
    {
        final Path f = file("stream.a.rate = 100", "stream.a.payload = huge");
        final java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();

        final int code = LoadTestMain.run(new String[] {"--scenario", f.toString()}, System.out,
            new java.io.PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(LoadTestMain.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
            .contains("test.properties line 2: stream.a.payload unknown payload form 'huge'");
    }

    @Test
    void shouldBuildSaturationStepsFromTheKeysAndKeepStreamsRatioPerStep() throws IOException
    {
        final Path f = file("stream.a.rate = 100", "stream.b.rate = 300", "slo = p99.ack<5ms",
            "saturation.start = 1000", "saturation.step = 500", "saturation.max = 2000",
            "saturation.step-duration = 3", "saturation.warmup = 1");

        final LoadTestConfig c = ArgsParser.parse(new String[] {"--scenario", f.toString()});
        assertThat(c.saturation().steps()).isEqualTo(3);
        assertThat(c.saturation().rateOfStep(2)).isEqualTo(2000);

        final LoadTestConfig step = c.forStep(1500, 1, 3, dir);
        assertThat(step.saturation()).isNull();
        assertThat(step.durationS()).isEqualTo(3);
        assertThat(step.rate()).isCloseTo(1500, offset(1e-6));
        assertThat(step.streams().get(1).profile().peakRate()).isCloseTo(1125, offset(1e-6));
    }
}
