package io.dispatch.config;

import java.nio.file.Path;

/**
 * TLS on the protocol port ({@code ingest.tls.*}, docs/security.md). Off when {@code ingest.tls.certFile} is
 * absent; the files themselves are read and checked when the ingest server starts.
 *
 * @param certFile      PEM certificate chain of the server, leaf first; null = TLS off.
 * @param keyFile       PEM PKCS#8 private key of the leaf certificate.
 * @param clientCaFile  PEM CA certificates that sign client certificates; non-null = mutual TLS required.
 * @param reloadCheckMs how often the files' modification times are compared; 0 = never reload.
 */
public record IngestTlsSettings(Path certFile, Path keyFile, Path clientCaFile, long reloadCheckMs)
{
    public static final IngestTlsSettings OFF = new IngestTlsSettings(null, null, null, 0);

    public static IngestTlsSettings read(final Settings s)
    {
        final String cert = s.string(Configuration.INGEST_TLS_CERT_FILE_PROP_NAME, "");
        final String key = s.string(Configuration.INGEST_TLS_KEY_FILE_PROP_NAME, "");
        final String clientCa = s.string(Configuration.INGEST_TLS_CLIENT_CA_FILE_PROP_NAME, "");
        final long reloadCheckMs = s.longValue(Configuration.INGEST_TLS_RELOAD_CHECK_MS_PROP_NAME,
            Configuration.INGEST_TLS_RELOAD_CHECK_MS_DEFAULT, 0, 86_400_000L);
        if (cert.isEmpty())
        {
            if (!key.isEmpty() || !clientCa.isEmpty())
            {
                throw new ConfigurationException(Configuration.INGEST_TLS_CERT_FILE_PROP_NAME,
                    "is required when " + (key.isEmpty() ? Configuration.INGEST_TLS_CLIENT_CA_FILE_PROP_NAME
                    : Configuration.INGEST_TLS_KEY_FILE_PROP_NAME) + " is set (TLS needs the server certificate)");
            }
            return OFF;
        }
        if (key.isEmpty())
        {
            throw new ConfigurationException(Configuration.INGEST_TLS_KEY_FILE_PROP_NAME,
                "is required when " + Configuration.INGEST_TLS_CERT_FILE_PROP_NAME + " is set");
        }
        return new IngestTlsSettings(Path.of(cert), Path.of(key), clientCa.isEmpty() ? null : Path.of(clientCa),
            reloadCheckMs);
    }

    public boolean enabled()
    {
        return certFile != null;
    }

    public boolean mutual()
    {
        return clientCaFile != null;
    }

    public String describe()
    {
        return !enabled() ? "tls off" : "tls cert=" + certFile + " key=" + keyFile + " clientCa=" +
            (mutual() ? clientCaFile + " (client certificates required)" : "none") + " reloadCheckMs=" + reloadCheckMs;
    }
}
