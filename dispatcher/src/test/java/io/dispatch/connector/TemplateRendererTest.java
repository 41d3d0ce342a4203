package io.dispatch.connector;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TemplateRendererTest
{
    @Test
    void shouldFillPlaceholdersAndLeaveUnknownOnesVisible()
    {
        final Map<String, String> vars = new LinkedHashMap<>();
        vars.put("shop", "가게");
        vars.put("tracking", "123-45");
        final ByteBuf b = Unpooled.buffer();
        final int n = ByteBufFrames.submitBody(b, MessageKind.INFORMATIONAL, ChannelType.CHAT, 0, "", "010", "order-shipped",
            "", vars);
        final byte[] body = new byte[n];
        b.getBytes(0, body);
        final DeliveryRequest request = new DeliveryRequest(0);
        request.fill(1L, 1, "demo", MessageKind.INFORMATIONAL, ChannelType.CHAT, 0L, 1L, body, n);
        request.templateText("[#{shop}] 송장 #{tracking} #{missing}".getBytes(StandardCharsets.UTF_8));
        assertThat(request.text()).isEqualTo("[가게] 송장 123-45 #{missing}");
        assertThat(request.templateId()).isEqualTo("order-shipped");
        assertThat(request.recipient()).isEqualTo("010");
    }
}
