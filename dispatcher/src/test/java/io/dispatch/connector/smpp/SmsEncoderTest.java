package io.dispatch.connector.smpp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Data coding choice, single-SMS limits, part sizes and the concatenation UDH. */
class SmsEncoderTest
{
    @Test
    void shouldKeepDefaultAlphabetTextInOneSmsUpTo160Septets()
    {
        final SmsEncoder.Encoded e = SmsEncoder.encode("a".repeat(160), 10, 1);
        assertThat(e.dataCoding()).isEqualTo(SmsEncoder.DATA_CODING_DEFAULT);
        assertThat(e.esmClass()).isEqualTo(SmsEncoder.ESM_CLASS_DEFAULT);
        assertThat(e.parts()).hasNumberOfRows(1);
        assertThat(e.parts()[0]).isEqualTo("a".repeat(160).getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void shouldCountExtensionCharactersTwiceAndSplitAt153Septets()
    {
        assertThat(SmsEncoder.encode("{".repeat(80), 10, 1).parts()).hasNumberOfRows(1);
        final SmsEncoder.Encoded e = SmsEncoder.encode("{".repeat(81), 10, 7);
        assertThat(e.esmClass()).isEqualTo(SmsEncoder.ESM_CLASS_UDHI);
        assertThat(e.parts()).hasNumberOfRows(2);
        assertThat(e.parts()[0]).hasSize(SmsEncoder.UDH_LENGTH + 76); // 76 × 2 = 152 septets
        assertThat(e.parts()[0]).startsWith(0x05, 0x00, 0x03, 7, 2, 1);
        assertThat(e.parts()[1]).startsWith(0x05, 0x00, 0x03, 7, 2, 2);
        assertThat(SmsEncoder.encode("a".repeat(161), 10, 1).parts()[0]).hasSize(SmsEncoder.UDH_LENGTH + 153);
    }

    @Test
    void shouldUseUcs2ForHangulAndCharactersOutsideTheDefaultAlphabet()
    {
        assertThat(SmsEncoder.encode("인증번호", 10, 1).dataCoding()).isEqualTo(SmsEncoder.DATA_CODING_UCS2);
        assertThat(SmsEncoder.encode("café", 10, 1).dataCoding()).isEqualTo(SmsEncoder.DATA_CODING_UCS2);
        assertThat(SmsEncoder.encode("a`b", 10, 1).dataCoding()).isEqualTo(SmsEncoder.DATA_CODING_UCS2);
        assertThat(SmsEncoder.encode("line\nbreak $@_", 10, 1).dataCoding()).isEqualTo(SmsEncoder.DATA_CODING_DEFAULT);
        final SmsEncoder.Encoded single = SmsEncoder.encode("가".repeat(70), 10, 1);
        assertThat(single.parts()).hasNumberOfRows(1);
        assertThat(single.parts()[0]).hasSize(140);
        final SmsEncoder.Encoded split = SmsEncoder.encode("가".repeat(71), 10, 300);
        assertThat(split.parts()).hasNumberOfRows(2);
        assertThat(split.parts()[0]).hasSize(SmsEncoder.UDH_LENGTH + 134).startsWith(0x05, 0x00, 0x03, 300 & 0xFF, 2, 1);
    }

    @Test
    void shouldNeverSplitASurrogatePair()
    {
        final String text = "가".repeat(66) + "😀" + "나".repeat(10);
        final SmsEncoder.Encoded e = SmsEncoder.encode(text, 10, 1);
        assertThat(e.parts()).hasNumberOfRows(2);
        final String first = new String(e.parts()[0], SmsEncoder.UDH_LENGTH, e.parts()[0].length - SmsEncoder.UDH_LENGTH,
            StandardCharsets.UTF_16BE);
        assertThat(first).isEqualTo("가".repeat(66));
    }

    @Test
    void shouldRefuseTextNeedingMorePartsThanAllowed()
    {
        assertThat(SmsEncoder.encode("a".repeat(306), 2, 1)).isNotNull();
        assertThat(SmsEncoder.encode("a".repeat(307), 2, 1)).isNull();
        assertThat(SmsEncoder.encode("가".repeat(134), 2, 1)).isNotNull();
        assertThat(SmsEncoder.encode("가".repeat(135), 2, 1)).isNull();
        assertThat(SmsEncoder.encode("a".repeat(161), 1, 1)).isNull();
    }
}
