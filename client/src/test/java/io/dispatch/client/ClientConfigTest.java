package io.dispatch.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientConfigTest
{
    @Test
    void shouldHoldTheDocumentedDefaults()
    {
        final ClientConfig config = ClientConfig.builder().build();

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(7700);
        assertThat(config.tenant()).isEqualTo("demo");
        assertThat(config.apiKey()).isEqualTo("demo-key");
        assertThat(config.clientName()).isEqualTo("java-client");
        assertThat(config.connectTimeoutMs()).isEqualTo(5000);
        assertThat(config.requestTimeoutMs()).isEqualTo(30_000);
        assertThat(config.reconnect()).isTrue();
        assertThat(config.reconnectMinBackoffMs()).isEqualTo(100);
        assertThat(config.reconnectMaxBackoffMs()).isEqualTo(5000);
        assertThat(config.maxQueuedRequests()).isEqualTo(65_536);
        assertThat(config.tls()).isFalse();
        assertThat(config.tlsServerNameCheck()).isTrue();
        assertThat(config.sslContext()).isNull();
        assertThat(config.toString()).doesNotContain("demo-key");
    }

    @Test
    void shouldNameTheInvalidField()
    {
        assertThatThrownBy(() -> ClientConfig.builder().port(0).build()).hasMessageStartingWith("port ");
        assertThatThrownBy(() -> ClientConfig.builder().host(" ").build()).hasMessageStartingWith("host ");
        assertThatThrownBy(() -> ClientConfig.builder().requestTimeoutMs(0).build())
            .hasMessageStartingWith("requestTimeoutMs ");
        assertThatThrownBy(() -> ClientConfig.builder().reconnectMinBackoffMs(500).reconnectMaxBackoffMs(100).build())
            .hasMessageStartingWith("reconnectMaxBackoffMs ");
        assertThatThrownBy(() -> ClientConfig.builder().maxQueuedRequests(0).build())
            .hasMessageStartingWith("maxQueuedRequests ");
        assertThatThrownBy(() -> ClientConfig.builder().maxBatchSize(1025).build())
            .hasMessageStartingWith("maxBatchSize ");
    }

    @Test
    void shouldBuildATlsContextTrustingTheJdkDefaultsWithoutACaFile()
    {
        final ClientConfig config = ClientConfig.builder().tls(true).build();

        assertThat(config.sslContext()).isNotNull();
        assertThat(config.sslContext().isClient()).isTrue();
    }

    @Test
    void shouldNameTheTlsFieldOfAFileThatCannotBeUsed(@TempDir final Path dir) throws Exception
    {
        final Path missing = dir.resolve("missing.pem");
        final Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");

        assertThatThrownBy(() -> ClientConfig.builder().tls(true).tlsCaFile(missing).build())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("tlsCaFile ")
            .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ClientConfig.builder().tls(true).tlsCaFile(notPem).build())
            .hasMessageStartingWith("tlsCaFile ");
        assertThatThrownBy(() -> ClientConfig.builder().tls(true).tlsClientCertificate(notPem, null).build())
            .hasMessageStartingWith("tlsKeyFile is required with tlsCertFile");
        assertThatThrownBy(() -> ClientConfig.builder().tlsCaFile(notPem).build())
            .hasMessageStartingWith("tlsCaFile is set but tls is off");
    }
}
