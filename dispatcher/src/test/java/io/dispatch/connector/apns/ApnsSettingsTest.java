package io.dispatch.connector.apns;

import io.dispatch.testing.TestTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApnsSettingsTest
{
    @TempDir
    Path dir;

    Map<String, String> valid() throws Exception
    {
        final Map<String, String> s = new HashMap<>();
        s.put("keyFile", TestTls.writePem(dir.resolve("key.p8"), "PRIVATE KEY",
            TestTls.ecKeyPair().getPrivate().getEncoded()).toString());
        s.put("keyId", "ABCDE12345");
        s.put("teamId", "TEAM123456");
        s.put("topic", "com.example.app");
        return s;
    }

    @Test
    void shouldApplyDefaultsAndNeverPrintKeyMaterial() throws Exception
    {
        final ApnsSettings settings = ApnsSettings.parse(valid(), "lane.push.connector.");
        assertThat(settings.host()).isEqualTo("api.push.apple.com");
        assertThat(settings.port()).isEqualTo(443);
        assertThat(settings.maxInFlight()).isEqualTo(1000);
        assertThat(settings.toString()).contains("keyId=ABCDE12345").doesNotContain("BEGIN", "PRIVATE");
    }

    @Test
    void shouldNameTheSettingThatIsWrong() throws Exception
    {
        assertError(without("keyFile"), "lane.push.connector.keyFile is required");
        assertError(with("keyFile", dir.resolve("missing.p8").toString()), "lane.push.connector.keyFile: '");
        assertError(with("keyId", "short"), "lane.push.connector.keyId must be 10 upper-case letters or digits");
        assertError(without("topic"), "lane.push.connector.topic is required");
        assertError(with("maxInFlight", "0"), "lane.push.connector.maxInFlight must be within [1, 100000]");
        assertError(with("port", "https"), "lane.push.connector.port: 'https' is not a whole number");
        assertError(with("tpoic", "x"), "unknown setting 'lane.push.connector.tpoic'");
        final Path notAKey = Files.writeString(dir.resolve("notakey.p8"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertError(with("keyFile", notAKey.toString()), "is not a PKCS#8 EC (.p8) signing key");
    }

    private Map<String, String> with(final String key, final String value) throws Exception
    {
        final Map<String, String> s = valid();
        s.put(key, value);
        return s;
    }

    private Map<String, String> without(final String key) throws Exception
    {
        final Map<String, String> s = valid();
        s.remove(key);
        return s;
    }

    private static void assertError(final Map<String, String> settings, final String message)
    {
        assertThatThrownBy(() -> new ApnsConnectorFactory().validate(settings))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(message);
    }

    @Test
    void shouldDocumentEverySetting() throws Exception
    {
        final Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath();
        final String doc = Files.readString(root.resolve("docs/connectors/apns.md"));
        assertThat(ApnsSettings.KEYS).allSatisfy(key -> assertThat(doc).contains("| `" + key + "` |"));
    }
}
