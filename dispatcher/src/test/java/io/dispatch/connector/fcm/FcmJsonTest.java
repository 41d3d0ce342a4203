package io.dispatch.connector.fcm;

import io.dispatch.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the FCM connector needs of the shared JSON reader: its service-account, token and error documents. */
class FcmJsonTest
{
    @Test
    void shouldParseNestedDocumentsAndRoundTripQuotedStrings()
    {
        final String text = "a \"q\" \\ \n\t é 한 \u0001";
        final Map<String, Object> doc = Json.parseObject(" {\"s\":" + Json.quote(new StringBuilder(), text) +
            ",\"n\":3599,\"b\":true,\"z\":null,\"l\":[1,{\"k\":\"v\"}],\"o\":{}} ");
        assertThat(doc.get("s")).isEqualTo(text);
        assertThat(doc.get("n")).isEqualTo(3599L);
        assertThat(doc.get("b")).isEqualTo(Boolean.TRUE);
        assertThat(doc).containsKey("z");
        assertThat((List<?>)doc.get("l")).hasSize(2);
        assertThat(Json.object(doc, "o")).isEmpty();
        assertThat(Json.string(doc, "n")).isNull();
    }

    @Test
    void shouldRejectWhatIsNotOneObjectWithoutQuotingIt()
    {
        for (final String bad : new String[] {"", "[]", "{\"a\":1", "{\"a\":1}x", "{\"secret\":\"-----BEGIN", "{a:1}", "{\"a\":" + "[".repeat(100_000)})
        {
            assertThatThrownBy(() -> Json.parseObject(bad)).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("BEGIN", "secret"));
        }
    }
}
