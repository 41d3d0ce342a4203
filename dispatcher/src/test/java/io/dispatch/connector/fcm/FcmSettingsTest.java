package io.dispatch.connector.fcm;

import io.dispatch.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FcmSettingsTest
{
    static final String PREFIX = "lane.push.connector.fcm.";

    @TempDir
    Path dir;

    Path account(final String json) throws Exception
    {
        return Files.writeString(dir.resolve("account-" + System.nanoTime() + ".json"), json);
    }

    String validAccount() throws Exception
    {
        final StringBuilder key = new StringBuilder();
        Json.quote(key, io.dispatch.testing.TestTls.pem("PRIVATE KEY", io.dispatch.testing.TestTls.rsaKeyPair().getPrivate().getEncoded()));
        return "{\"type\":\"service_account\",\"project_id\":\"my-app\",\"private_key_id\":\"abc\",\"private_key\":" + key +
            ",\"client_email\":\"x@my-app.iam.gserviceaccount.com\",\"token_uri\":\"https://oauth2.googleapis.com/token\"}";
    }

    @Test
    void shouldTakeProjectAndTokenEndpointFromTheFileAndHideTheKey() throws Exception
    {
        final FcmSettings s = FcmSettings.parse(Map.of("serviceAccountFile", account(validAccount()).toString()), PREFIX);
        assertThat(s.sendUri().toString()).isEqualTo("https://fcm.googleapis.com/v1/projects/my-app/messages:send");
        assertThat(s.tokenUri().toString()).isEqualTo("https://oauth2.googleapis.com/token");
        assertThat(s.toString() + s.account()).doesNotContain("PRIVATE", "BEGIN");
    }

    @Test
    void shouldNameTheSettingThatIsWrong() throws Exception
    {
        final String valid = account(validAccount()).toString();
        assertError(Map.of(), PREFIX + "serviceAccountFile is required");
        assertError(Map.of("serviceAccountFile", account("{not json").toString()), "is not a service-account JSON file");
        assertError(Map.of("serviceAccountFile", account("{\"client_email\":\"a\"}").toString()), "has no 'private_key'");
        assertError(Map.of("serviceAccountFile", account(validAccount().replace("BEGIN PRIVATE KEY-----\\n", "BEGIN PRIVATE KEY-----\\n!!")).toString()),
            "'private_key' that is not a PKCS#8 RSA key");
        assertError(with(valid, "projectId", "My App"), PREFIX + "projectId");
        assertError(with(valid, "endpoint", "http://fcm.googleapis.com"), PREFIX + "endpoint must be an https:// URL");
        assertError(with(valid, "maxInFlight", "-1"), PREFIX + "maxInFlight must be within");
        assertError(with(valid, "serviceAcountFile", "x"), "unknown setting '" + PREFIX + "serviceAcountFile'");
    }

    private static Map<String, String> with(final String file, final String key, final String value)
    {
        final Map<String, String> s = new HashMap<>();
        s.put("serviceAccountFile", file);
        s.put(key, value);
        return s;
    }

    private static void assertError(final Map<String, String> settings, final String message)
    {
        assertThatThrownBy(() -> FcmSettings.parse(settings, PREFIX))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(message)
            .hasMessageNotContaining("PRIVATE KEY");
    }

    @Test
    void shouldDocumentEverySetting() throws Exception
    {
        final Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath();
        final String doc = Files.readString(root.resolve("docs/connectors/fcm.md"));
        assertThat(FcmSettings.KEYS).allSatisfy(key -> assertThat(doc).contains("| `" + key + "` |"));
    }
}
