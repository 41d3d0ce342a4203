package io.dispatch.cluster;

import io.dispatch.directory.Directory;
import io.dispatch.directory.TenantDirectory;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.DirectoryOpWriter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reader of the directory topic after compaction (the latest record of each key, in offset order) ends with the
 * same directory as a reader of every op, for a history of partial ops of every kind.
 */
class DirectoryRowKeysTest
{
    private static final byte[] TENANT = "demo".getBytes(StandardCharsets.UTF_8);
    private static final int TENANT_ID = 1;
    private static final long NOW = 1_790_000_000_000L;
    private static final List<String> RECIPIENTS = List.of("alice", "bob");
    private static final List<String> ATTRIBUTES = List.of("gender", "region", "phone", "grade", "points");
    private static final List<String> TAGS = List.of("vip", "newsletter");

    private final DirectoryOpWriter w = new DirectoryOpWriter();

    @Test
    void whatCompactionKeepsRebuildsTheSameDirectoryAsEveryOp()
    {
        final List<byte[]> ops = new ArrayList<>();
        ops.add(w.upsert("alice").string("gender", "F").string("region", "서울").addTag("vip")
            .pushToken("fcm", "tokenA").consentField("sms", ConsentFlags.AD, 0, NOW, "signup").toBytes());
        ops.add(w.patch("alice").string("grade", "gold").toBytes());
        ops.add(w.patch("alice").integer("points", 10).addTag("newsletter").toBytes());
        ops.add(w.patch("alice").string("grade", "silver").toBytes()); // supersedes the first grade
        ops.add(w.patch("alice").removeTag("vip").toBytes());
        ops.add(w.consent("alice", 2, ConsentFlags.AD, 0, NOW + 1, "app").toBytes());
        ops.add(w.patch("alice").string("phone", "01012345678").toBytes());
        ops.add(w.patch("bob").string("region", "부산").toBytes());
        ops.add(w.patch("bob").integer("points", 3).toBytes());
        ops.add(w.patch("bob").integer("points", 4).toBytes());
        ops.add(w.delete("bob").toBytes());
        ops.add(w.patch("bob").string("grade", "bronze").toBytes()); // after the delete: a new row
        ops.add(w.patch("alice").unset("region").toBytes());
        ops.add(w.consent("alice", 0, 0, ConsentFlags.AD, NOW + 2, "call").toBytes());
        ops.add(w.patch("alice").removePushToken("fcm", "tokenA").pushToken("apns", "tokenB").toBytes());

        final String everything = render(apply(ops));
        assertThat(render(apply(compacted(ops, DirectoryRowKeys::key)))).isEqualTo(everything);
        // the earlier key, the recipient alone, lost the partial ops before each recipient's last one
        assertThat(render(apply(compacted(ops, (recipient, op) -> recipient)))).isNotEqualTo(everything);
        assertThat(compacted(ops, DirectoryRowKeys::key)).as("records superseded: grade, points, consent")
            .hasSizeLessThan(ops.size());
    }

    @Test
    void opsOfTheSameFieldsShareAKeyAndOthersDoNot()
    {
        final byte[] recipient = DirectoryRows.recipientKey(TENANT, "alice".getBytes(StandardCharsets.UTF_8), 0, 5);
        final DirectoryOp op = new DirectoryOp();
        final BiFunction<DirectoryOpWriter, Void, String> key = (writer, ignored) ->
        {
            final byte[] b = writer.toBytes();
            assertThat(op.wrap(b, 0, b.length).validate()).isNull();
            return java.util.HexFormat.of().formatHex(DirectoryRowKeys.key(recipient, op));
        };
        final String grade = key.apply(w.patch("alice").string("grade", "gold").addTag("vip"), null);
        assertThat(key.apply(w.patch("alice").addTag("vip").string("grade", "silver"), null)).isEqualTo(grade);
        assertThat(key.apply(w.patch("alice").string("grade", "silver"), null)).isNotEqualTo(grade);
        assertThat(key.apply(w.upsert("alice").string("grade", "gold").addTag("vip"), null)).isNotEqualTo(grade);
        assertThat(key.apply(w.patch("alice").string("grade", "gold").removeTag("vip"), null)).isEqualTo(grade);
        assertThat(grade).startsWith(java.util.HexFormat.of().formatHex(recipient) + "00");
    }

    /** The latest record of each key, in the order of their offsets. */
    private static List<byte[]> compacted(final List<byte[]> ops, final BiFunction<byte[], DirectoryOp, byte[]> keyOf)
    {
        final DirectoryOp op = new DirectoryOp();
        final Map<String, Integer> last = new LinkedHashMap<>();
        for (int i = 0; i < ops.size(); i++)
        {
            final byte[] b = ops.get(i);
            assertThat(op.wrap(b, 0, b.length).validate()).isNull();
            final byte[] recipient = DirectoryRows.recipientKey(TENANT, b, op.subjectOffset(), op.subjectLength());
            last.put(java.util.HexFormat.of().formatHex(keyOf.apply(recipient, op)), i);
        }
        final List<byte[]> kept = new ArrayList<>();
        last.values().stream().sorted().forEach(i -> kept.add(ops.get(i)));
        return kept;
    }

    private static Directory apply(final List<byte[]> ops)
    {
        final Directory directory = new Directory();
        final DirectoryOp op = new DirectoryOp();
        for (final byte[] b : ops)
        {
            assertThat(op.wrap(b, 0, b.length).validate()).isNull();
            assertThat(directory.apply(TENANT_ID, op, NOW)).isNull();
        }
        return directory;
    }

    /** Every recipient's attributes, addresses, tags and consent, as text. */
    private static String render(final Directory directory)
    {
        final TenantDirectory t = directory.tenant(TENANT_ID);
        final Map<String, String> rows = new TreeMap<>();
        final byte[] buffer = new byte[4096];
        for (final String id : RECIPIENTS)
        {
            final byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
            final int ordinal = t.ordinal(bytes, 0, bytes.length);
            if (ordinal < 0 || !t.live().contains(ordinal))
            {
                rows.put(id, "none");
                continue;
            }
            final StringBuilder sb = new StringBuilder();
            for (final String name : ATTRIBUTES)
            {
                final int attribute = t.attributeId(name);
                final int n = attribute < 0 ? -1 : t.attributeText(ordinal, attribute, buffer, 0);
                sb.append(name).append('=').append(n < 0 ? "-" : new String(buffer, 0, n, StandardCharsets.UTF_8))
                    .append(' ');
            }
            for (int channel = 1; channel <= 3; channel++)
            {
                final int n = t.addresses(ordinal, channel, buffer, 0);
                sb.append("addresses").append(channel).append('=')
                    .append(n < 0 ? "-" : new String(buffer, 0, n, StandardCharsets.UTF_8)).append(' ')
                    .append("consent").append(channel).append('=').append(t.consentFlags(ordinal, channel))
                    .append('@').append(t.consentAtMs(ordinal, channel)).append(' ');
            }
            for (final String tag : TAGS)
            {
                try
                {
                    sb.append(tag).append('=').append(t.evaluate(t.compile("tag('" + tag + "')"), NOW)
                        .contains(ordinal)).append(' ');
                }
                catch (final io.dispatch.directory.SegmentException ex)
                {
                    throw new AssertionError(ex);
                }
            }
            rows.put(id, sb.toString());
        }
        return rows.toString();
    }
}
