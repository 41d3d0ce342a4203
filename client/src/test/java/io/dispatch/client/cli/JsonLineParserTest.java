package io.dispatch.client.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonLineParserTest
{
    private final JsonLineParser parser = new JsonLineParser();

    @Test
    void shouldParseValuesOfEveryType()
    {
        final Map<String, Object> o = parser.parseObject(
            "{\"id\":\"u1\", \"n\": -12, \"d\": 1.5, \"ok\": true, \"none\": null, \"tags\": [\"a\", \"b\"]," +
            " \"attributes\": {\"등급\": \"골드\\n\\u0041\"}}");

        assertThat(o).containsEntry("id", "u1").containsEntry("n", -12L).containsEntry("d", 1.5)
            .containsEntry("ok", true).containsEntry("none", null).containsEntry("tags", List.of("a", "b"))
            .containsEntry("attributes", Map.of("등급", "골드\nA"));
    }

    @Test
    void shouldSayWhatIsWrongAndWhere()
    {
        assertThatThrownBy(() -> parser.parseObject("[1]")).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> parser.parseObject("{\"id\": \"u1\"")).hasMessageContaining("end of line");
        assertThatThrownBy(() -> parser.parseObject("{\"id\": u1}")).hasMessage("bad JSON at column 8: unexpected 'u'");
        assertThatThrownBy(() -> parser.parseObject("{\"a\":1,\"a\":2}")).hasMessageContaining("given twice");
        assertThatThrownBy(() -> parser.parseObject("{} x")).hasMessageContaining("text after the object");
        assertThatThrownBy(() -> parser.parseObject("{\"a\":\"x\\q\"}")).hasMessageContaining("bad escape");
    }
}
