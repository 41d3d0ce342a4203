package io.dispatch.connector.smsrelay;

import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;

import static org.assertj.core.api.Assertions.assertThat;

/** EUC-KR lengths as the relays count them, checked against the JDK's own encoder. */
class SmsTextTest
{
    private static final Charset EUC_KR = Charset.forName("EUC-KR");

    @Test
    void shouldCountLikeTheEncoderForEveryCharItEncodes()
    {
        final SmsText text = new SmsText();
        for (char c = 1; c < 0xFFFF; c++)
        {
            final String s = String.valueOf(c);
            final boolean encodable = !Character.isSurrogate(c) && EUC_KR.newEncoder().canEncode(c);
            assertThat(text.length(s)).as("U+%04X", (int)c)
                .isEqualTo(encodable ? s.getBytes(EUC_KR).length : SmsText.NOT_ENCODABLE);
        }
    }

    @Test
    void shouldMeasureMixedTextAndRefuseEmoji()
    {
        assertThat(SmsText.eucKrLength("[가게] 주문 123")).isEqualTo(15);
        assertThat(SmsText.eucKrLength("가".repeat(45))).isEqualTo(90);
        assertThat(SmsText.eucKrLength("안녕 😀")).isEqualTo(SmsText.NOT_ENCODABLE);
        assertThat(SmsText.eucKrLength("똠")).as("outside KS X 1001").isEqualTo(SmsText.NOT_ENCODABLE);
    }

    @Test
    void shouldCutPartsAndTitlesOnCharacterBoundaries()
    {
        final String body = "a" + "가".repeat(50);
        final int end = SmsText.fit(body, 0, SmsText.SMS_BYTES);
        assertThat(end).isEqualTo(45);  // 1 + 44 × 2 = 89 bytes; one more Hangul would be 91
        assertThat(SmsText.titleFrom("첫 줄 제목\n본문")).isEqualTo("첫 줄 제목");
        assertThat(SmsText.eucKrLength(SmsText.titleFrom("제".repeat(30)))).isEqualTo(40);
    }
}
