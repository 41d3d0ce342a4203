package io.dispatch.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * Test TLS material made per test run, never checked in: a CA, a server certificate for
 * {@code localhost} and {@code 127.0.0.1} signed by it, a client certificate for mutual TLS, and PEM files for the
 * peers and the connectors.
 * BouncyCastle (test scope) builds the X.509 certificates; keys come from the JDK.
 */
public final class TestTls
{
    public final X509Certificate ca;
    public final X509Certificate server;
    public final PrivateKey serverKey;
    /** The CA certificate as PEM: what a connector's {@code trustedCaFile} points at. */
    public final Path caFile;
    public final Path serverCertFile;
    /** The server key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"), which Netty needs. */
    public final Path serverKeyFile;
    public final Path clientCertFile;
    public final Path clientKeyFile;
    private final KeyPair caKeys;

    private TestTls(
        final KeyPair caKeys, final X509Certificate ca, final X509Certificate server, final PrivateKey serverKey,
        final Path dir)
        throws Exception
    {
        this.caKeys = caKeys;
        this.ca = ca;
        this.server = server;
        this.serverKey = serverKey;
        this.caFile = writePem(dir.resolve("ca.pem"), "CERTIFICATE", ca.getEncoded());
        this.serverCertFile = writePem(dir.resolve("server.pem"), "CERTIFICATE", server.getEncoded());
        this.serverKeyFile = writePem(dir.resolve("server-key.pem"), "PRIVATE KEY", serverKey.getEncoded());
        final KeyPair clientKeys = ecKeyPair();
        final X509Certificate client =
            sign(leaf(BigInteger.valueOf(3), "CN=dispatch test client", clientKeys), caKeys.getPrivate());
        this.clientCertFile = writePem(dir.resolve("client.pem"), "CERTIFICATE", client.getEncoded());
        this.clientKeyFile =
            writePem(dir.resolve("client-key.pem"), "PRIVATE KEY", clientKeys.getPrivate().getEncoded());
    }

    /**
     * A new key and server certificate for {@code localhost} from the same CA, in place of the first one's
     * files (key first, then certificate, each replaced by a move as a deployment tool would).
     *
     * @return the new certificate.
     */
    public X509Certificate reissueServer(final BigInteger serial) throws Exception
    {
        final KeyPair keys = ecKeyPair();
        final X509Certificate cert = sign(serverLeaf(serial, keys), caKeys.getPrivate());
        replace(serverKeyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        replace(serverCertFile, pem("CERTIFICATE", cert.getEncoded()));
        return cert;
    }

    private static void replace(final Path file, final String text) throws IOException
    {
        final Path tmp = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static X509v3CertificateBuilder leaf(final BigInteger serial, final String subject, final KeyPair keys)
        throws Exception
    {
        final Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(
            new X500Name("CN=dispatch test CA"), serial, Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(2))), new X500Name(subject), keys.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    }

    private static X509v3CertificateBuilder serverLeaf(final BigInteger serial, final KeyPair keys) throws Exception
    {
        return leaf(serial, "CN=localhost", keys)
            .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    }

    public static TestTls create(final Path dir) throws Exception
    {
        final KeyPair caKeys = ecKeyPair();
        final KeyPair serverKeys = ecKeyPair();
        final Instant now = Instant.now();
        final X500Name caName = new X500Name("CN=dispatch test CA");
        final X509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(
            caName, BigInteger.ONE, Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))),
            caName, caKeys.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        final X509Certificate ca = sign(caBuilder, caKeys.getPrivate());
        final X509Certificate server = sign(serverLeaf(BigInteger.TWO, serverKeys), caKeys.getPrivate());
        Files.createDirectories(dir);
        return new TestTls(caKeys, ca, server, serverKeys.getPrivate(), dir);
    }

    /** @return a new EC P-256 key pair (the curve of APNs .p8 keys). */
    public static KeyPair ecKeyPair() throws GeneralSecurityException
    {
        final KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** @return a new RSA 2048 key pair (the kind in a Google service-account file). */
    public static KeyPair rsaKeyPair() throws GeneralSecurityException
    {
        final KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    public static String pem(final String type, final byte[] der)
    {
        return "-----BEGIN " + type + "-----\n" +
            Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der) +
            "\n-----END " + type + "-----\n";
    }

    public static Path writePem(final Path file, final String type, final byte[] der) throws IOException
    {
        Files.writeString(file, pem(type, der), StandardCharsets.US_ASCII);
        return file;
    }

    private static X509Certificate sign(final X509v3CertificateBuilder builder, final PrivateKey key) throws Exception
    {
        return new JcaX509CertificateConverter().getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }
}
