package io.dispatch.json;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest
{
    @Test
    void shouldParseValuesOfEveryType()
    {
        final Map<String, Object> o = Json.parseObject(
            "{\"id\":\"u1\", \"n\": -12, \"d\": 1.5, \"ok\": true, \"none\": null, \"tags\": [\"a\", \"b\"]," +
            " \"attributes\": {\"등급\": \"골드\\n\\u0041\"}}");

        assertThat(o).containsEntry("id", "u1").containsEntry("n", -12L).containsEntry("d", 1.5)
            .containsEntry("ok", true).containsEntry("none", null).containsEntry("tags", List.of("a", "b"))
            .containsEntry("attributes", Map.of("등급", "골드\nA"));
    }

    @Test
    void shouldSayWhatIsWrongAndWhere()
    {
        assertThatThrownBy(() -> Json.parseObject("[1]")).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> Json.parseObject("{\"id\": \"u1\"")).hasMessageContaining("unexpected end");
        assertThatThrownBy(() -> Json.parseObject("{\"id\": u1}")).hasMessage("bad JSON at column 8: unexpected 'u'");
        assertThatThrownBy(() -> Json.parseObject("{\"a\":1,\"a\":2}")).hasMessageContaining("given twice");
        assertThatThrownBy(() -> Json.parseObject("{} x")).hasMessageContaining("text after the value");
        assertThatThrownBy(() -> Json.parseObject("{\"a\":\"x\\q\"}")).hasMessageContaining("bad escape");
    }

    @Test
    void shouldParseAnyValueAndNameTheLineOfAMultiLineDocument()
    {
        assertThat(Json.parse(" [1, 2.5e3, \"x\"]\n")).isEqualTo(List.of(1L, 2500.0, "x"));
        assertThat(Json.member(Json.parse("{\"a\": {\"b\": 2}}"), "a")).isEqualTo(Map.of("b", 2L));
        assertThat(Json.member(List.of(), "a")).isNull();
        assertThatThrownBy(() -> Json.parse("{\n  \"a\": +1\n}")).hasMessage("bad JSON at line 2 column 8: unexpected '+'");
        assertThatThrownBy(() -> Json.parse("[".repeat(1_000) + "]".repeat(1_000))).hasMessageContaining("nested deeper than 32");
        assertThatThrownBy(() -> Json.parse("{\"a\":\"\\uZZZZ\"}")).hasMessageContaining("bad \\u escape");
    }

    @Test
    void shouldQuoteWhatAStringLiteralCannotHoldAndReadItBack()
    {
        final String text = "a\"b\\c\nd\u0001\u2028 한글";
        final String quoted = Json.quote(new StringBuilder(), text).toString();

        assertThat(quoted).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\\u2028 한글\"");
        assertThat(Json.parse(quoted)).isEqualTo(text);
        assertThat(Json.quote(new StringBuilder(), null)).hasToString("null");
    }
}
