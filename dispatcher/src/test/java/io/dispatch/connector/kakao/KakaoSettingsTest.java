package io.dispatch.connector.kakao;

import io.dispatch.connector.http.ConnectorSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad settings stop start-up with a message naming the key, and never the secret. */
class KakaoSettingsTest
{
    @TempDir
    Path dir;

    private Map<String, String> valid() throws Exception
    {
        final Map<String, String> s = new HashMap<>();
        s.put("appKey", "app1");
        s.put("senderKey", "x".repeat(40));
        s.put("secretKeyFile", Files.writeString(dir.resolve("secret"), "top-secret-value").toString());
        return s;
    }

    private KakaoSettings parse(final Map<String, String> s)
    {
        return KakaoSettings.parse(new ConnectorSettings("kakao", s, name -> "ENV_SECRET".equals(name) ? "from-env" : null));
    }

    @Test
    void shouldReadDefaultsAndHideSecrets() throws Exception
    {
        final KakaoSettings s = parse(valid());
        assertThat(s.baseUrl().toString()).isEqualTo(KakaoSettings.DEFAULT_BASE_URL);
        assertThat(s.alimtalkPath()).isEqualTo("/alimtalk/v2.3/appkeys/app1/messages");
        assertThat(s.webhookPort()).isEqualTo(KakaoSettings.NO_WEBHOOK);
        assertThat(s.secretKey().reveal()).isEqualTo("top-secret-value");
        assertThat(s.toString()).doesNotContain("top-secret-value").doesNotContain("app1");
        assertThat(s.secretKey().toString()).isEqualTo("****");
    }

    @Test
    void shouldReadTheSecretFromTheEnvironmentAndKeepABasePathPrefix() throws Exception
    {
        final Map<String, String> m = valid();
        m.remove("secretKeyFile");
        m.put("secretKeyEnv", "ENV_SECRET");
        m.put("baseUrl", "https://relay.example.com/nhn/");
        final KakaoSettings s = parse(m);
        assertThat(s.secretKey().reveal()).isEqualTo("from-env");
        assertThat(s.brandPath()).isEqualTo("/nhn/brand-message/v1.0/appkeys/app1/freestyle-messages");
    }

    @Test
    void shouldNameTheKeyOfEveryProblem() throws Exception
    {
        expect(without("appKey"), "'appKey': required");
        expect(with("appKey", "a/b"), "'appKey': must be");
        expect(with("senderKey", "short"), "'senderKey': must be the 40-character");
        expect(with("secretKeyEnv", "ENV_SECRET"), "'secretKeyFile': give exactly one");
        expect(without("secretKeyFile"), "'secretKeyFile': give exactly one");
        expect(with("secretKeyFile", dir.resolve("missing").toString()), "'secretKeyFile': cannot read");
        expect(swap("secretKeyFile", "secretKeyEnv", "UNSET_VAR"), "'secretKeyEnv': environment variable UNSET_VAR");
        expect(with("resend.enabled", "true"), "'resend.sendNo': required when resend.enabled=true");
        expect(with("resend.enabled", "yes"), "'resend.enabled': 'yes' is not true or false");
        expect(with("resend.type", "MMS"), "'resend.type'");
        expect(with("brand.targeting", "X"), "'brand.targeting'");
        expect(with("baseUrl", "ftp://x"), "'baseUrl'");
        expect(with("webhook.port", "70000"), "'webhook.port': 70000 is outside");
        expect(with("requestTimeoutMs", "soon"), "'requestTimeoutMs': 'soon' is not a whole number");
        expect(with("senderkey", "typo"), "'senderkey': unknown setting");
        expect(with("batchSize", "1001"), "'batchSize': 1001 is outside");
        expect(with("batchSize", "0"), "'batchSize': 0 is outside");
        expect(with("batchLingerMs", "-1"), "'batchLingerMs'");
        expect(with("batchSettleDelayMs", "later"), "'batchSettleDelayMs': 'later' is not a whole number");
    }

    @Test
    void shouldBatchAThousandRecipientsWithinTwentyMillisecondsByDefault() throws Exception
    {
        final KakaoSettings s = parse(valid());
        assertThat(s.batchSize()).isEqualTo(1_000);
        assertThat(s.batchLingerMs()).isEqualTo(20);
        assertThat(s.batchSettleDelayMs()).isEqualTo(15_000);
        assertThat(s.listPath(s.alimtalkPath())).isEqualTo("/alimtalk/v2.3/appkeys/app1/messages");
        assertThat(s.listPath(s.brandPath())).isEqualTo("/brand-message/v1.0/appkeys/app1/messages");
    }

    @Test
    void shouldNotPutTheSecretIntoErrors() throws Exception
    {
        final Path empty = Files.writeString(dir.resolve("empty"), "  \n");
        expect(with("secretKeyFile", empty.toString()), "'secretKeyFile'");
        final Map<String, String> m = valid();
        m.put("webhook.signatureFile", m.get("secretKeyFile"));
        m.put("webhook.signatureEnv", "ENV_SECRET");
        assertThatThrownBy(() -> parse(m)).hasMessageNotContaining("top-secret-value").hasMessageNotContaining("from-env");
    }

    private void expect(final Map<String, String> settings, final String message)
    {
        assertThatThrownBy(() -> parse(settings)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("kakao connector setting").hasMessageContaining(message);
    }

    private Map<String, String> with(final String key, final String value) throws Exception
    {
        final Map<String, String> m = valid();
        m.put(key, value);
        return m;
    }

    private Map<String, String> without(final String key) throws Exception
    {
        final Map<String, String> m = valid();
        m.remove(key);
        return m;
    }

    private Map<String, String> swap(final String remove, final String key, final String value) throws Exception
    {
        final Map<String, String> m = without(remove);
        m.put(key, value);
        return m;
    }
}
