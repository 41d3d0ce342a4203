package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DirectoryBatch;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.DispatchException;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.TmpfsMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The watcher as an operator sees it, on a 64 MiB tmpfs: below {@code journal.minFreeBytes} /health is DEGRADED
 * with the journal's free space, /metrics has {@code dispatch_storage_full 1}, and a submit is NACKed
 * STORAGE_FULL (retriable, mapped by the Java client), and so is a directory update (it grows the directory
 * journal); once space is freed all of it clears by itself.
 */
@Timeout(120)
class StorageFullHealthIT
{
    private static final long MIN_FREE_BYTES = 24L << 20;

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldReportStorageFullOnHealthAndMetricsAndClearItWhenSpaceReturns() throws Exception
    {
        try (TmpfsMount fs = TmpfsMount.mount(tmp.resolve("fs"), 64L << 20))
        {
            final Settings s = EngineFixture.settings(fs.dir().resolve("data"));
            s.set("journal.minFreeBytes", Long.toString(MIN_FREE_BYTES));
            final Path ballast = fs.dir().resolve("ballast");
            try (Dispatcher engine = EngineFixture.launch(s);
                DispatchClient c = DispatchClient.connect(ClientConfig.builder().port(engine.port()).build()))
            {
                assertThat(c.submit(message()).get(30, TimeUnit.SECONDS).messageId()).isPositive();
                assertThat(get(engine, "/health")).contains("\"status\":\"UP\"", "\"storage_full\":false",
                    "\"min_free_bytes\":" + MIN_FREE_BYTES);

                fs.fill(ballast, Files.getFileStore(fs.dir()).getUsableSpace() - (8L << 20));
                final String health = awaitHealth(engine, "\"storage_full\":true");
                assertThat(health).contains("\"status\":\"DEGRADED\"");
                assertThat(get(engine, "/metrics")).contains("dispatch_storage_full 1\n");

                final ExecutionException nack = catchThrowableOfType(
                    () -> c.submit(message()).get(30, TimeUnit.SECONDS), ExecutionException.class);
                final DispatchException e = (DispatchException)nack.getCause();
                assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_FULL);
                assertThat(e.retriable()).isTrue();
                assertThat(e.detail()).contains("journal.minFreeBytes");
                final ExecutionException directoryNack = catchThrowableOfType(
                    () -> c.updateDirectory(directoryUpdate()).get(30, TimeUnit.SECONDS), ExecutionException.class);
                assertThat(((DispatchException)directoryNack.getCause()).code()).isEqualTo(ErrorCode.STORAGE_FULL);
                assertThat(get(engine, "/metrics")).contains("dispatch_storage_full_nacks_total 2\n");

                Files.delete(ballast);
                assertThat(awaitHealth(engine, "\"storage_full\":false")).contains("\"status\":\"UP\"");
                assertThat(get(engine, "/metrics")).contains("dispatch_storage_full 0\n");
                assertThat(c.submit(message()).get(30, TimeUnit.SECONDS).messageId()).isPositive();
                assertThat(c.updateDirectory(directoryUpdate()).get(30, TimeUnit.SECONDS).applied()).isEqualTo(1);
            }
        }
    }

    private static DirectoryBatch directoryUpdate()
    {
        return new DirectoryBatch().add(new DirectoryOpWriter().upsert("m1").string("region", "Seoul").toBytes());
    }

    private static Submit message()
    {
        return Submit.builder().to("01012345678").text("order 42 shipped").build();
    }

    /** The watcher polls four times a second; /health is where an operator sees its state. */
    private String awaitHealth(final Dispatcher engine, final String expected) throws Exception
    {
        final long deadline = System.currentTimeMillis() + 30_000;
        String body = get(engine, "/health");
        while (!body.contains(expected))
        {
            assertThat(System.currentTimeMillis()).as("/health never showed %s; last: %s", expected, body)
                .isLessThan(deadline);
            Thread.sleep(50);
            body = get(engine, "/health");
        }
        return body;
    }

    private String get(final Dispatcher engine, final String path) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.adminPort() + path))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
