package io.dispatch.client;

import org.junit.jupiter.api.Test;

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
}
