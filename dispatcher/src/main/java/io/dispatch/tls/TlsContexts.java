package io.dispatch.tls;

import io.dispatch.config.Configuration;
import io.dispatch.config.ConfigurationException;
import io.dispatch.config.IngestTlsSettings;
import io.dispatch.status.PrometheusText;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The protocol port's TLS context, built from the {@code ingest.tls.*} files, and its reload:
 * {@link #checkForChange()} (run every {@code ingest.tls.reloadCheckMs} by the accept thread) compares the files'
 * modification times, sizes and identities (a file replaced by a move is a new inode) and, when one moved, builds
 * a new context that new connections get; connections already open keep theirs. A new set of files that does not
 * load is logged once and the previous context stays (docs/design/ingest-tls.md).
 * <p>
 * The admin port uses the same class for {@code admin.tls.*} ({@link #load(IngestTlsSettings, String, String)}):
 * errors then name its keys.
 * <p>
 * <b>Threading:</b> {@link #checkForChange()} from one thread at a time; {@link #current()} from any thread.
 */
public final class TlsContexts
{
    /** TLS 1.3 first; 1.2 for clients that have nothing newer. Nothing older is offered. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);

    private final IngestTlsSettings settings;
    private final String certKey;
    private final String keyKey;
    private volatile SslContext current;
    /** notAfter of the certificate {@link #current} serves, epoch seconds: what an expiry alert watches. */
    private volatile long certificateExpiresEpochS;
    private volatile long reloads;
    private volatile long reloadFailures;
    private long[] loadedStamps;
    private long[] failedStamps;

    private TlsContexts(
        final IngestTlsSettings settings, final String certKey, final String keyKey, final Loaded first,
        final long[] stamps)
    {
        this.settings = settings;
        this.certKey = certKey;
        this.keyKey = keyKey;
        this.current = first.context;
        this.certificateExpiresEpochS = first.expiresEpochS;
        this.loadedStamps = stamps;
    }

    /** A context and the expiry of the certificate it serves. */
    private record Loaded(SslContext context, long expiresEpochS)
    {
    }

    /**
     * @return the contexts of enabled settings.
     * @throws ConfigurationException naming the key of a missing or unreadable file, or of a key that is not the
     *                                certificate's.
     */
    public static TlsContexts load(final IngestTlsSettings settings)
    {
        return load(settings, Configuration.INGEST_TLS_CERT_FILE_PROP_NAME, Configuration.INGEST_TLS_KEY_FILE_PROP_NAME);
    }

    /** @param certKey the configuration key of the certificate file, named in errors; {@code keyKey} the key's. */
    public static TlsContexts load(final IngestTlsSettings settings, final String certKey, final String keyKey)
    {
        final long[] stamps = stamps(settings);
        return new TlsContexts(settings, certKey, keyKey, read(settings, certKey, keyKey), stamps);
    }

    /** @return the context for a connection accepted now. */
    public SslContext current()
    {
        return current;
    }

    public long reloadCheckMs()
    {
        return settings.reloadCheckMs();
    }

    /** @return contexts built since start because the files changed. */
    public long reloads()
    {
        return reloads;
    }

    /** @return changed file sets that did not load (each counted once). */
    public long reloadFailures()
    {
        return reloadFailures;
    }

    /** @return true when the files changed and a new context now serves new connections. */
    public boolean checkForChange()
    {
        final long[] stamps = stamps(settings);
        if (Arrays.equals(stamps, loadedStamps) || Arrays.equals(stamps, failedStamps))
        {
            return false;
        }
        try
        {
            final Loaded next = read(settings, certKey, keyKey);
            certificateExpiresEpochS = next.expiresEpochS;
            current = next.context;
        }
        catch (final ConfigurationException ex)
        {
            // A half-copied set (new certificate, old key) lands here too; the next change retries.
            failedStamps = stamps;
            reloadFailures++;
            LOG.warn("event=tls_reload_failed key={} keeping=previous_certificate error=\"{}\"", certKey,
                ex.getMessage());
            return false;
        }
        loadedStamps = stamps;
        failedStamps = null;
        reloads++;
        LOG.info("event=tls_reloaded key={} {}", certKey, settings.describe());
        return true;
    }

    /** Adds the reload counters and the certificate's expiry to a {@code /metrics} page. */
    public void appendPrometheus(final StringBuilder sb)
    {
        PrometheusText.family(sb, "dispatch_ingest_tls_reloads_total", "counter",
            "TLS contexts built because ingest.tls.* files changed");
        PrometheusText.sample(sb, "dispatch_ingest_tls_reloads_total", reloads);
        PrometheusText.family(sb, "dispatch_ingest_tls_reload_failures_total", "counter",
            "changed ingest.tls.* file sets that did not load (the previous certificate stays)");
        PrometheusText.sample(sb, "dispatch_ingest_tls_reload_failures_total", reloadFailures);
        PrometheusText.family(sb, "dispatch_ingest_tls_certificate_expiry_seconds", "gauge",
            "notAfter of the protocol port's certificate, Unix seconds");
        PrometheusText.sample(sb, "dispatch_ingest_tls_certificate_expiry_seconds", certificateExpiresEpochS);
    }

    private static Loaded read(final IngestTlsSettings s, final String certKey, final String keyKey)
    {
        final X509Certificate[] chain = PemFiles.certificates(certKey, s.certFile());
        final PrivateKey key = PemFiles.privateKey(keyKey, s.keyFile());
        PemFiles.requireMatch(keyKey, s.keyFile(), key, chain[0]);
        final SslContextBuilder builder = SslContextBuilder.forServer(key, chain)
            .sslProvider(SslProvider.JDK)
            .protocols(PROTOCOLS);
        if (s.mutual())
        {
            final X509Certificate[] clientCas =
                PemFiles.certificates(Configuration.INGEST_TLS_CLIENT_CA_FILE_PROP_NAME, s.clientCaFile());
            builder.trustManager(clientCas).clientAuth(ClientAuth.REQUIRE);
        }
        try
        {
            return new Loaded(builder.build(), chain[0].getNotAfter().getTime() / 1000);
        }
        catch (final SSLException | IllegalArgumentException ex)
        {
            throw new ConfigurationException(certKey,
                "cannot build a TLS context from " + s.certFile() + " and " + s.keyFile() + ": " + ex.getMessage());
        }
    }

    /** Modification time (ns), size and identity of each file; -1 for a file that cannot be seen (mid-replace). */
    private static long[] stamps(final IngestTlsSettings s)
    {
        final long[] stamps = new long[9];
        stamp(s.certFile(), stamps, 0);
        stamp(s.keyFile(), stamps, 3);
        stamp(s.clientCaFile(), stamps, 6);
        return stamps;
    }

    private static void stamp(final Path file, final long[] stamps, final int at)
    {
        if (file == null)
        {
            return;
        }
        try
        {
            final BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            stamps[at] = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
            stamps[at + 1] = a.size();
            stamps[at + 2] = a.fileKey() == null ? 0 : a.fileKey().hashCode();
        }
        catch (final IOException ex)
        {
            stamps[at] = -1;
            stamps[at + 1] = -1;
            stamps[at + 2] = -1;
        }
    }
}
