package io.dispatch.protocol;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The CONSENT layout as the client writes it, as ingest checks it and as the policy stage reads it once journaled. */
class ConsentFrameTest
{
    private final ExpandableArrayBuffer frame = new ExpandableArrayBuffer();

    private int consent(final int channel, final int set, final int clear)
    {
        return Frames.consent(frame, 0, 9, channel, set, clear, "01011112222", "signup-form")
            - FrameDescriptor.HEADER_LENGTH;
    }

    @Test
    void shouldRefuseABodyWhoseReservedByteIsSet()
    {
        final int length = consent(1, ConsentFlags.AD, 0);
        assertThat(ConsentFrame.validate(frame, FrameDescriptor.HEADER_LENGTH, length)).isNull();
        frame.putByte(FrameDescriptor.HEADER_LENGTH + ConsentFrame.KIND_OFFSET, ConsentFrame.LINK);
        assertThat(ConsentFrame.validate(frame, FrameDescriptor.HEADER_LENGTH, length))
            .isEqualTo("reserved byte (offset 1) must be 0");
    }

    @Test
    void shouldReadTheJournaledBodyAsTheClientWroteIt()
    {
        final int length = consent(2, ConsentFlags.NIGHT_AD, ConsentFlags.AD | ConsentFlags.OPTED_OUT);
        assertThat(ConsentFrame.validate(frame, FrameDescriptor.HEADER_LENGTH, length)).isNull();
        final byte[] body = new byte[length];
        frame.getBytes(FrameDescriptor.HEADER_LENGTH, body);

        assertThat(ConsentFrame.channel(body)).isEqualTo(2);
        assertThat(ConsentFrame.setFlags(body)).isEqualTo(ConsentFlags.NIGHT_AD);
        assertThat(ConsentFrame.clearFlags(body)).isEqualTo(ConsentFlags.AD | ConsentFlags.OPTED_OUT);
        final int sourceAt = ConsentFrame.sourceLengthOffset(body);
        assertThat(new String(body, sourceAt + 1, body[sourceAt], java.nio.charset.StandardCharsets.UTF_8))
            .isEqualTo("signup-form");

        final byte[] written = body.clone();
        ConsentFrame.putHeader(written, 2, ConsentFrame.CONSENT, ConsentFlags.NIGHT_AD,
            ConsentFlags.AD | ConsentFlags.OPTED_OUT);
        assertThat(written).isEqualTo(body);
    }
}
