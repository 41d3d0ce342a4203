package io.dispatch.load;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArgsParserTest
{
    @Test
    void shouldUseTheDocumentedDefaultsWhenNoFlagsAreGiven()
    {
        final LoadTestConfig c = ArgsParser.parse(new String[0]);

        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(7700);
        assertThat(c.connections()).isEqualTo(4);
        assertThat(c.warmupS()).isEqualTo(5);
        assertThat(c.streams()).hasSize(1);
        assertThat(c.streams().get(0).channel(0)).isEqualTo(ChannelType.SMS);
        assertThat(c.streams().get(0).kind()).isEqualTo(MessageKind.INFORMATIONAL);
        assertThat(c.tenant()).isEqualTo("demo");
        assertThat(c.apiKey()).isEqualTo("demo-key");
        assertThat(c.streams().get(0).payload().maxBytes()).isEqualTo(60);
        assertThat(c.engineMode()).isEqualTo(LoadTestConfig.EngineMode.EXTERNAL);
        assertThat(c.outDir()).isNull();
    }

    @Test
    void shouldReadTheEngineLatencyFromTheGivenUrlOrFromTheLatencyBesideAMetricsUrl()
    {
        assertThat(ArgsParser.parse(new String[] {"--engine-latency-url", "http://10.0.0.5:7701/latency"})
            .engineLatencyUrl()).hasToString("http://10.0.0.5:7701/latency");
        assertThat(ArgsParser.parse(new String[] {"--metrics-url", "https://engine:7701/metrics"}).engineLatencyUrl())
            .as("the older flag reads the same admin port's /latency").hasToString("https://engine:7701/latency");
        assertThat(ArgsParser.parse(new String[0]).engineLatencyUrl()).isNull();
    }

    @Test
    void shouldParseEveryFlagInBothForms()
    {
        final LoadTestConfig c = ArgsParser.parse(new String[] {
            "--host", "10.0.0.5", "--port=7800", "--rate", "2500.5", "--duration", "60", "--connections=8",
            "--out", "/tmp/lt", "--warmup", "0", "--channel", "PUSH", "--kind", "marketing", "--tenant", "acme",
            "--api-key", "k", "--payload-bytes", "160", "--recipients", "10"});

        assertThat(c.host()).isEqualTo("10.0.0.5");
        assertThat(c.port()).isEqualTo(7800);
        assertThat(c.rate()).isEqualTo(2500.5);
        assertThat(c.durationS()).isEqualTo(60);
        assertThat(c.connections()).isEqualTo(8);
        assertThat(c.outDir()).isEqualTo(Path.of("/tmp/lt"));
        assertThat(c.warmupS()).isZero();
        assertThat(c.streams().get(0).channel(0)).isEqualTo(ChannelType.PUSH);
        assertThat(c.streams().get(0).kind()).isEqualTo(MessageKind.MARKETING);
        assertThat(c.tenant()).isEqualTo("acme");
        assertThat(c.apiKey()).isEqualTo("k");
        assertThat(c.streams().get(0).payload().minBytes()).isEqualTo(160);
        assertThat(c.streams().get(0).recipients().pool()).isEqualTo(10);
        assertThat(c.streams().get(0).catalog()).isEqualTo(10);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "--rate abc ; --rate expects a number",
        "--rate 0 ; --rate must be > 0",
        "--rate -5 ; --rate must be > 0",
        "--duration 0 ; --duration must be > 0",
        "--duration 1.5 ; --duration expects an integer",
        "--warmup -1 ; --warmup must be >= 0",
        "--connections 0 ; --connections must be 1..",
        "--port 70000 ; --port must be 1..65535",
        "--payload-bytes 0 ; --payload-bytes must be 1..4000",
        "--payload-bytes 4001 ; --payload-bytes must be 1..4000",
        "--channel email ; --channel must be one of sms | push | chat",
        "--kind promo ; --kind must be one of informational | auth | marketing",
        "--bogus 1 ; unknown flag --bogus",
        "--metrics-url localhost:8081 ; --metrics-url must be an http(s) URL",
        "--engine-latency-url 127.0.0.1:7701 ; --engine-latency-url must be an http(s) URL such as http://127.0.0.1:7701/latency",
        "--rate ; --rate needs a value",
        "stray ; unexpected argument",
    })
    void shouldNameTheFlagWhenAnArgumentIsBad(final String args, final String message)
    {
        assertThatThrownBy(() -> ArgsParser.parse(args.trim().split("\\s+")))
            .isInstanceOf(UsageException.class)
            .hasMessageContaining(message);
    }

    @Test
    void shouldExitWithTwoAndNameTheFlagOnStderr()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        final int code = LoadTestMain.run(new String[] {"--connections", "x"}, print(out), print(err));

        assertThat(code).isEqualTo(LoadTestMain.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--connections expects an integer, got 'x'");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void shouldPrintUsageAndExitZeroOnHelpEvenWithOtherBadFlags()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        final int code = LoadTestMain.run(new String[] {"--rate", "x", "--help"}, print(out), print(out));

        assertThat(code).isEqualTo(LoadTestMain.EXIT_OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: scripts/loadtest", "--payload-bytes");
    }

    private static PrintStream print(final ByteArrayOutputStream bytes)
    {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
