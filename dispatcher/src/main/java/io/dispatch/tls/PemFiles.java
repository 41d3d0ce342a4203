package io.dispatch.tls;

import io.dispatch.config.ConfigurationException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/**
 * Reads the PEM files of {@code ingest.tls.*} with the JDK alone, so that each problem becomes one
 * {@link ConfigurationException} naming the key and the fix rather than a stack trace from deep in a TLS stack.
 */
final class PemFiles
{
    private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String KEY_END = "-----END PRIVATE KEY-----";
    private static final byte[] CHALLENGE = "dispatch key check".getBytes(StandardCharsets.US_ASCII);

    private PemFiles()
    {
    }

    /** @return the certificates of a PEM file, in file order (a chain is leaf first). */
    static X509Certificate[] certificates(final String key, final Path file)
    {
        final byte[] bytes = read(key, file);
        final Collection<? extends java.security.cert.Certificate> certs;
        try
        {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
        }
        catch (final CertificateException ex)
        {
            throw new ConfigurationException(key, file + " is not a PEM certificate file: " + ex.getMessage());
        }
        if (certs.isEmpty())
        {
            throw new ConfigurationException(key,
                file + " holds no certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return certs.toArray(new X509Certificate[0]);
    }

    /** @return the unencrypted PKCS#8 key of a PEM file (RSA, EC or Ed25519). */
    static PrivateKey privateKey(final String key, final Path file)
    {
        final String text = new String(read(key, file), StandardCharsets.US_ASCII);
        final int begin = text.indexOf(KEY_BEGIN);
        final int end = text.indexOf(KEY_END);
        if (begin < 0 || end < begin)
        {
            final String found = text.contains("ENCRYPTED PRIVATE KEY") ? "an encrypted key" :
                text.contains("RSA PRIVATE KEY") || text.contains("EC PRIVATE KEY") ? "a PKCS#1/SEC1 key" : "no key";
            throw new ConfigurationException(key, file + " holds " + found + "; an unencrypted PKCS#8 PEM key is " +
                "needed (-----BEGIN PRIVATE KEY-----): openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        final byte[] der;
        try
        {
            der = Base64.getMimeDecoder().decode(text.substring(begin + KEY_BEGIN.length(), end));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigurationException(key, file + " has a damaged PEM key: " + ex.getMessage());
        }
        for (final String algorithm : new String[] {"RSA", "EC", "Ed25519"})
        {
            try
            {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            }
            catch (final GeneralSecurityException ex)
            {
                // try the next algorithm
            }
        }
        throw new ConfigurationException(key, file + " holds a PKCS#8 key that is not RSA, EC or Ed25519");
    }

    /** Signs with the key and verifies with the certificate: the check a TLS stack would otherwise fail late. */
    static void requireMatch(
        final String key, final Path keyFile, final PrivateKey privateKey, final X509Certificate cert)
    {
        final PublicKey publicKey = cert.getPublicKey();
        final String algorithm;
        switch (privateKey.getAlgorithm())
        {
            case "RSA": algorithm = "SHA256withRSA"; break;
            case "EC": algorithm = "SHA256withECDSA"; break;
            default: algorithm = privateKey.getAlgorithm(); break;
        }
        boolean matches;
        try
        {
            final Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(CHALLENGE);
            final byte[] signature = signer.sign();
            final Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(CHALLENGE);
            matches = verifier.verify(signature);
        }
        catch (final GeneralSecurityException ex)
        {
            matches = false;
        }
        if (!matches)
        {
            throw new ConfigurationException(key, keyFile + " is not the key of the certificate " +
                cert.getSubjectX500Principal().getName() + " (serial " + cert.getSerialNumber().toString(16) + ")");
        }
    }

    private static byte[] read(final String key, final Path file)
    {
        try
        {
            return Files.readAllBytes(file);
        }
        catch (final NoSuchFileException ex)
        {
            throw new ConfigurationException(key, "file " + file.toAbsolutePath() + " does not exist");
        }
        catch (final IOException ex)
        {
            throw new ConfigurationException(key, "cannot read " + file.toAbsolutePath() + ": " + ex);
        }
    }
}
