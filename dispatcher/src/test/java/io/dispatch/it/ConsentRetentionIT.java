package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DirectoryBatch;
import io.dispatch.client.DispatchClient;
import io.dispatch.config.Settings;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalWriter;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.testing.AdminHttp;
import io.dispatch.testing.EngineFixture;
import net.openhft.chronicle.core.time.TimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real engine's consent export ({@code GET /tenants/<t>/consent}) and recipient read-back
 * ({@code GET /tenants/<t>/recipients/<id>}, {@code scripts/directory show}) answer the same, byte for byte, before
 * retention deletes the cycles holding the consent evidence, after it, and after a restart.
 */
@Timeout(180)
class ConsentRetentionIT
{
    private static final long DAY = 86_400_000L;
    private static final String PHONE = "01011112220";

    @TempDir
    Path dir;

    @Test
    void shouldAnswerTheSameConsentExportAndLedgerAfterRetentionDeletedTheEvidenceCycles() throws Exception
    {
        final long today = System.currentTimeMillis();
        writeOldConsent(today - 10 * DAY, today - 9 * DAY, today - 8 * DAY);
        final String export;
        final String shown;
        try (Dispatcher d = EngineFixture.launch(settings(0));
            DispatchClient c = DispatchClient.connect(ClientConfig.builder().port(d.port()).tenant("demo")
                .apiKey("demo-key").build()))
        {
            final DirectoryBatch batch = new DirectoryBatch();
            batch.add(new DirectoryOpWriter().upsert("u1").string("phone", PHONE).toBytes());
            assertThat(c.updateDirectory(batch).get(10, TimeUnit.SECONDS).applied()).isEqualTo(1);
            export = get(d, "/tenants/demo/consent");
            shown = get(d, "/tenants/demo/recipients/u1");
        }
        assertThat(export.split("\n")).hasSize(1 + 6);
        assertThat(export).contains(",opted_out,opt_out,,CONSENT_FRAME,080:0801234560,messages,")
            .contains(",talktalk,ad,withdraw,,CONSENT_FRAME,talktalk:friend_off,messages,");
        assertThat(shown).contains("080:0801234560", "call 1", "form 2");
        assertThat(cycles()).hasSize(4);

        try (Dispatcher d = EngineFixture.launch(settings(2)))
        {
            awaitCycles(1);
            assertThat(get(d, "/tenants/demo/consent")).isEqualTo(export);
            assertThat(get(d, "/tenants/demo/recipients/u1")).isEqualTo(shown);
        }
        try (Dispatcher d = EngineFixture.launch(settings(2)))
        {
            assertThat(get(d, "/tenants/demo/consent")).as("after a restart, from the archive on disk").isEqualTo(export);
            assertThat(get(d, "/tenants/demo/recipients/u1")).isEqualTo(shown);
        }
    }

    private Settings settings(final int retentionDays)
    {
        final Settings s = EngineFixture.settings(dir);
        s.set("journal.retentionDays", Integer.toString(retentionDays));
        s.set("journal.snapshotIntervalSeconds", "3600");
        return s;
    }

    private String get(final Dispatcher d, final String path) throws Exception
    {
        final HttpResponse<String> r = AdminHttp.get(d.adminPort(), dir, path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** Per old day, two CONSENT records, as clients and the inbound webhooks journal them: the evidence. */
    private void writeOldConsent(final long... days)
    {
        final long[] now = {days[0]};
        final TimeProvider time = new TimeProvider()
        {
            @Override
            public long currentTimeMillis()
            {
                return now[0];
            }

            @Override
            public long currentTimeMicros()
            {
                return now[0] * 1000;
            }

            @Override
            public long currentTimeNanos()
            {
                return TimeUnit.MILLISECONDS.toNanos(now[0]);
            }
        };
        final String[] sources = {"080:0801234560", "call 1", "form 2"};
        try (Journal journal = new Journal(dir.resolve("journal"), "FAST_DAILY", time))
        {
            final JournalWriter w = journal.newWriter(false);
            for (int d = 0; d < days.length; d++)
            {
                now[0] = days[d];
                // an opt-out, a grant, a night-ad grant for u1's phone; TalkTalk friend on, off, on
                consent(w, days[d], ChannelType.SMS.code(), d == 0 ? 4 : d == 1 ? 1 : 2, 0, PHONE, sources[d]);
                consent(w, days[d], 4, d == 1 ? 0 : 1, d == 1 ? 1 : 0, "tt-user",
                    d == 1 ? "talktalk:friend_off" : "talktalk:friend_on");
            }
            w.close();
        }
    }

    private static void consent(final JournalWriter w, final long atMs, final int channel, final int set,
        final int clear, final String address, final String source)
    {
        final byte[] a = address.getBytes(StandardCharsets.UTF_8);
        final byte[] s = source.getBytes(StandardCharsets.UTF_8);
        final byte[] body = new byte[8 + a.length + s.length];
        body[0] = (byte)channel;
        body[2] = (byte)set;
        body[4] = (byte)clear;
        body[6] = (byte)a.length;
        System.arraycopy(a, 0, body, 7, a.length);
        body[7 + a.length] = (byte)s.length;
        System.arraycopy(s, 0, body, 8 + a.length, s.length);
        assertThat(w.appendConsent(atMs, "demo".getBytes(StandardCharsets.UTF_8), body, body.length)).isTrue();
    }

    private void awaitCycles(final int n) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (cycles().size() != n && System.nanoTime() < deadline)
        {
            Thread.sleep(50); // retention runs on the engine's snapshot thread: poll the directory, bounded
        }
        assertThat(cycles()).hasSize(n);
    }

    private List<String> cycles()
    {
        final String[] names = dir.resolve("journal").toFile().list((d, name) -> name.endsWith(".cq4"));
        return names == null ? List.of() : Arrays.asList(names);
    }
}
