package io.dispatch.client.cli;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.client.ScriptedPeer;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class DirectoryCommandTest extends CommandTestBase
{
    private static final String HEADER = "id,gender,birth_year,region,tags,push,last_visit,consent_sms,consent_push," +
        "str:grade,int:points,time:joined\n";

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong();

    @Test
    void shouldEncodeEachRowAsOneUpsertWithItsConsentInside() throws Exception
    {
        final Path file = write("members.csv", "\uFEFF" + HEADER +
            "u1,F,1990,\"서울, 강남\",vip|new,fcm:tok1|apns:abcd,2024-03-01T09:00:00Z,ad+night,optout,gold,1200,2024-03-01\n" +
            "u2,,,,,,2024-03-01T09:00,ad,,,,1709283600000\n");

        assertThat(run("import", file.toString(), "--progress", "none")).isEqualTo(0);

        assertThat(ops()).containsExactly(
            "UPSERT u1 gender=F birth_year=#1990 region=서울, 강남 tag:vip tag:new fcm:tok1 apns:abcd " +
                "last_visit=@1709283600000 consent_sms=+3-4 consent_push=+4-3 grade=gold points=#1200 joined=@1709218800000",
            "UPSERT u2 last_visit=@1709251200000 consent_sms=+1-6 joined=@1709283600000");
        assertThat(stdout()).contains("import of " + file + ": 2 rows read", "applied   2", "rejected  0", "skipped   0");
    }

    @Test
    void shouldReportEveryKindOfBadRowWithItsLineAndSkipIt() throws Exception
    {
        final byte[] badUtf8 = "u10,F,1990,\u0000,,,,,,,,\n".getBytes(StandardCharsets.UTF_8);
        badUtf8[11] = (byte)0xFF;
        final Path file = dir.resolve("bad.csv");
        Files.write(file, concat((HEADER +
            "u1,F,1990,seoul,,,,,,,,\n" +                    // 2 ok
            "u2,Q,1990,,,,,,,,,\n" +                         // 3 gender
            "u3,M,nineteen,,,,,,,,,\n" +                     // 4 birth_year
            "u4,F,1991,\"multi\nline\",,,,,,,,\n" +          // 5-6 ok, spans two lines
            "u5,F,1991,,,,yesterday,,,,,\n" +                // 7 time
            "u6,F,1992,,,,,maybe,,,,\n" +                    // 8 consent
            "u7,F,1993,,,xyz:tok,,,,,,\n" +                  // 9 push
            ",F,1993,,,,,,,,,\n" +                           // 10 id
            "u8,F\n" +                                       // 11 field count
            "u9,F,1994,a\"b,,,,,,,,\n" +                     // 12 quote
            "u11,F,1994,,bad tag!,,,,,,,\n" +                // 13 tag
            "\n" +                                           // 14 blank: ignored
            "u12,M,2000,,,,,,,,,\n").getBytes(StandardCharsets.UTF_8), badUtf8));  // 15 ok, 16 bad UTF-8

        assertThat(run("import", file.toString(), "--check", "--errors", dir.resolve("errors.txt").toString()))
            .isEqualTo(1);

        final List<String> expected = List.of(
            "line 3: skipped: field 'gender' must be F, M or X",
            "line 4: skipped: birth_year 'nineteen' is not a whole number",
            "line 7: skipped: 'yesterday' is not a time: use ISO-8601 (2024-03-01T09:00:00Z), a local date-time or " +
                "date (Asia/Seoul), or epoch milliseconds",
            "line 8: skipped: consent_sms 'maybe' must be ad, ad+night, optout, none or empty",
            "line 9: skipped: push 'xyz:tok' must be fcm:TOKEN or apns:TOKEN",
            "line 10: skipped: id is empty",
            "line 11: skipped: 2 fields, the header has 12",
            "line 12: skipped: quote inside unquoted field 4 (quote the whole field)",
            "line 13: skipped: tag 'bad tag!' (use [A-Za-z0-9_:.-])",
            "line 16: skipped: invalid UTF-8 in the record");
        assertThat(stderr().lines()).containsExactlyElementsOf(expected);
        assertThat(Files.readAllLines(dir.resolve("errors.txt"))).containsExactlyElementsOf(expected);
        assertThat(stdout()).isEqualTo(String.join(System.lineSeparator(),
            "check of " + file + ": 13 rows read in 0:00 (13,000,000,000 rows/s)",
            "  valid     3",
            "  skipped   10 bad rows (lines 3, 4, 7, 8, 9, 10, 11, 12, 13, 16)", ""));
        assertThat(peer.sessions).as("--check connects to nothing").isEmpty();
    }

    @Test
    void shouldReportRowsTheEngineRejectsByTheirLine() throws Exception
    {
        peer.directoryRejectRule = id -> id.equals("r7") || id.equals("r2048") ? "recipient " + id + " is locked" : null;
        final StringBuilder csv = new StringBuilder("id,region\n");
        for (int i = 1; i <= 2500; i++)
        {
            csv.append('r').append(i).append(i == 1000 ? ",\"two\nlines\"\n" : ",x\n");
        }
        final Path file = write("many.csv", csv.toString());

        assertThat(run("import", file.toString(), "--batch", "100", "--progress", "none")).isEqualTo(1);

        assertThat(peer.frames.stream().filter(f -> f.type() == MessageType.DIRECTORY_UPDATE)).hasSize(25);
        assertThat(stderr().lines()).containsExactly(
            "line 8: rejected: recipient r7 is locked (INVALID_FIELD)",
            "line 2050: rejected: recipient r2048 is locked (INVALID_FIELD)");
        assertThat(stdout()).contains("2,500 rows read", "applied   2,498",
            "rejected  2 by the engine (lines 8, 2050)", "skipped   0");
    }

    @Test
    void shouldKeepSeveralFramesInFlightAndNoMore() throws Exception
    {
        peer.autoAnswer = false;
        final StringBuilder csv = new StringBuilder("id\n");
        for (int i = 0; i < 1000; i++)
        {
            csv.append("p").append(i).append('\n');
        }
        final Path file = write("pipelined.csv", csv.toString());
        final CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
            run("import", file.toString(), "--batch", "50", "--in-flight", "3", "--progress", "none"));

        final List<ScriptedPeer.Frame> held = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            held.add(peer.nextFrame(MessageType.DIRECTORY_UPDATE, 5000));
        }
        assertThat(held).doesNotContainNull();
        assertThat(peer.nextFrame(MessageType.DIRECTORY_UPDATE, 300)).as("a fourth frame before any answer").isNull();

        peer.autoAnswer = true;
        for (final ScriptedPeer.Frame f : held)
        {
            f.session().send(b ->
            {
                final int start = ByteBufFrames.beginFrame(b, MessageType.DIRECTORY_RESULT, 0, f.correlationId());
                b.writeShortLE(50);
                b.writeShortLE(0);
                ByteBufFrames.endFrame(b, start);
            });
            f.session().grant(1);
        }
        assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(0);
        assertThat(stdout()).contains("applied   1,000");
    }

    @Test
    void shouldReadNdjsonWithTypedAttributesAndReportBadJsonLines() throws Exception
    {
        final Path file = write("members.ndjson",
            "{\"id\":\"n1\",\"gender\":\"M\",\"tags\":[\"vip\"],\"push\":[\"fcm:t1\"],\"consent_chat\":\"ad\"," +
                "\"attributes\":{\"grade\":\"gold\",\"points\":1200,\"seen\":\"2024-03-01T09:00:00Z\"," +
                "\"time:joined\":\"2024-03-01T09:00:00Z\"}}\n" +
            "{\"id\":\"n2\",\"gender\":\"F\"\n" +
            "\n" +
            "{\"id\":\"n3\",\"attributes\":{\"score\":1.5}}\n" +
            "{\"id\":\"n4\",\"nickname\":\"x\"}\n" +
            "{\"id\":\"n5\",\"tags\":\"a|b\",\"birth_year\":\"1988\"}\n");

        assertThat(run("import", file.toString(), "--progress", "none")).isEqualTo(1);

        assertThat(ops()).containsExactly(
            "UPSERT n1 gender=M tag:vip fcm:t1 consent_chat=+1-6 grade=gold points=#1200 " +
                "seen=2024-03-01T09:00:00Z joined=@1709283600000",
            "UPSERT n5 tag:a tag:b birth_year=#1988");
        assertThat(stderr().lines()).containsExactly(
            "line 2: skipped: bad JSON at column 24: unexpected end, expected '}'",
            "line 4: skipped: attribute 'score' must be a string or an integer (or name it time:score)",
            "line 5: skipped: unknown column 'nickname': use id, gender, birth_year, region, phone, chat_key, tags, " +
                "last_visit, last_purchase, push, consent_sms, consent_push, consent_chat, or str:NAME, int:NAME, " +
                "time:NAME for a custom attribute");
    }

    @Test
    void shouldRefuseAFileWhoseHeaderCannotBeRead() throws Exception
    {
        assertThat(run("import", write("x.csv", "id,colour\nu1,red\n").toString())).isEqualTo(2);
        assertThat(stderr()).contains("x.csv: unknown column 'colour'");
        err.reset();
        assertThat(run("import", write("y.csv", "gender\nF\n").toString())).isEqualTo(2);
        assertThat(stderr()).contains("header: the id column is required");
        err.reset();
        assertThat(run("import", dir.resolve("missing.csv").toString())).isEqualTo(2);
        assertThat(stderr()).contains("no such file");
        err.reset();
        assertThat(run("import", write("z.txt", "id\n").toString())).isEqualTo(2);
        assertThat(stderr()).contains("use --format csv|ndjson");
    }

    @Test
    void shouldApplyOneOffFixes() throws Exception
    {
        assertThat(run("upsert", "u9", "gender=F", "tags=a|b", "consent_sms=ad", "int:points=3")).isEqualTo(0);
        assertThat(run("consent", "u9", "--channel", "sms", "--set", "ad,night", "--source", "call")).isEqualTo(0);
        assertThat(run("opt-out", "0801234567", "01012345678", "--remove")).isEqualTo(0);
        assertThat(run("delete", "u9")).isEqualTo(0);

        assertThat(ops()).containsExactly(
            "UPSERT u9 gender=F tag:a tag:b consent_sms=+1-6 points=#3",
            "CONSENT u9 channel=1 set=3 clear=0 source=call",
            "OPT_OUT 0801234567 01012345678 removed source=scripts/directory",
            "DELETE u9");
        assertThat(stdout().lines()).containsOnly("applied");
    }

    @Test
    void shouldRefuseABadFixBeforeSendingAndReportAnEngineRejection() throws Exception
    {
        assertThat(run("upsert", "u9", "gender=W")).isEqualTo(2);
        assertThat(stderr()).contains("upsert: field 'gender' must be F, M or X");
        assertThat(run("opt-out", "0801234567", "not-a-phone")).isEqualTo(2);
        assertThat(stderr()).contains("opt-out: phone must be 1..32 digits");

        peer.directoryRejectRule = id -> "locked";
        assertThat(run("delete", "u9")).isEqualTo(1);
        assertThat(stdout()).contains("rejected: locked (" + ErrorCode.INVALID_FIELD + ")");
    }

    private int run(final String... args)
    {
        final List<String> all = new ArrayList<>(List.of(args));
        if (!args[0].equals("import") || !List.of(args).contains("--check"))
        {
            all.addAll(List.of("--port", String.valueOf(peer.port())));
        }
        return new DirectoryCommand(outStream, errStream, new ByteArrayInputStream(new byte[0]), clock::get, false).run(all.toArray(new String[0]));
    }

    private List<String> ops()
    {
        final List<String> ops = new ArrayList<>();
        for (final byte[] op : peer.directoryOps)
        {
            ops.add(OpText.of(op));
        }
        return ops;
    }

    private Path write(final String name, final String text) throws IOException
    {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static byte[] concat(final byte[] a, final byte[] b)
    {
        final byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    static
    {
        // DirectoryOp is the validator the rows must pass: keep the import from drifting from it.
        assertThat(DirectoryOp.MAX_BATCH_COUNT).isEqualTo(1024);
    }
}
