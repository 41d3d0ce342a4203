package io.dispatch.connector.http;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectorSettingsTest
{
    @Test
    void basePathDropsOneTrailingSlashAndIsEmptyWithoutAPath()
    {
        assertThat(ConnectorSettings.basePath(URI.create("https://api.example.com"))).isEmpty();
        assertThat(ConnectorSettings.basePath(URI.create("https://api.example.com/"))).isEmpty();
        assertThat(ConnectorSettings.basePath(URI.create("http://127.0.0.1:8080/relay/"))).isEqualTo("/relay");
        assertThat(ConnectorSettings.basePath(URI.create("http://127.0.0.1:8080/a/b"))).isEqualTo("/a/b");
    }

    @Test
    void serverTlsIsOffWithNeitherFile()
    {
        assertThat(ConnectorSettings.of("talktalk", Map.of()).serverTls("webhook.")).isNull();
    }

    @Test
    void serverTlsNeedsBothFilesAndNamesTheMissingOne()
    {
        assertThatThrownBy(() -> ConnectorSettings.of("talktalk", Map.of("webhook.tlsCertFile", "/x/cert.pem"))
            .serverTls("webhook."))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("talktalk connector setting 'webhook.tlsKeyFile': "
                + "give both webhook.tlsCertFile and webhook.tlsKeyFile, or neither");
        assertThatThrownBy(() -> ConnectorSettings.of("messenger", Map.of("webhook.tlsKeyFile", "/x/key.pem"))
            .serverTls("webhook."))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("messenger connector setting 'webhook.tlsCertFile': "
                + "give both webhook.tlsCertFile and webhook.tlsKeyFile, or neither");
    }

    @Test
    void serverTlsNamesTheConnectorWhenAFileCannotBeRead()
    {
        assertThatThrownBy(() -> ConnectorSettings.of("talktalk",
            Map.of("webhook.tlsCertFile", "/nonexistent/cert.pem", "webhook.tlsKeyFile", "/nonexistent/key.pem"))
            .serverTls("webhook."))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("talktalk connector ")
            .hasMessageContaining("webhook.tlsCertFile");
    }
}
