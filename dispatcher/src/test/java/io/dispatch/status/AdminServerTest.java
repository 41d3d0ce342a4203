package io.dispatch.status;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin server's access rule over real HTTP on loopback: routes need the bearer token, health and metrics do not. */
@Timeout(30)
class AdminServerTest
{
    private static final String TOKEN = "test-admin-token-0123456789";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger routed = new AtomicInteger();
    private AdminServer server;

    @BeforeEach
    void start() throws Exception
    {
        final AdminServer.Route route = (method, uri) ->
        {
            routed.incrementAndGet();
            return AdminServer.Reply.ok("changed " + uri.path() + "\n");
        };
        server = new AdminServer("127.0.0.1", 0, () -> "{\"status\":\"UP\"}\n", () -> "# TYPE x gauge\nx 1\n",
            Map.of("/lanes", route, "/deadletters", route, "/health/", (method, uri) -> AdminServer.Reply.ok("live\n")), TOKEN);
    }

    @AfterEach
    void stop()
    {
        server.close();
    }

    @Test
    void shouldServeHealthAndMetricsWithoutAToken() throws Exception
    {
        assertThat(send("GET", "/health", null).statusCode()).isEqualTo(200);
        final HttpResponse<String> metrics = send("GET", "/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).isEqualTo("# TYPE x gauge\nx 1\n");
        assertThat(send("GET", "/health/live", null).body()).as("a health route is open too").isEqualTo("live\n");
    }

    @Test
    void shouldRefuseARouteWithoutTheTokenAndSayHowToSendIt() throws Exception
    {
        final HttpResponse<String> r = send("POST", "/lanes/sms/rate?perSecond=1", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"dispatch-admin\"");
        assertThat(r.body()).contains("Authorization: Bearer <token>", "admin.token", "/health and /metrics are open");
        assertThat(send("GET", "/deadletters", null).statusCode()).isEqualTo(401);
        assertThat(routed).as("the route never ran").hasValue(0);
    }

    @Test
    void shouldRefuseAWrongTokenOrScheme() throws Exception
    {
        assertThat(send("POST", "/lanes/sms/rate", "Bearer " + TOKEN + "x").statusCode()).isEqualTo(401);
        assertThat(send("POST", "/lanes/sms/rate", "Bearer " + TOKEN.substring(1)).statusCode()).isEqualTo(401);
        assertThat(send("POST", "/lanes/sms/rate", "Basic " + TOKEN).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/nowhere", null).statusCode()).as("no route list without the token").isEqualTo(401);
        assertThat(routed).hasValue(0);
    }

    @Test
    void shouldRunTheRouteWithTheToken() throws Exception
    {
        final HttpResponse<String> r = send("POST", "/lanes/sms/rate?perSecond=1", "Bearer " + TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("changed /lanes/sms/rate\n");
        assertThat(send("GET", "/nowhere", "Bearer " + TOKEN).statusCode()).isEqualTo(404);
        assertThat(routed).hasValue(1);
    }

    @Test
    void shouldRefuseEveryRouteWhenNoTokenWasGiven() throws Exception
    {
        server.close();
        server = new AdminServer("127.0.0.1", 0, () -> "{}", () -> "", Map.of("/lanes", (m, u) -> AdminServer.Reply.ok("")),
            null);
        assertThat(send("GET", "/lanes", "Bearer null").statusCode()).isEqualTo(401);
        assertThat(send("GET", "/health", null).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> send(final String method, final String path, final String authorization) throws Exception
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null)
        {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
