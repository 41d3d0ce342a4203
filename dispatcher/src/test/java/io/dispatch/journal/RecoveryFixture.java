package io.dispatch.journal;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantRegistry;
import io.dispatch.policy.DedupIndex;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.status.StatusTable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.List;

/** What the recovery tests share: a minimal SUBMIT body and a {@link Recovery} of tenant "demo" (id 1). */
final class RecoveryFixture
{
    /** A policy sink that keeps nothing: these tests look at what recovery hands the lanes. */
    static final Recovery.PolicySink NO_POLICY = new Recovery.PolicySink()
    {
        @Override
        public void sent(final int tenantId, final byte kind, final byte channel, final long recipientKey,
            final long atMs)
        {
        }

        @Override
        public void consent(final int tenantId, final byte[] body)
        {
        }

        @Override
        public void content(final long contentHash, final long messageId, final long atMs)
        {
        }
    };

    private RecoveryFixture()
    {
    }

    /** @return a SUBMIT body to "010" on {@code channel}: recovery reads the recipient from it for the policy state. */
    static byte[] submitBody(final ChannelType channel)
    {
        final ByteBuf b = Unpooled.buffer();
        final int n = ByteBufFrames.submitBody(b, MessageKind.INFORMATIONAL, channel, 60, "", "010", "", "hi", null);
        final byte[] out = new byte[n];
        b.getBytes(0, out);
        return out;
    }

    /** @param nowMs the time of the restart: receipt deadlines and TTLs are judged against it. */
    static Recovery recovery(final long nowMs)
    {
        return new Recovery(new DedupIndex(3_600_000), new StatusTable(1024),
            new TenantRegistry(List.of(new TenantConfig(1, "demo", "k"))), nowMs, 3_600_000, 0, NO_POLICY);
    }
}
