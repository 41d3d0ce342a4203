package io.dispatch.connector;

import io.dispatch.protocol.SubmitDescriptor;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The SPI's view of a message's variables, on SUBMIT bodies written by the protocol's own encoder. */
class VariablesTest
{
    private final DeliveryRequest request = new DeliveryRequest(0);
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);

    @Test
    void shouldWalkNamesAndValuesInSubmitOrder()
    {
        final Map<String, String> vars = new LinkedHashMap<>();
        vars.put("push.title", "배송 알림");
        vars.put("push.data.order", "A-1");
        vars.put("empty", "");
        DeliveryRequestTest.fill(request, "apns:abc", "", "text", vars);

        final Variables v = request.vars();
        assertThat(v.count()).isEqualTo(3);
        assertThat(walk(v)).containsExactly("push.title=배송 알림", "push.data.order=A-1", "empty=");
        assertThat(v.next()).as("past the last").isFalse();
        assertThat(walk(request.vars())).as("vars() rewinds").hasSize(3);
        assertThat(walk(v.rewind())).as("rewind").hasSize(3);
    }

    @Test
    void shouldOfferTheCurrentVariableAsBytesInPlace()
    {
        DeliveryRequestTest.fill(request, "010", "", "text", Map.of("이름", "값 😀"));

        final Variables v = request.vars();
        assertThat(v.next()).isTrue();
        assertThat(v.nameLength()).isEqualTo(utf8("이름").length);
        assertThat(v.valueLength()).isEqualTo(utf8("값 😀").length);
        v.wrapName(view);
        assertThat(view.getStringWithoutLengthUtf8(0, view.capacity())).isEqualTo("이름");
        v.wrapValue(view);
        assertThat(view.getStringWithoutLengthUtf8(0, view.capacity())).isEqualTo("값 😀");
    }

    @Test
    void shouldHaveNothingToWalkWithoutVariables()
    {
        DeliveryRequestTest.fill(request, "010", "", "text", Map.of());

        final Variables v = request.vars();
        assertThat(v.count()).isZero();
        assertThat(v.next()).isFalse();
        assertThat(v.find("content")).isFalse();
        assertThat(v.valueOf("content")).isNull();
    }

    @Test
    void shouldWalkAndFindAmongTheMostVariablesASubmitMayCarry()
    {
        final Map<String, String> vars = new LinkedHashMap<>();
        for (int i = 0; i < SubmitDescriptor.MAX_VARS - 1; i++)
        {
            vars.put("v" + i, "value-" + i);
        }
        final String longName = "n".repeat(SubmitDescriptor.MAX_VAR_NAME_LENGTH);
        final String longValue = "가".repeat(SubmitDescriptor.MAX_VAR_VALUE_LENGTH / 3);
        vars.put(longName, longValue);
        DeliveryRequestTest.fill(request, "010", "", "text", vars);

        final Variables v = request.vars();
        assertThat(v.count()).isEqualTo(SubmitDescriptor.MAX_VARS);
        final List<String> walked = walk(v);
        assertThat(walked).hasSize(SubmitDescriptor.MAX_VARS);
        assertThat(walked.get(17)).isEqualTo("v17=value-17");
        assertThat(v.valueOf(longName)).isEqualTo(longValue);
        assertThat(v.valueOf("v0")).isEqualTo("value-0");
        assertThat(v.valueOf("v38")).isEqualTo("value-38");
        assertThat(v.valueOf("v39")).isNull();
    }

    @Test
    void shouldFindOnlyAfterTheCurrentVariable()
    {
        final Map<String, String> vars = new LinkedHashMap<>();
        vars.put("a", "1");
        vars.put("b", "2");
        vars.put("c", "3");
        DeliveryRequestTest.fill(request, "010", "", "text", vars);

        final Variables v = request.vars();
        assertThat(v.find("b")).isTrue();
        assertThat(v.value()).isEqualTo("2");
        assertThat(v.find("a")).as("a lies behind the cursor").isFalse();
        assertThat(v.valueOf("a")).as("valueOf rewinds").isEqualTo("1");
    }

    @Test
    void shouldCompareNamesCharacterForCharacter()
    {
        final Map<String, String> vars = new LinkedHashMap<>();
        vars.put("상점", "1");
        vars.put("emoji😀", "2");
        vars.put("ab", "3");
        DeliveryRequestTest.fill(request, "010", "", "text", vars);

        assertThat(request.vars().valueOf("상점")).isEqualTo("1");
        assertThat(request.vars().valueOf("emoji😀")).isEqualTo("2");
        assertThat(request.vars().valueOf(new StringBuilder("ab"))).as("any CharSequence").isEqualTo("3");
        assertThat(request.vars().valueOf("상")).as("a prefix").isNull();
        assertThat(request.vars().valueOf("상점s")).as("longer").isNull();
        assertThat(request.vars().valueOf("emoji\uD83D")).as("half a surrogate pair").isNull();
        assertThat(request.vars().valueOf("a")).isNull();
        assertThat(request.vars().valueOf("")).isNull();
    }

    @Test
    void shouldOfferTheVariablesOfATemplateMessage()
    {
        final Map<String, String> vars = new LinkedHashMap<>();
        vars.put("shop", "가게");
        vars.put("content", "image");
        DeliveryRequestTest.fill(request, "010", "order-shipped", "", vars);
        request.templateText("[#{shop}]".getBytes(StandardCharsets.UTF_8));

        assertThat(request.vars().count()).isEqualTo(2);
        assertThat(request.vars().valueOf("content")).isEqualTo("image");
        assertThat(walk(request.vars())).containsExactly("shop=가게", "content=image");
        assertThat(request.text()).isEqualTo("[가게]");
    }

    private static List<String> walk(final Variables v)
    {
        final List<String> out = new ArrayList<>();
        while (v.next())
        {
            out.add(v.name() + "=" + v.value());
        }
        return out;
    }

    private static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
