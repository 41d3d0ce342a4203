package io.dispatch.connector.smsrelay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad settings stop start-up with a message naming the key, and never the secret. */
class SmsRelaySettingsTest
{
    @TempDir
    Path dir;

    private Map<String, String> valid() throws Exception
    {
        final Map<String, String> s = new HashMap<>();
        s.put("appKey", "app1");
        s.put("sendNo", "02-1234-5678");
        s.put("secretKeyFile", Files.writeString(dir.resolve("secret"), "top-secret-value").toString());
        return s;
    }

    @Test
    void shouldReadDefaultsPerTenantLongTextAndHideSecrets() throws Exception
    {
        final Map<String, String> m = valid();
        m.put("longText.shop", "split");
        m.put("baseUrl", "https://relay.example.com/nhn/");
        final SmsRelaySettings s = SmsRelaySettings.parse(m);
        assertThat(s.apiPath()).isEqualTo("/nhn/sms/v3.0/appKeys/app1");
        assertThat(s.sendNo()).isEqualTo("0212345678");
        assertThat(s.longTextOf("shop")).isEqualTo(SmsRelaySettings.LongText.SPLIT);
        assertThat(s.longTextOf("other")).isEqualTo(SmsRelaySettings.LongText.LMS);
        assertThat(s.receiptTimeoutMs(SmsType.SMS)).isEqualTo(26L * 3_600_000);
        assertThat(s.receiptTimeoutMs(SmsType.MMS)).isEqualTo(81L * 3_600_000);
        assertThat(s.toString()).doesNotContain("top-secret-value").doesNotContain("app1");
    }

    @Test
    void shouldNameTheKeyOfEveryProblem() throws Exception
    {
        assertProblem(Map.of("appKey", "a/b"), "'appKey'");
        assertProblem(Map.of("sendNo", "+82-2-1234"), "'sendNo'");
        assertProblem(Map.of("longText", "mms"), "'longText': 'mms' is not lms or split");
        assertProblem(Map.of("longText.shop", "both"), "'longText.shop'");
        assertProblem(Map.of("lms.defaultTitle", "제목".repeat(11)), "'lms.defaultTitle': must fit 40 bytes in EUC-KR");
        assertProblem(Map.of("split.maxParts", "1"), "'split.maxParts'");
        assertProblem(Map.of("webhook.path", "hook"), "'webhook.path'");
        assertProblem(Map.of("recieptTimeout.smsMs", "1"), "'recieptTimeout.smsMs': unknown setting");
    }

    @Test
    void shouldDocumentEverySetting() throws Exception
    {
        final Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath();
        final String doc = Files.readString(root.resolve("docs/connectors/sms-relay.md"));
        final String table = doc.substring(doc.indexOf("## Settings"), doc.indexOf("## Result codes"));
        assertThat(SmsRelaySettings.KEYS).allSatisfy(key -> assertThat(table).contains("`" + key + "`"));
        assertThat(table).contains("`longText.<tenant>`");
    }

    private void assertProblem(final Map<String, String> change, final String expected) throws Exception
    {
        final Map<String, String> m = valid();
        m.putAll(change);
        assertThatThrownBy(() -> new SmsRelayConnectorFactory().validate(m))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("smsrelay connector setting " + expected)
            .hasMessageNotContaining("top-secret-value");
    }
}
