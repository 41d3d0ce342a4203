package io.dispatch.fuzz;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.MessageKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the seed corpora of the client module's fuzz tests with the real encoders. Run with the test class
 * path and the module's {@code src/test/resources} as the argument.
 */
public final class ClientSeeds
{
    private ClientSeeds()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final Path resources = Path.of(args[0]);
        final Path codec = resources.resolve("io/dispatch/fuzz/ProtocolCodecFuzzTestInputs");
        final Map<String, String> vars = new LinkedHashMap<>();
        vars.put("service", "shop");
        vars.put("code", "123456");
        write(codec.resolve("submitBody"), "text", submit(MessageKind.INFORMATIONAL, "hello", null, null));
        write(codec.resolve("submitBody"), "template", submit(MessageKind.AUTH, null, "otp", vars));
        write(codec.resolve("submitBody"), "marketing", submit(MessageKind.MARKETING, "(광고) 세일", null, null));
        final DirectoryOpWriter w = new DirectoryOpWriter();
        write(codec.resolve("directoryOp"), "upsert", w.upsert("r1").string("gender", "f").integer("birth_year", 1990)
            .time("last_visit", 1_795_000_000_000L).addTag("vip").unset("region").pushToken("fcm", "t1")
            .removePushToken("apns", "t2").consentField("sms", 1, 2, 1_795_000_000_000L, "form").toBytes());
        write(codec.resolve("directoryOp"), "patch", w.patch("r1").removeTag("vip").toBytes());
        write(codec.resolve("directoryOp"), "delete", w.delete("r1").toBytes());
        write(codec.resolve("directoryOp"), "consent", w.consent("r1", 1, 1, 4, 1_795_000_000_000L, "src").toBytes());
        write(codec.resolve("directoryOp"), "opt-out", w.optOut("0800", "+821012345678", true, 1L, "080").toBytes());
        write(codec.resolve("directoryOp"), "invalidate-token", w.invalidateToken("apns", "t2").toBytes());

        final Path json = resources.resolve("io/dispatch/fuzz/JsonFuzzTestInputs/parse");
        text(json, "fcm-error", "{\"error\":{\"code\":400,\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":"
            + "\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"UNREGISTERED\"}]}}");
        text(json, "kakao-answer", "{\"header\":{\"resultCode\":0,\"isSuccessful\":true},\"message\":{\"requestId\":"
            + "\"2026-r1\",\"sendResults\":[{\"recipientSeq\":1,\"resultCode\":0}]}}");
        text(json, "numbers-escapes", "[-0, 1.5e3, -2E-2, 9223372036854775807, \"\\u00e9\\n\\\"\", true, false, null]");
        text(resources.resolve("io/dispatch/fuzz/JsonFuzzTestInputs/quoteRoundTrip"), "controls",
            "a\"b\\c\n\t\u0001\u2028é");

        final Path imports = resources.resolve("io/dispatch/client/cli/ImportFuzzTestInputs/importCheck");
        text(imports, "csv", "\0id,phone,gender,birth_year,region,tags,consent_sms,last_visit\n"
            + "r1,+821012345678,f,1990,서울,vip;newsletter,ad+night,2026-01-02T10:00\n"
            + "\"r,2\",\"+82 10 \"\"1\"\"\",m,x,,,optout,\n");
        text(imports, "ndjson", "\1{\"id\":\"r1\",\"phone\":\"+821012345678\",\"tags\":[\"vip\"],\"push\":[\"fcm:t1\"],"
            + "\"attributes\":{\"tier\":\"gold\",\"points\":12}}\n\n{\"id\":\"r2\",\"x\":1}\n");
    }

    private static byte[] submit(final MessageKind kind, final String text, final String template, final Map<String, String> vars)
    {
        final ByteBuf b = Unpooled.buffer();
        ByteBufFrames.submitBody(b, kind, ChannelType.SMS, 60, "key-1", "+821012345678", template, text, vars);
        final byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    private static void text(final Path dir, final String name, final String text) throws IOException
    {
        write(dir, name, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(final Path dir, final String name, final byte[] bytes) throws IOException
    {
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), bytes);
    }
}
