package io.dispatch.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A client's CONSENT body cannot pass for an address link the engine journals in the same layout. */
class ConsentFrameTest
{
    private static ByteBuf body(final int kind)
    {
        final byte[] recipient = "01011112222".getBytes(StandardCharsets.US_ASCII);
        final byte[] source = "signup-form".getBytes(StandardCharsets.US_ASCII);
        final ByteBuf b = Unpooled.buffer();
        b.writeByte(1).writeByte(kind).writeShortLE(1).writeShortLE(0);
        b.writeByte(recipient.length).writeBytes(recipient).writeByte(source.length).writeBytes(source);
        return b;
    }

    @Test
    void shouldRefuseABodyWhoseReservedByteIsSet()
    {
        final ByteBuf valid = body(ConsentFrame.CONSENT);
        assertThat(ConsentFrame.validate(valid, 0, valid.readableBytes())).isNull();
        final ByteBuf link = body(ConsentFrame.LINK);
        assertThat(ConsentFrame.validate(link, 0, link.readableBytes())).isEqualTo("reserved byte (offset 1) must be 0");
    }
}
