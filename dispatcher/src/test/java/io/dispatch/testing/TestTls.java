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
 * {@code localhost} and {@code 127.0.0.1} signed by it, and PEM files for the peers and the connectors.
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

    private TestTls(final X509Certificate ca, final X509Certificate server, final PrivateKey serverKey, final Path dir)
        throws IOException, GeneralSecurityException
    {
        this.ca = ca;
        this.server = server;
        this.serverKey = serverKey;
        this.caFile = writePem(dir.resolve("ca.pem"), "CERTIFICATE", ca.getEncoded());
        this.serverCertFile = writePem(dir.resolve("server.pem"), "CERTIFICATE", server.getEncoded());
        this.serverKeyFile = writePem(dir.resolve("server-key.pem"), "PRIVATE KEY", serverKey.getEncoded());
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
        final X509v3CertificateBuilder serverBuilder = new JcaX509v3CertificateBuilder(
            caName, BigInteger.TWO, Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))),
            new X500Name("CN=localhost"), serverKeys.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        final X509Certificate server = sign(serverBuilder, caKeys.getPrivate());
        Files.createDirectories(dir);
        return new TestTls(ca, server, serverKeys.getPrivate(), dir);
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
