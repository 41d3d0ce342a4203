package io.dispatch.client.cli;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SendArgumentsTest
{
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
    void shouldReportBuilderLimitsWithTheFlagName() throws Exception
    {
        final SendArguments a = SendArguments.parse("--to", "x".repeat(200), "--text", "a");

        assertThatThrownBy(a::toSubmit).isInstanceOf(UsageException.class).hasMessageStartingWith("--to ");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertError(final String... args)
    {
        return assertThatThrownBy(() -> SendArguments.parse(args)).isInstanceOf(UsageException.class);
    }
}
