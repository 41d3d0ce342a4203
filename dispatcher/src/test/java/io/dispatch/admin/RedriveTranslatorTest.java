package io.dispatch.admin;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantRegistry;
import io.dispatch.journal.AcceptedRecord;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;
import io.dispatch.ring.SlotSentinels;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A redrive's copy of a dead letter, published into a slot that last carried some other event, is a fresh SUBMIT. */
class RedriveTranslatorTest
{
    @Test
    void shouldFillTheCopyFromScratchUnderItsRedriveKey()
    {
        final RingBuffer<DispatchEvent> ring = RingBuffer.createMultiProducer(DispatchEvent::new, 4);
        SlotSentinels.dirty(ring.get(0));
        final AcceptedRecord r = new AcceptedRecord();
        final byte[] tenant = "acme".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tenant, 0, r.tenantName, 0, tenant.length);
        r.tenantNameLength = tenant.length;
        r.kind = MessageKind.INFORMATIONAL.code();
        r.channel = ChannelType.SMS.code();
        final byte[] rest = {3, '0', '1', '0'};
        final int keyAt = SubmitDescriptor.FIXED_LENGTH;
        r.body[keyAt] = 2;
        r.body[keyAt + 1] = 'k';
        r.body[keyAt + 2] = '1';
        System.arraycopy(rest, 0, r.body, keyAt + 3, rest.length);
        r.bodyLength = keyAt + 3 + rest.length;
        final byte[] key = "redrive:7".getBytes(StandardCharsets.US_ASCII);

        final long sequence = new RingPort("redrive", 0).tryPublish(ring, RedriveRoute.REDRIVE, r, key,
            new TenantRegistry(List.of(new TenantConfig(1, "acme", "k"))));

        final DispatchEvent e = ring.get(sequence);
        assertThat(e.type).isEqualTo(DispatchEvent.SUBMIT);
        assertThat(e.tenantId).isEqualTo(1);
        assertThat(e.channel).isEqualTo(ChannelType.SMS.code());
        assertThat(new String(e.body, keyAt + 1, e.body[keyAt], StandardCharsets.US_ASCII)).isEqualTo("redrive:7");
        assertThat(e.bodyLength).isEqualTo(keyAt + 1 + key.length + rest.length);
        assertThat(SlotSentinels.stale(e)).isEmpty();
    }
}
