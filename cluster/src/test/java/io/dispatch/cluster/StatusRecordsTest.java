package io.dispatch.cluster;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class StatusRecordsTest
{
    private static final byte[] DEMO = "demo".getBytes(StandardCharsets.UTF_8);

    @Test
    void aStateChangeReadsBackAsWritten()
    {
        final long id = ClusterMessageIds.of(5, 1234);
        final byte[] value = StatusRecords.value(StatusRecords.STATE, id, 0, (byte)3, (byte)2, (short)41, 1_700_000_000_000L,
            (byte)1, (byte)2, DEMO);
        final StatusRecords.Decoded d = new StatusRecords.Decoded();
        assertThat(d.wrap(value)).isNull();
        assertThat(d.type).isEqualTo(StatusRecords.STATE);
        assertThat(d.id).isEqualTo(id);
        assertThat(d.origin).isZero();
        assertThat(d.state).isEqualTo((byte)3);
        assertThat(d.attempts).isEqualTo((byte)2);
        assertThat(d.reason).isEqualTo((short)41);
        assertThat(d.atMs).isEqualTo(1_700_000_000_000L);
        assertThat(d.channel).isEqualTo((byte)1);
        assertThat(d.kind).isEqualTo((byte)2);
        assertThat(d.tenant).isEqualTo("demo");
    }

    @Test
    void aBrokenValueIsNamedNotThrown()
    {
        final StatusRecords.Decoded d = new StatusRecords.Decoded();
        assertThat(d.wrap(new byte[3])).contains("shorter");
        final byte[] value = StatusRecords.value(StatusRecords.STATE, 1, 0, (byte)3, (byte)0, (short)0, 0, (byte)1,
            (byte)1, DEMO);
        value[0] = 9;
        assertThat(d.wrap(value)).contains("type 9");
        final byte[] cut = StatusRecords.value(StatusRecords.STATE, 1, 0, (byte)3, (byte)0, (short)0, 0, (byte)1,
            (byte)1, DEMO);
        assertThat(d.wrap(java.util.Arrays.copyOf(cut, cut.length - 1))).contains("tenant name length");
    }

    @Test
    void aForwardedCancelIsToldApartFromASubmitAndReadsBack()
    {
        final long id = ClusterMessageIds.of(2, 77);
        final byte[] value = CancelRecords.value(id, 0x55L, 9, DEMO);
        assertThat(CancelRecords.isCancel(value)).isTrue();
        assertThat(CancelRecords.isCancel(ClusterRecords.value(DEMO, (byte)1, (byte)1, 0, new byte[0], 0))).isFalse();
        final CancelRecords.Decoded d = new CancelRecords.Decoded();
        assertThat(d.wrap(value)).isNull();
        assertThat(d.clusterId).isEqualTo(id);
        assertThat(d.origin).isEqualTo(0x55L);
        assertThat(d.request).isEqualTo(9);
        assertThat(d.tenant).isEqualTo("demo");
        assertThat(d.wrap(java.util.Arrays.copyOf(value, 10))).contains("cancel record");
    }
}
