package io.dispatch.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeyTest
{
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void shouldMatchOnlyTheKeyItsSelfDescribingHashWasMadeFrom()
    {
        final String hash = ApiKey.hash("s3cret-key", 10_000, RANDOM);
        assertThat(hash).matches("pbkdf2-sha256\\$10000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");

        final ApiKey key = ApiKey.parse(hash, "tenant.a.apiKey");
        assertThat(key.isHashed()).isTrue();
        assertThat(key.iterations()).isEqualTo(10_000);
        assertThat(key.matches(bytes("s3cret-key"))).isTrue();
        assertThat(key.matches(bytes("s3cret-kez"))).isFalse();
        assertThat(key.matches(bytes(""))).isFalse();
        assertThat(key.toString()).doesNotContain(hash.substring(hash.lastIndexOf('$') + 1));
    }

    @Test
    void shouldSaltEveryHash()
    {
        assertThat(ApiKey.hash("same", 10_000, RANDOM)).isNotEqualTo(ApiKey.hash("same", 10_000, RANDOM));
    }

    @Test
    void shouldTakeAnyOtherValueAsAPlainKey()
    {
        final ApiKey key = ApiKey.parse("demo-key", "tenant.demo.apiKey");
        assertThat(key.isHashed()).isFalse();
        assertThat(key.matches(bytes("demo-key"))).isTrue();
        assertThat(key.matches(bytes("demo-ke"))).isFalse();
        assertThat(key.toString()).isEqualTo("****(plain)");
    }

    @Test
    void shouldNameTheKeyOfAMalformedHash()
    {
        final String good = ApiKey.hash("k", 10_000, RANDOM);
        final String[] parts = good.split("\\$");
        assertThatThrownBy(() -> ApiKey.parse("pbkdf2-sha256$10000$" + parts[2], "tenant.a.apiKeyNext"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("configuration key 'tenant.a.apiKeyNext': a hashed key is pbkdf2-sha256$");
        assertThatThrownBy(() -> ApiKey.parse("pbkdf2-sha256$many$" + parts[2] + "$" + parts[3], "k"))
            .hasMessageContaining("iterations 'many'");
        assertThatThrownBy(() -> ApiKey.parse("pbkdf2-sha256$999$" + parts[2] + "$" + parts[3], "k"))
            .hasMessageContaining("iterations 999 are outside [10000, 10000000]");
        assertThatThrownBy(() -> ApiKey.parse("pbkdf2-sha256$10000$!!$" + parts[3], "k"))
            .hasMessageContaining("the salt of the hashed key is not base64");
        assertThatThrownBy(() -> ApiKey.parse("pbkdf2-sha256$10000$" + parts[2] + "$" + parts[2], "k"))
            .hasMessageContaining("a hash of 32 bytes");
    }

    @Test
    void shouldReadBothKeysOfATenantAndNameTheOneThatIsWrong()
    {
        final String hash = ApiKey.hash("next-key", 10_000, RANDOM);
        final Settings s = new Settings(new Properties())
            .set("tenants", "a")
            .set("tenant.a.apiKey", "old-key")
            .set("tenant.a.apiKeyNext", hash);
        final TenantConfig a = TenantConfig.readAll(s).get(0);
        assertThat(a.apiKey().matches(bytes("old-key"))).isTrue();
        assertThat(a.apiKeyNext().isHashed()).isTrue();
        assertThat(a.toString()).contains("apiKey=****(plain)", "apiKeyNext=****(pbkdf2-sha256,10000)")
            .doesNotContain("old-key", hash);

        s.set("tenant.a.apiKeyNext", "pbkdf2-sha256$x");
        assertThatThrownBy(() -> TenantConfig.readAll(s))
            .hasMessageStartingWith("configuration key 'tenant.a.apiKeyNext': ");
        s.set("tenant.a.apiKeyNext", "");
        assertThatThrownBy(() -> TenantConfig.readAll(s))
            .hasMessage("configuration key 'tenant.a.apiKeyNext': an API key cannot be empty");
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
