package io.dispatch.client.cli;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SendArgumentsTest
{
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-25T03:00:00Z"), ZoneOffset.UTC);

    @Test
    void shouldParseEveryFlagInBothSpellings() throws Exception
    {
        final SendArguments a = SendArguments.parse(
            "--kind", "auth", "--channel=PUSH", "--to", "token-1", "--template", "otp", "--var", "code=12=34",
            "--var=name=Kim", "--key", "k1", "--ttl", "60", "--wait", "--wait-timeout=5", "--host", "10.0.0.1",
            "--port", "7701", "--tenant", "acme", "--api-key", "secret");

        assertThat(a.mode).isEqualTo(SendArguments.Mode.SEND);
        assertThat(a.kind).isEqualTo(MessageKind.AUTH);
        assertThat(a.channel).isEqualTo(ChannelType.PUSH);
        assertThat(a.to).isEqualTo("token-1");
        assertThat(a.template).isEqualTo("otp");
        assertThat(a.vars).containsExactly(Map.entry("code", "12=34"), Map.entry("name", "Kim"));
        assertThat(a.key).isEqualTo("k1");
        assertThat(a.ttlSeconds).isEqualTo(60);
        assertThat(a.waitForReceipts).isTrue();
        assertThat(a.waitTimeoutSeconds).isEqualTo(5);
        assertThat(a.toClientConfig().host()).isEqualTo("10.0.0.1");
        assertThat(a.toClientConfig().port()).isEqualTo(7701);
        assertThat(a.toClientConfig().tenant()).isEqualTo("acme");
        assertThat(a.toClientConfig().apiKey()).isEqualTo("secret");
        assertThat(a.toSubmit().vars()).containsEntry("code", "12=34");
    }

    @Test
    void shouldApplyDefaults() throws Exception
    {
        final SendArguments a = SendArguments.parse("--to", "01012345678", "--text", "hello");

        assertThat(a.kind).isEqualTo(MessageKind.INFORMATIONAL);
        assertThat(a.channel).isEqualTo(ChannelType.SMS);
        assertThat(a.waitForReceipts).isFalse();
        assertThat(a.waitTimeoutSeconds).isEqualTo(30);
        assertThat(a.host).isEqualTo("127.0.0.1");
        assertThat(a.port).isEqualTo(7700);
        assertThat(a.tenant).isEqualTo("demo");
        assertThat(a.apiKey).isEqualTo("demo-key");
        assertThat(a.toSubmit().text()).isEqualTo("hello");
    }

    @Test
    void shouldParseStatusAndHelp() throws Exception
    {
        final SendArguments status = SendArguments.parse("--status", "123456", "--port", "1234");
        assertThat(status.mode).isEqualTo(SendArguments.Mode.STATUS);
        assertThat(status.statusId).isEqualTo(123456);

        assertThat(SendArguments.parse("--to", "x", "--help").mode).isEqualTo(SendArguments.Mode.HELP);
        assertThat(SendArguments.parse("-h").mode).isEqualTo(SendArguments.Mode.HELP);
    }

    @Test
    void shouldNameTheFlagInEveryError()
    {
        assertError("--text", "x").hasMessage("--to is required (or use --status ID)");
        assertError("--to", "x").hasMessage("--text or --template is required");
        assertError("--to", "x", "--text", "a", "--template", "t")
            .hasMessage("use either --text or --template, not both");
        assertError("--to", "x", "--text", "a", "--var", "a=b").hasMessage("--var needs --template");
        assertError("--to", "x", "--template", "t", "--var", "novalue")
            .hasMessageStartingWith("--var must be NAME=VALUE");
        assertError("--to", "x", "--text", "a", "--kind", "urgent")
            .hasMessage("--kind must be informational|auth|marketing, was 'urgent'");
        assertError("--to", "x", "--text", "a", "--channel", "fax")
            .hasMessageStartingWith("--channel must be sms|push|chat");
        assertError("--to", "x", "--text", "a", "--port", "70000")
            .hasMessageStartingWith("--port must be a whole number");
        assertError("--to", "x", "--text", "a", "--ttl", "-1").hasMessageStartingWith("--ttl ");
        assertError("--to", "x", "--text", "a", "--wait-timeout", "0").hasMessageStartingWith("--wait-timeout ");
        assertError("--to", "x", "--text").hasMessage("--text needs a value");
        assertError("--to", "x", "--to", "y", "--text", "a").hasMessage("--to given more than once");
        assertError("--to", "x", "--text", "a", "--bogus").hasMessage("unknown option --bogus");
        assertError("--to", "x", "--text", "a", "stray").hasMessageStartingWith("unexpected argument 'stray'");
        assertError("--status", "abc").hasMessageStartingWith("--status must be a whole number");
        assertError("--status", "5", "--to", "x").hasMessageStartingWith("--status queries a message");
        assertError("--wait=yes", "--to", "x").hasMessage("--wait takes no value");
    }

    @Test
    void shouldParseSendAtAsRelativeSecondsInstantOffsetOrSeoulLocalTime() throws Exception
    {
        assertThat(sendAt("+30")).isEqualTo(NOW.millis() + 30_000);
        assertThat(sendAt("+0")).isEqualTo(NOW.millis());
        assertThat(sendAt("2026-11-26T00:00:00Z")).isEqualTo(Instant.parse("2026-11-26T00:00:00Z").toEpochMilli());
        assertThat(sendAt("2026-11-26T09:00+09:00")).isEqualTo(Instant.parse("2026-11-26T00:00:00Z").toEpochMilli());
        assertThat(sendAt("2026-11-26T09:00:00+09:00[Asia/Seoul]"))
            .isEqualTo(Instant.parse("2026-11-26T00:00:00Z").toEpochMilli());
        assertThat(sendAt("2026-11-26T09:00")).as("no zone: Asia/Seoul")
            .isEqualTo(Instant.parse("2026-11-26T00:00:00Z").toEpochMilli());
        assertThat(SendArguments.parse(NOW, "--to", "x", "--text", "a").toSubmit().sendAtEpochMs()).isZero();
    }

    @Test
    void shouldCarryFallbackAfterAsTheReservedVariableInMilliseconds() throws Exception
    {
        assertThat(SendArguments.parse(NOW, "--channel", "push", "--to", "x", "--text", "a", "--fallback-after", "60s")
            .toSubmit().vars()).containsEntry(io.dispatch.protocol.FallbackDeadline.VARIABLE, "60000");
        assertThat(SendArguments.parse(NOW, "--to", "x", "--text", "a", "--fallback-after", "2m").fallbackAfterMs)
            .isEqualTo(120_000);
        assertThat(SendArguments.parse(NOW, "--to", "x", "--text", "a", "--fallback-after", "1500ms").fallbackAfterMs)
            .isEqualTo(1_500);
        assertThat(SendArguments.parse(NOW, "--to", "x", "--text", "a").toSubmit().vars()).isEmpty();
        assertError("--to", "x", "--text", "a", "--fallback-after", "soon")
            .hasMessageStartingWith("--fallback-after must be a duration such as 60s");
        assertError("--to", "x", "--text", "a", "--fallback-after", "500ms")
            .hasMessageStartingWith("--fallback-after must be at least 1s");
    }

    @Test
    void shouldParseExplainAsADryRunOfTheSameMessage() throws Exception
    {
        final SendArguments a = SendArguments.parse(
            NOW, "--explain", "--kind", "marketing", "--to", "x", "--text", "sale", "--send-at", "+60");

        assertThat(a.mode).isEqualTo(SendArguments.Mode.EXPLAIN);
        assertThat(a.toSubmit().kind()).isEqualTo(MessageKind.MARKETING);
        assertThat(a.toSubmit().sendAtEpochMs()).isEqualTo(NOW.millis() + 60_000);
    }

    @Test
    void shouldParseCancelByIdOrKey() throws Exception
    {
        final SendArguments byId = SendArguments.parse("--cancel", "1000", "--port", "1234");
        assertThat(byId.mode).isEqualTo(SendArguments.Mode.CANCEL);
        assertThat(byId.cancelId).isEqualTo(1000);
        assertThat(byId.cancelKey).isNull();

        final SendArguments byKey = SendArguments.parse("--cancel-key=reminder-1");
        assertThat(byKey.mode).isEqualTo(SendArguments.Mode.CANCEL);
        assertThat(byKey.cancelKey).isEqualTo("reminder-1");
    }

    @Test
    void shouldParseConsentFlagsToSetAndClear() throws Exception
    {
        final SendArguments set = SendArguments.parse("--consent", "ad,night-ad", "--to", "01012345678");
        assertThat(set.mode).isEqualTo(SendArguments.Mode.CONSENT);
        assertThat(set.consentSet).isEqualTo(1 | 2);
        assertThat(set.consentClear).isZero();
        assertThat(set.consentChannel).as("default: every channel").isNull();
        assertThat(set.source).isEqualTo("scripts/send");

        final SendArguments mixed = SendArguments.parse(
            "--to", "01012345678", "--consent=-ad, opted-out", "--channel", "sms", "--source", "080-call");
        assertThat(mixed.consentSet).isEqualTo(4);
        assertThat(mixed.consentClear).isEqualTo(1);
        assertThat(mixed.consentChannel).isEqualTo(ChannelType.SMS);
        assertThat(mixed.source).isEqualTo("080-call");
    }

    @Test
    void shouldNameTheFlagInEveryPolicyOptionError()
    {
        assertError("--to", "x", "--text", "a", "--send-at", "tomorrow")
            .hasMessageStartingWith("--send-at must be +SECONDS, an ISO-8601 time").hasMessageContaining("'tomorrow'");
        assertError("--to", "x", "--text", "a", "--send-at", "+-5").hasMessageStartingWith("--send-at must be a whole");
        assertError("--to", "x", "--text", "a", "--send-at", "2026-13-01T00:00")
            .hasMessageStartingWith("--send-at must be +SECONDS");
        assertError("--explain", "--to", "x", "--text", "a", "--wait").hasMessageStartingWith("--explain is a dry run");
        assertError("--explain=yes", "--to", "x", "--text", "a").hasMessage("--explain takes no value");
        assertError("--cancel", "abc").hasMessageStartingWith("--cancel must be a whole number");
        assertError("--cancel", "5", "--cancel-key", "k").hasMessage("--cancel cannot be combined with --cancel-key");
        assertError("--status", "5", "--cancel", "5").hasMessage("--status cannot be combined with --cancel");
        assertError("--cancel", "5", "--to", "x")
            .hasMessage("--cancel cancels a deferred message: it cannot be combined with --to");
        assertError("--cancel-key", "k", "--explain")
            .hasMessage("--cancel-key cancels a deferred message: it cannot be combined with --explain");
        assertError("--cancel-key", "").hasMessage("--cancel-key must not be empty");
        assertError("--cancel-key", "k".repeat(129)).hasMessage("--cancel-key is 129 bytes UTF-8, at most 128 allowed");
        assertError("--consent", "ad").hasMessage("--consent needs --to RECIPIENT");
        assertError("--consent", "ad,marketing", "--to", "x")
            .hasMessageStartingWith("--consent takes a comma list of ad, night-ad, opted-out")
            .hasMessageContaining("'marketing'");
        assertError("--consent", "", "--to", "x").hasMessageStartingWith("--consent takes a comma list");
        assertError("--consent", "ad,-ad", "--to", "x").hasMessage("--consent names ad more than once in 'ad,-ad'");
        assertError("--consent", "ad", "--to", "x", "--text", "a")
            .hasMessage("--consent updates a recipient's consent: it cannot be combined with --text");
        assertError("--consent", "ad", "--to", "x", "--channel", "sms", "--explain")
            .hasMessage("--consent updates a recipient's consent: it cannot be combined with --explain");
        assertError("--consent", "ad", "--to", "x", "--source", "s".repeat(256))
            .hasMessage("--source is 256 bytes UTF-8, at most 255 allowed");
        assertError("--to", "x", "--text", "a", "--source", "form").hasMessage("--source needs --consent");
    }

    @Test
    void shouldReportBuilderLimitsWithTheFlagName() throws Exception
    {
        final SendArguments a = SendArguments.parse("--to", "x".repeat(256), "--text", "a");

        assertThatThrownBy(a::toSubmit).isInstanceOf(UsageException.class).hasMessageStartingWith("--to ");
    }

    private static long sendAt(final String value) throws Exception
    {
        return SendArguments.parse(NOW, "--to", "x", "--text", "a", "--send-at", value).toSubmit().sendAtEpochMs();
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertError(final String... args)
    {
        return assertThatThrownBy(() -> SendArguments.parse(args)).isInstanceOf(UsageException.class);
    }
}
