package io.dispatch.load.directory;

import io.dispatch.directory.Directory;
import io.dispatch.directory.SegmentException;
import io.dispatch.directory.TenantDirectory;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.DirectoryOpWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DirectoryGeneratorTest
{
    @TempDir
    Path dir;

    @Test
    void shouldGenerateTheSameRowsForTheSameSeedAndIndex() throws IOException
    {
        final StringBuilder a = new StringBuilder();
        final StringBuilder b = new StringBuilder();
        RowFormats.csv(new DirectoryGenerator(5).row(123), a);
        final DirectoryGenerator other = new DirectoryGenerator(5);
        other.row(7);
        RowFormats.csv(other.row(123), b);
        assertThat(a.toString()).isEqualTo(b.toString());
        final StringBuilder c = new StringBuilder();
        RowFormats.csv(new DirectoryGenerator(6).row(123), c);
        assertThat(c.toString()).isNotEqualTo(a.toString());
    }

    @Test
    void shouldEncodeRowsAsValidUpsertsThatLoadIntoTheDirectory() throws SegmentException
    {
        final DirectoryGenerator generator = new DirectoryGenerator(1);
        final DirectoryOpWriter w = new DirectoryOpWriter();
        final DirectoryOp op = new DirectoryOp();
        final Directory directory = new Directory();
        final int n = 20_000;
        for (int i = 0; i < n; i++)
        {
            generator.upsert(generator.row(i), w);
            op.wrap(w.buffer(), 0, w.length());
            assertThat(op.validate()).isNull();
            assertThat(directory.apply(1, op, generator.nowMs())).isNull();
        }
        final TenantDirectory t = directory.tenant(1);
        assertThat(t.size()).as("ids and phones are unique").isEqualTo(n);
        assertThat(share(t, "gender = 'F'", n)).isBetween(0.48, 0.54);
        assertThat(share(t, "reachable('push')", n)).isBetween(0.57, 0.63);
        assertThat(share(t, "exists(chat_key)", n)).isBetween(0.67, 0.73);
        assertThat(share(t, "tag('vip')", n)).isBetween(0.02, 0.04);
        assertThat(share(t, "exists(last_purchase)", n)).isBetween(0.42, 0.48);
        assertThat(share(t, "region = '경기'", n)).isBetween(0.24, 0.29);
        assertThat(share(t, "age between 20 and 29", n)).isBetween(0.05, 0.3);
        assertThat(share(t, "consent('sms')", n)).isBetween(0.42, 0.48);
        assertThat(share(t, "birth_year < 1950 or birth_year > 2010", n)).isZero();
    }

    @Test
    void shouldWriteCsvAndNdjsonWithTheAgreedColumns() throws IOException
    {
        final Path csv = dir.resolve("d.csv");
        final Path ndjson = dir.resolve("d.ndjson");
        DirectoryGeneratorMain.write(new DirectoryGenerator(1), 100, true, csv);
        DirectoryGeneratorMain.write(new DirectoryGenerator(1), 100, false, ndjson);
        final List<String> rows = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertThat(rows).hasSize(101);
        assertThat(rows.get(0)).isEqualTo("id,gender,birth_year,region,phone,chat_key,tags,last_visit,last_purchase,"
            + "push,consent_sms,consent_push,consent_chat,str:grade,int:points");
        for (final String row : rows.subList(1, rows.size()))
        {
            assertThat(row.split(",", -1)).hasSize(15);
        }
        assertThat(rows.get(1)).startsWith("cust-0,");
        final List<String> lines = Files.readAllLines(ndjson, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(100);
        assertThat(lines.get(0)).startsWith("{\"id\":\"cust-0\",\"gender\":").contains("\"attributes\":{\"grade\":")
            .endsWith("}}");
        assertThat(String.join("\n", lines)).contains("\"push\":[\"fcm:").contains("\"tags\":[\"")
            .contains("\"consent_sms\":\"ad");
    }

    private static double share(final TenantDirectory t, final String expression, final int n) throws SegmentException
    {
        return t.evaluate(t.compile(expression), DirectoryGenerator.DEFAULT_NOW_MS).getCardinality() / (double)n;
    }
}
