package io.dispatch.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The operator console's static files ({@code GET /console}, {@code /console/console.js},
 * {@code /console/console.css}), read once from the class path (they ship in the jar: no CDN, no build step). They hold no data and no secret, so
 * they are open like {@code /metrics}; the admin routes the page calls still ask for the bearer token.
 */
final class ConsoleAssets
{
    /** A file's bytes and the Content-Type it is served with. */
    record Asset(byte[] bytes, String contentType)
    {
    }

    private static final String ROOT = "console/";

    private final Map<String, Asset> byPath;

    ConsoleAssets()
    {
        byPath = Map.of(
            "/console", load("console.html", "text/html; charset=utf-8"),
            "/console/", load("console.html", "text/html; charset=utf-8"),
            "/console/console.js", load("console.js", "text/javascript; charset=utf-8"),
            "/console/console.css", load("console.css", "text/css; charset=utf-8"));
    }

    static boolean isConsolePath(final String path)
    {
        return path.equals("/console") || path.startsWith("/console/");
    }

    /** @return the file at that path, or null when the console has none. */
    Asset get(final String path)
    {
        return byPath.get(path);
    }

    private static Asset load(final String name, final String contentType)
    {
        try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(ROOT + name))
        {
            if (in == null)
            {
                throw new IllegalStateException("console asset " + ROOT + name + " is missing from the class path");
            }
            return new Asset(in.readAllBytes(), contentType);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
