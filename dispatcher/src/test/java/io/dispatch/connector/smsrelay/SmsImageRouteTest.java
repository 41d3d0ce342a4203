package io.dispatch.connector.smsrelay;

import io.dispatch.route.AdminReply;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin route that registers MMS images: per tenant, checked against the relay's limits, replaced atomically. */
class SmsImageRouteTest
{
    @TempDir
    Path dir;

    private AdminReply call(final SmsImageRoute route, final String method, final String path, final byte[] body)
    {
        return route.handle(method, new QueryStringDecoder(path), body);
    }

    @Test
    void shouldStoreShowReplaceAndDeleteATenantsImage() throws Exception
    {
        final SmsImageRoute route = new SmsImageRoute(dir, Set.of("demo", "other"));
        assertThat(call(route, "PUT", "/mms-images/demo/sale", SmsRelayConnectorTest.jpeg(100)).status()).isEqualTo(200);
        assertThat(Files.size(dir.resolve("demo/sale.jpg"))).isEqualTo(100);
        assertThat(call(route, "PUT", "/mms-images/demo/sale", SmsRelayConnectorTest.jpeg(200)).status()).isEqualTo(200);
        assertThat(call(route, "GET", "/mms-images/demo/sale", new byte[0]).body()).contains("\"bytes\":200");
        assertThat(call(route, "GET", "/mms-images/other/sale", new byte[0]).status()).as("another tenant's").isEqualTo(404);
        assertThat(call(route, "DELETE", "/mms-images/demo/sale", new byte[0]).status()).isEqualTo(200);
        assertThat(dir.resolve("demo/sale.jpg")).doesNotExist();
        assertThat(dir.resolve("demo")).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void shouldRefuseWhatTheRelayWouldRefuseWithTheReason()
    {
        final SmsImageRoute route = new SmsImageRoute(dir, Set.of("demo"));
        assertThat(call(route, "PUT", "/mms-images/demo/png", new byte[] {(byte)0x89, 'P', 'N', 'G'}).body()).contains("not a JPEG");
        assertThat(call(route, "PUT", "/mms-images/demo/big", SmsRelayConnectorTest.jpeg(300 * 1024 + 1)).body())
            .contains("size 307201 bytes is outside 1..307200");
        assertThat(call(route, "PUT", "/mms-images/demo/..", SmsRelayConnectorTest.jpeg(10)).status()).isEqualTo(400);
        assertThat(call(route, "PUT", "/mms-images/nobody/x", SmsRelayConnectorTest.jpeg(10)).status()).isEqualTo(404);
        assertThat(call(route, "PUT", "/mms-images/demo", SmsRelayConnectorTest.jpeg(10)).status()).isEqualTo(404);
        assertThat(call(route, "PATCH", "/mms-images/demo/x", SmsRelayConnectorTest.jpeg(10)).status()).isEqualTo(405);
    }
}
