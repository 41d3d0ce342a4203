package io.dispatch.admin;

import io.dispatch.route.AdminReply;
import io.dispatch.route.AdminRoute;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
        final AdminRoute route = (method, uri) ->
        {
            routed.incrementAndGet();
            return AdminReply.ok("changed " + uri.path() + "\n");
        };
        server = new AdminServer("127.0.0.1", 0, () -> "{\"status\":\"UP\"}\n", () -> "# TYPE x gauge\nx 1\n",
            Map.of("/lanes", route, "/deadletters", route, "/health/", (method, uri) -> AdminReply.ok("live\n")), TOKEN);
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
    void shouldServeAnOpenRouteWithoutATokenAndStillGuardTheOthers() throws Exception
    {
        server.close();
        final AdminRoute open = new AdminRoute()
        {
            @Override
            public AdminReply handle(final String method, final QueryStringDecoder uri)
            {
                return AdminReply.ok("histograms\n");
            }

            @Override
            public boolean open()
            {
                return true;
            }
        };
        server = new AdminServer("127.0.0.1", 0, () -> "{}", () -> "", Map.of("/latency", open,
            "/lanes", (m, u) -> AdminReply.ok("lanes\n")), TOKEN);

        final HttpResponse<String> r = send("GET", "/latency", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("histograms\n");
        assertThat(send("GET", "/lanes", null).statusCode()).as("a guarded route beside it").isEqualTo(401);
        assertThat(send("GET", "/lanes", "Bearer " + TOKEN).body()).isEqualTo("lanes\n");
    }

    @Test
    void shouldRefuseEveryRouteWhenNoTokenWasGiven() throws Exception
    {
        server.close();
        server = new AdminServer("127.0.0.1", 0, () -> "{}", () -> "", Map.of("/lanes", (m, u) -> AdminReply.ok("")),
            null);
        assertThat(send("GET", "/lanes", "Bearer null").statusCode()).isEqualTo(401);
        assertThat(send("GET", "/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldKeepAnsweringHealthAndMetricsWhileASlowRouteWorksAndRefuseSlowRequestsBeyondItsQueue() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch started = new CountDownLatch(1);
        // asked on the admin thread as each request arrives, just before it is handed to the slow thread
        final CountDownLatch arrived = new CountDownLatch(5);
        final AdminRoute audit = new AdminRoute()
        {
            @Override
            public boolean slow(final String path)
            {
                arrived.countDown();
                return true;
            }

            @Override
            public AdminReply handle(final String method, final QueryStringDecoder uri)
            {
                started.countDown();
                try
                {
                    release.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                return AdminReply.ok("scanned " + uri.path() + "\n");
            }
        };
        server.close();
        server = new AdminServer("127.0.0.1", 0, () -> "{\"status\":\"UP\"}\n", () -> "x 1\n", Map.of("/audit", audit),
            TOKEN);
        final List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        waiting.add(sendAsync("/audit/1"));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 2; i <= 5; i++)
        {
            waiting.add(sendAsync("/audit/" + i));
        }

        // the one being answered and the four queued hold no admin thread: probes and scrapes are answered
        assertThat(send("GET", "/health", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/metrics", null).body()).isEqualTo("x 1\n");
        assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(waiting).noneMatch(CompletableFuture::isDone);
        final HttpResponse<String> sixth = send("GET", "/audit/6", "Bearer " + TOKEN);
        assertThat(sixth.statusCode()).as("one answered, four queued: the sixth is refused, not queued unseen")
            .isEqualTo(503);
        assertThat(sixth.body()).contains("busy");

        release.countDown();
        for (int i = 0; i < waiting.size(); i++)
        {
            final HttpResponse<String> r = waiting.get(i).get(10, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("scanned /audit/" + (i + 1) + "\n");
        }
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(final String path)
    {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + TOKEN).GET().build(),
            HttpResponse.BodyHandlers.ofString());
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
