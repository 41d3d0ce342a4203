package io.dispatch.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Requests to an engine's admin port on loopback, with the token the engine wrote into its data dir. */
public final class AdminHttp
{
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AdminHttp()
    {
    }

    public static HttpResponse<String> get(final int port, final Path dataDir, final String path) throws Exception
    {
        return HTTP.send(request(port, dataDir, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public static HttpResponse<String> post(final int port, final Path dataDir, final String path) throws Exception
    {
        return HTTP.send(request(port, dataDir, path).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** @return the integer value of {@code series} (name and labels as written) on a /metrics page, or -1. */
    public static long metric(final String page, final String series)
    {
        final Matcher m = Pattern.compile(Pattern.quote(series) + " (\\d+)").matcher(page);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static HttpRequest.Builder request(final int port, final Path dataDir, final String path) throws Exception
    {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + EngineFixture.adminToken(dataDir))
            .timeout(Duration.ofSeconds(10));
    }
}
