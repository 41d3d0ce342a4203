package io.dispatch.tls;

import io.dispatch.config.IngestTlsSettings;
import io.dispatch.testing.TestTls;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.assertj.core.api.Assertions.assertThat;

/** The reload decision, driven by hand: no timer, no engine. */
class TlsContextsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepTheContextWhenNothingChanged() throws Exception
    {
        final TestTls tls = TestTls.create(dir);
        final TlsContexts contexts = TlsContexts.load(settings(tls));
        final SslContext first = contexts.current();

        assertThat(contexts.checkForChange()).isFalse();
        assertThat(contexts.current()).isSameAs(first);
        assertThat(contexts.reloads()).isZero();
    }

    @Test
    void shouldKeepThePreviousContextWhenTheNewFilesDoNotLoadAndCountThatOnce() throws Exception
    {
        final TestTls tls = TestTls.create(dir);
        final TlsContexts contexts = TlsContexts.load(settings(tls));
        final SslContext first = contexts.current();

        replace(tls.serverCertFile, "not a certificate\n");
        assertThat(contexts.checkForChange()).isFalse();
        assertThat(contexts.current()).isSameAs(first);
        assertThat(contexts.reloadFailures()).isEqualTo(1);

        // the same bad files are not tried (nor logged) again
        assertThat(contexts.checkForChange()).isFalse();
        assertThat(contexts.reloadFailures()).isEqualTo(1);

        tls.reissueServer(BigInteger.valueOf(99));
        assertThat(contexts.checkForChange()).isTrue();
        assertThat(contexts.current()).isNotSameAs(first);
        assertThat(contexts.reloads()).isEqualTo(1);
    }

    @Test
    void shouldKeepThePreviousContextWhileOnlyTheKeyIsReplaced() throws Exception
    {
        final TestTls tls = TestTls.create(dir);
        final TlsContexts contexts = TlsContexts.load(settings(tls));
        final SslContext first = contexts.current();
        final String oldCert = Files.readString(tls.serverCertFile);

        tls.reissueServer(BigInteger.valueOf(7));
        replace(tls.serverCertFile, oldCert);
        assertThat(contexts.checkForChange()).isFalse();
        assertThat(contexts.current()).isSameAs(first);
        assertThat(contexts.reloadFailures()).isEqualTo(1);
    }

    private static IngestTlsSettings settings(final TestTls tls)
    {
        return new IngestTlsSettings(tls.serverCertFile, tls.serverKeyFile, null, 1000);
    }

    private static void replace(final Path file, final String text) throws Exception
    {
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
