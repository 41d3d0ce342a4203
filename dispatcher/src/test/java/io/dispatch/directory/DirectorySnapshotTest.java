package io.dispatch.directory;

import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.DirectoryOpWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.dispatch.directory.Ops.address;
import static io.dispatch.directory.Ops.bytes;
import static io.dispatch.directory.Ops.ordinal;
import static io.dispatch.directory.Ops.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirectorySnapshotTest
{
    private static final long NOW = 1_795_000_000_000L;
    private static final String[] SEGMENTS = {
        "gender = 'F' and age between 20 and 29 and last_purchase within 7d and not tag('vip') and reachable('push')",
        "last_visit before 90d", "reachable('push') and consent('push') and not tag('vip')",
        "grade in ('gold', 'silver') or points > 500", "consent('sms', 'night') or reachable('chat')",
    };

    @TempDir
    Path dir;

    @Test
    void shouldReadBackTheSameRecipientsIndexesAndJournalIndex() throws Exception
    {
        final Directory original = build();
        final Path file = dir.resolve("directory.snapshot");
        original.writeSnapshot(file, 12_345L);
        assertThat(Files.exists(dir.resolve("directory.snapshot.tmp"))).isFalse();
        final Directory copy = Directory.readSnapshot(file);
        assertThat(original.snapshotJournalIndex()).isEqualTo(-1);
        assertThat(copy.snapshotJournalIndex()).isEqualTo(12_345L);

        for (final int tenant : new int[] {1, 2})
        {
            final TenantDirectory a = original.tenant(tenant);
            final TenantDirectory b = copy.tenant(tenant);
            assertThat(b.size()).isEqualTo(a.size());
            assertThat(b.live()).isEqualTo(a.live());
            for (final String s : SEGMENTS)
            {
                assertThat(b.evaluate(b.compile(s), NOW)).as(s).isEqualTo(a.evaluate(a.compile(s), NOW));
            }
            for (int i = 0; i < 300; i++)
            {
                final String id = "r" + i;
                final int o = ordinal(a, id);
                assertThat(ordinal(b, id)).isEqualTo(o);
                if (o < 0)
                {
                    continue;
                }
                for (final String attr : new String[] {"gender", "birth_year", "region", "last_visit", "grade", "points", "phone"})
                {
                    assertThat(text(b, o, attr)).isEqualTo(text(a, o, attr));
                }
                for (int channel = 1; channel <= 3; channel++)
                {
                    assertThat(address(b, o, channel)).isEqualTo(address(a, o, channel));
                    assertThat(b.consentFlags(o, channel)).isEqualTo(a.consentFlags(o, channel));
                    assertThat(b.consentAtMs(o, channel)).isEqualTo(a.consentAtMs(o, channel));
                    assertThat(b.consentSource(o, channel)).isEqualTo(a.consentSource(o, channel));
                }
                final byte[] sender = bytes("0800000000");
                assertThat(b.optedOut(o, sender, 0, sender.length)).isEqualTo(a.optedOut(o, sender, 0, sender.length));
            }
        }
        // The copy keeps working: ordinals continue, invalidation still finds tokens.
        final Ops ops = new Ops();
        final DirectoryOpWriter w = new DirectoryOpWriter();
        ops.apply(original, 1, w.upsert("new"), NOW);
        ops.apply(copy, 1, w.upsert("new"), NOW);
        assertThat(ordinal(copy.tenant(1), "new")).isEqualTo(ordinal(original.tenant(1), "new"));
        ops.apply(original, 1, w.invalidateToken("fcm", "tok3"), NOW);
        ops.apply(copy, 1, w.invalidateToken("fcm", "tok3"), NOW);
        assertThat(copy.tenant(1).evaluate(copy.tenant(1).compile("reachable('push')"), NOW))
            .isEqualTo(original.tenant(1).evaluate(original.tenant(1).compile("reachable('push')"), NOW));
    }

    @Test
    void shouldRefuseACorruptedFile() throws IOException
    {
        final Path file = dir.resolve("d.snapshot");
        build().writeSnapshot(file, 1);
        final byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 1;
        Files.write(file, b);
        assertThatThrownBy(() -> Directory.readSnapshot(file)).isInstanceOf(IOException.class);
        Files.write(file, Arrays.copyOf(b, 10));
        assertThatThrownBy(() -> Directory.readSnapshot(file)).isInstanceOf(IOException.class);
    }

    private static Directory build()
    {
        final Directory d = new Directory();
        final Ops ops = new Ops();
        final DirectoryOpWriter w = new DirectoryOpWriter();
        for (int tenant = 1; tenant <= 2; tenant++)
        {
            for (int i = 0; i < 300; i++)
            {
                w.upsert("r" + i).string("gender", i % 2 == 0 ? "F" : "M").integer("birth_year", 1950 + i % 60)
                    .string("region", i % 3 == 0 ? "서울" : "경기").time("last_visit", NOW - i * 3_600_000L * 24)
                    .time("last_purchase", NOW - (i % 10) * 86_400_000L).string("phone", "0101000" + (1000 + i))
                    .string("grade", i % 5 == 0 ? "gold" : "silver").integer("points", i * 7);
                if (i % 4 != 0)
                {
                    w.pushToken(i % 2 == 0 ? "apns" : "fcm", "tok" + i);
                }
                if (i % 7 == 0)
                {
                    w.addTag("vip");
                }
                w.consentField(i % 2 == 0 ? "all" : "push", ConsentFlags.AD | (i % 3 == 0 ? ConsentFlags.NIGHT_AD : 0), 0, 0, "import-" + (i % 3));
                ops.apply(d, tenant, w, NOW);
            }
            for (int i = 0; i < 300; i += 11)
            {
                ops.apply(d, tenant, w.delete("r" + i), NOW);
                ops.apply(d, tenant, w.optOut("0800000000", "0101000" + (1000 + i + 1), false, 0, "080"), NOW);
                ops.apply(d, tenant, w.invalidateToken("apns", "tok" + (i + 2)), NOW);
                ops.apply(d, tenant, w.patch("r" + (i + 3)).unset("grade").string("chat_key", "ck" + i), NOW);
            }
        }
        return d;
    }
}
