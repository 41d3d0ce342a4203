package io.dispatch.protocol;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8Test
{
    @Test
    void shouldAcceptWellFormedText()
    {
        assertThat(valid("")).isTrue();
        assertThat(valid("plain ascii")).isTrue();
        assertThat(valid("(광고) 할인 안내")).isTrue();
        assertThat(valid("é ß € \uD83D\uDE00 \uFFFD")).isTrue();
    }

    @Test
    void shouldRejectWhatADecoderWouldReplace()
    {
        assertThat(valid(0x80)).as("lone continuation byte").isFalse();
        assertThat(valid(0xC3)).as("truncated 2-byte sequence").isFalse();
        assertThat(valid(0xE2, 0x82)).as("truncated 3-byte sequence").isFalse();
        assertThat(valid(0xC0, 0xAF)).as("overlong '/'").isFalse();
        assertThat(valid(0xE0, 0x80, 0xAF)).as("overlong 3-byte").isFalse();
        assertThat(valid(0xF0, 0x80, 0x80, 0xAF)).as("overlong 4-byte").isFalse();
        assertThat(valid(0xED, 0xA0, 0x80)).as("surrogate U+D800").isFalse();
        assertThat(valid(0xF4, 0x90, 0x80, 0x80)).as("above U+10FFFF").isFalse();
        assertThat(valid(0xFF)).isFalse();
        assertThat(valid(0x61, 0xE2, 0x28, 0xA1)).as("bad continuation").isFalse();
    }

    private static boolean valid(final String s)
    {
        final byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return Utf8.isValid(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    private static boolean valid(final int... values)
    {
        final byte[] bytes = new byte[values.length + 2];
        bytes[0] = 'x';
        for (int i = 0; i < values.length; i++)
        {
            bytes[i + 1] = (byte)values[i];
        }
        bytes[bytes.length - 1] = 'y';
        // the bytes after the checked range must not be read
        return Utf8.isValid(new UnsafeBuffer(bytes), 1, values.length);
    }
}
