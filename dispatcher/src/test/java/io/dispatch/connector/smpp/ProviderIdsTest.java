package io.dispatch.connector.smpp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Canonical keys of SMSC message ids, per configured base. */
class ProviderIdsTest
{
    @Test
    void shouldWriteEveryNumberAsItsValueInLowerCaseHex()
    {
        final ProviderIds hexDecimal = ProviderIds.parse("hex-decimal");
        assertThat(hexDecimal.submitKeys("00001A2B")).containsExactly("1a2b");
        assertThat(hexDecimal.receiptKeys("6699")).containsExactly("1a2b");
        final ProviderIds decimalHex = ProviderIds.parse("decimal-hex");
        assertThat(decimalHex.submitKeys("6699")).containsExactly("1a2b");
        assertThat(decimalHex.receiptKeys("1A2B")).containsExactly("1a2b");
        assertThat(ProviderIds.parse("decimal").receiptKeys("18446744073709551615")).containsExactly("ffffffffffffffff");
    }

    @Test
    void shouldKeepWhatIsNotANumberInItsBaseAsWritten()
    {
        assertThat(ProviderIds.parse("decimal").submitKeys("1a2b")).containsExactly("1a2b");
        assertThat(ProviderIds.parse("hex").submitKeys("0118Z-0122I")).containsExactly("0118Z-0122I");
        assertThat(ProviderIds.parse("hex").submitKeys("12345678901234567")).as("beyond 64 bits")
            .containsExactly("12345678901234567");
        assertThat(ProviderIds.parse("decimal").submitKeys("18446744073709551616")).containsExactly("18446744073709551616");
        assertThat(ProviderIds.parse("text").submitKeys("00AB")).containsExactly("00AB");
        assertThat(ProviderIds.parse("decimal").submitKeys("١٢٣")).as("only ASCII digits").containsExactly("١٢٣");
    }

    @Test
    void shouldGiveAnAutoIdOfDecimalDigitsBothReadingsHexFirst()
    {
        assertThat(ProviderIds.AUTO.submitKeys("65536")).containsExactly("65536", "10000");
        assertThat(ProviderIds.AUTO.receiptKeys("ff01")).containsExactly("ff01");
        assertThat(ProviderIds.AUTO.receiptKeys("7")).containsExactly("7");
        assertThat(ProviderIds.AUTO.receiptKeys("msg-7")).containsExactly("msg-7");
    }

    @Test
    void shouldHaveNoKeyForAnEmptyOrMissingId()
    {
        assertThat(ProviderIds.AUTO.submitKeys(null)).isEmpty();
        assertThat(ProviderIds.AUTO.submitKeys("")).isEmpty();
        assertThat(ProviderIds.parse("text").submitKeys("  ")).isEmpty();
    }

    @Test
    void shouldNameTheSettingForAnUnknownValue()
    {
        assertThatThrownBy(() -> ProviderIds.parse("base64")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("messageIds: 'base64' is not auto");
    }
}
