package io.dispatch.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubmitTest
{
    @Test
    void shouldKeepVariablesInOrderAndDefaultTheRest()
    {
        final Submit submit = Submit.builder().to("x").template("t").var("b", "2").var("a", "1").build();

        assertThat(submit.vars()).containsExactly(java.util.Map.entry("b", "2"), java.util.Map.entry("a", "1"));
        assertThat(submit.kind()).isEqualTo(io.dispatch.protocol.MessageKind.INFORMATIONAL);
        assertThat(submit.channel()).isEqualTo(io.dispatch.protocol.ChannelType.SMS);
        assertThat(submit.key()).isEmpty();
        assertThat(submit.text()).isEmpty();
    }

    @Test
    void shouldNameTheInvalidField()
    {
        assertThatThrownBy(() -> Submit.builder().text("t").build()).hasMessageStartingWith("to ");
        assertThatThrownBy(() -> Submit.builder().to("x".repeat(256)).text("t").build())
            .hasMessageStartingWith("to ").hasMessageContaining("255");
        assertThatThrownBy(() -> Submit.builder().to("x").build()).hasMessageStartingWith("text/template");
        assertThatThrownBy(() -> Submit.builder().to("x").text("t").template("t").build())
            .hasMessageStartingWith("text/template");
        assertThatThrownBy(() -> Submit.builder().to("x").text("é".repeat(2001)).build())
            .hasMessageStartingWith("text ").hasMessageContaining("4002 bytes");
        assertThatThrownBy(() -> Submit.builder().to("x").text("t").key("k".repeat(129)).build())
            .hasMessageStartingWith("key ");
        assertThatThrownBy(() -> Submit.builder().to("x").text("t").ttlSeconds(-1).build())
            .hasMessageStartingWith("ttlSeconds ");
        assertThatThrownBy(() -> Submit.builder().to("x").template("t").var("", "v").build())
            .hasMessageStartingWith("var ");
        final Submit.Builder many = Submit.builder().to("x").template("t");
        for (int i = 0; i < 41; i++)
        {
            many.var("v" + i, "x");
        }
        assertThatThrownBy(many::build).hasMessageStartingWith("var ").hasMessageContaining("40");
    }
}
