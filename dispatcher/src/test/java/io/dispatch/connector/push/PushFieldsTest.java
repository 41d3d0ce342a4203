package io.dispatch.connector.push;

import io.dispatch.protocol.MessageKind;
import io.dispatch.testing.Requests;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PushFieldsTest
{
    static PushFields of(final Map<String, String> vars)
    {
        return PushFields.of(Requests.push(1, MessageKind.INFORMATIONAL, "apns:" + "ab".repeat(32), "text", vars,
            System.currentTimeMillis() + 60_000));
    }

    @Test
    void shouldReadPushVariablesAndIgnoreTemplateOnes()
    {
        final Map<String, String> vars = new LinkedHashMap<>();
        vars.put("shop", "가게");
        vars.put("push.title", "제목");
        vars.put("push.badge", " 3 ");
        vars.put("push.data.b", "2");
        vars.put("push.data.a", "1");
        vars.put("push.pushType", "background");
        final PushFields fields = of(vars);
        assertThat(fields.title()).isEqualTo("제목");
        assertThat(fields.badge()).isEqualTo(3);
        assertThat(fields.background()).isTrue();
        assertThat(fields.data()).containsExactly(Map.entry("b", "2"), Map.entry("a", "1"));
        assertThat(of(Map.of()).background()).isFalse();
    }

    @Test
    void shouldNameTheBadVariable()
    {
        assertThatThrownBy(() -> of(Map.of("push.titel", "x"))).hasMessageContaining("unknown push variable 'push.titel'");
        assertThatThrownBy(() -> of(Map.of("push.badge", "many"))).hasMessageContaining("push.badge must be a whole number");
        assertThatThrownBy(() -> of(Map.of("push.pushType", "voip"))).hasMessageContaining("push.pushType must be alert or background");
        assertThatThrownBy(() -> of(Map.of("push.data.", "x"))).hasMessageContaining("unknown push variable 'push.data.'");
    }

    @Test
    void shouldTellTokensFromOtherRecipients()
    {
        assertThat(PushRecipient.apnsToken("apns:" + "AB".repeat(32))).isEqualTo("ab".repeat(32));
        assertThat(PushRecipient.apnsToken("apns:abc")).isNull();
        assertThat(PushRecipient.apnsToken("apns:" + "zz".repeat(32))).isNull();
        assertThat(PushRecipient.fcmToken("fcm:abc:APA91b-_")).isEqualTo("abc:APA91b-_");
        assertThat(PushRecipient.fcmToken("fcm:")).isNull();
        assertThat(PushRecipient.fcmToken("fcm:a\"b")).isNull();
    }
}
