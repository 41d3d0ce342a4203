package io.dispatch.connector;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.SubmitEncoder;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The content accessors of the SPI's request, on SUBMIT bodies written by the protocol's own encoder. */
class DeliveryRequestTest
{
    private static final String TEXT = "주문하신 상품이 발송되었습니다 😀 track: 123-45";

    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);

    @Test
    void shouldReadRecipientTextAndKeyOfAnEncodedSubmit()
    {
        final DeliveryRequest request = request("010-1234-5678", "", TEXT, Map.of(), null);

        assertThat(request.recipient()).isEqualTo("010-1234-5678");
        assertThat(request.recipientLength()).isEqualTo(13);
        assertThat(request.text()).isEqualTo(TEXT);
        assertThat(request.textLength()).isEqualTo(utf8(TEXT).length);
        assertThat(request.templateId()).isNull();
        assertThat(request.templateIdLength()).isZero();
        assertThat(request.idempotencyKey()).isEqualTo("key-7");
        assertThat(request.messageId()).isEqualTo(7L);
        assertThat(request.kind()).isEqualTo(MessageKind.INFORMATIONAL);

        request.wrapText(view);
        assertThat(view.getStringWithoutLengthUtf8(0, view.capacity())).isEqualTo(TEXT);
        request.wrapRecipient(view);
        assertThat(view.getStringWithoutLengthUtf8(0, view.capacity())).isEqualTo("010-1234-5678");
    }

    @Test
    void shouldTestARecipientPrefixOnItsBytes()
    {
        final DeliveryRequest request = request("fcm:token-1", "", "hi", Map.of(), null);

        assertThat(request.recipientStartsWith(ascii("fcm:"))).isTrue();
        assertThat(request.recipientStartsWith(ascii("fcm:token-1"))).isTrue();
        assertThat(request.recipientStartsWith(ascii("apns:"))).isFalse();
        assertThat(request.recipientStartsWith(ascii("fcm:token-12"))).as("longer than the recipient").isFalse();
        assertThat(request.recipientStartsWith(new byte[0])).isTrue();
    }

    @Test
    void shouldRenderTheTemplateAsTextAndItsBytes()
    {
        final Map<String, String> vars = new LinkedHashMap<>();
        vars.put("shop", "가게");
        vars.put("tracking", "123-45");
        final DeliveryRequest request =
            request("010", "order-shipped", "", vars, "[#{shop}] 송장 #{tracking} #{missing}");

        final String expected = "[가게] 송장 123-45 #{missing}";
        assertThat(request.templateId()).isEqualTo("order-shipped");
        assertThat(request.templateIdLength()).isEqualTo(13);
        request.wrapTemplateId(view);
        assertThat(view.getStringWithoutLengthUtf8(0, view.capacity())).isEqualTo("order-shipped");
        assertThat(request.text()).isEqualTo(expected);
        assertThat(request.textLength()).isEqualTo(utf8(expected).length);
        request.wrapText(view);
        assertThat(view.getStringWithoutLengthUtf8(0, view.capacity())).isEqualTo(expected);
    }

    @Test
    void shouldRenderEachFillAfresh()
    {
        final DeliveryRequest request = request("010", "t", "", Map.of("name", "first"), "hello #{name}");
        assertThat(request.text()).isEqualTo("hello first");

        fill(request, "010", "t", "", Map.of("name", "second"));
        request.templateText(utf8("hello #{name}"));
        assertThat(request.text()).isEqualTo("hello second");

        fill(request, "010", "", "own text", Map.of("name", "third"));
        assertThat(request.text()).isEqualTo("own text");
        assertThat(request.templateId()).isNull();
    }

    @Test
    void shouldLeaveBracesThatAreNoPlaceholderAsTheyAre()
    {
        final DeliveryRequest request = request("010", "t", "", Map.of("a", "x"), "#{a} #{} #{unclosed {a} #");

        assertThat(request.text()).isEqualTo("x #{} #{unclosed {a} #");
    }

    @Test
    void shouldNotMoveTheConnectorsVariableWalkWhenRendering()
    {
        final Map<String, String> vars = new LinkedHashMap<>();
        vars.put("first", "1");
        vars.put("second", "2");
        final DeliveryRequest request = request("010", "t", "", vars, "#{second}#{first}");

        final Variables walk = request.vars();
        assertThat(walk.next()).isTrue();
        assertThat(walk.name()).isEqualTo("first");
        assertThat(request.text()).isEqualTo("21");
        assertThat(walk.next()).isTrue();
        assertThat(walk.name()).isEqualTo("second");
        assertThat(walk.next()).isFalse();
    }

    @Test
    void shouldTakeABodyLongerThanTheFirstBuffer()
    {
        final String text = "x".repeat(3_000);
        final DeliveryRequest request = request("010", "", "short", Map.of(), null);

        fill(request, "010", "", text, Map.of());

        assertThat(request.text()).isEqualTo(text);
        assertThat(request.recipient()).isEqualTo("010");
    }

    @Test
    void shouldReadRecipientTextAndVariablesInPlaceWithoutAllocating()
    {
        final Map<String, String> vars = new LinkedHashMap<>();
        vars.put("shop", "가게");
        vars.put("tracking", "123-45");
        final DeliveryRequest request = request("fcm:token", "order-shipped", "", vars, "[#{shop}] #{tracking}");
        final byte[] prefix = ascii("fcm:");
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (int i = 0; i < 20_000; i++)
        {
            sum += readInPlace(request, prefix); // warm: the render buffer grows once, the code is compiled
        }

        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20_000; i++)
        {
            sum += readInPlace(request, prefix);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(sum).isEqualTo(40_000L * (1 + utf8("[가게] 123-45").length + 6));
        assertThat(allocated).as("bytes allocated by 20,000 reads").isLessThan(1_000);
    }

    private long readInPlace(final DeliveryRequest request, final byte[] prefix)
    {
        long n = request.recipientStartsWith(prefix) ? 1 : 0;
        request.wrapText(view);
        n += view.capacity();
        final Variables vars = request.vars();
        if (vars.find("tracking"))
        {
            vars.wrapValue(view);
            n += view.capacity();
        }
        return n;
    }

    private static DeliveryRequest request(
        final String recipient,
        final String templateId,
        final String text,
        final Map<String, String> vars,
        final String templateText)
    {
        final DeliveryRequest request = new DeliveryRequest(3);
        fill(request, recipient, templateId, text, vars);
        if (templateText != null)
        {
            request.templateText(utf8(templateText));
        }
        return request;
    }

    static void fill(
        final DeliveryRequest request,
        final String recipient,
        final String templateId,
        final String text,
        final Map<String, String> vars)
    {
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(64);
        final int length = SubmitEncoder.encode(out, 0, MessageKind.INFORMATIONAL, ChannelType.CHAT, 0, "key-7",
            recipient, templateId, text, vars);
        final byte[] body = new byte[length];
        out.getBytes(0, body);
        request.fill(7L, 1, "demo", MessageKind.INFORMATIONAL, ChannelType.CHAT, 0L, 1L, body, length);
    }

    private static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
