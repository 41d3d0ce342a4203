package io.dispatch.bench.policy;

import io.dispatch.bench.SubmitSamples;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.policy.DedupIndex;
import io.dispatch.policy.PolicyEngine;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.stage.DedupHandler;
import io.dispatch.stage.PolicyHandler;
import io.dispatch.status.Counters;
import io.dispatch.status.PolicyRates;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.concurrent.CachedEpochClock;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The policy part of the ring's journal thread, without the journal: {@link DedupHandler} then
 * {@link PolicyHandler} on one reused {@link DispatchEvent}, followed by what the journal stage does to the
 * policy state of an accepted SUBMIT (record its idempotency key in the dedup index). Each {@link #submit}
 * fills the event as {@code RequestAdapter} does, with a new idempotency key and the next message of the
 * {@link PolicyWorkload} stream (its recipient's digits are written into the body, so the stages hash the
 * recipient from the bytes as in production). The dedup index holds {@code dedupKeys} live keys: its
 * horizon is {@code dedupKeys /} {@value PolicyWorkload#MESSAGES_PER_MS} ms, and it is filled before the start.
 * <p>
 * Left out: the journal append itself ({@code RingJournalBenchmark}), and the deferred-message set the
 * journal stage adds DEFERs to (deferrals are rare here). Not thread-safe.
 */
public final class PolicyStageDriver
{
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int DIGITS_OFFSET =
        SubmitDescriptor.FIXED_LENGTH + 1 + SubmitSamples.KEY_LENGTH + PolicyWorkload.DIGITS_AT;

    private final PolicyWorkload workload;
    private final DispatchEvent event = new DispatchEvent();
    private final CachedEpochClock epochClock = new CachedEpochClock();
    private final MessageClock clock;
    private final DedupIndex dedup;
    private final DedupHandler dedupStage;
    private final PolicyHandler policyStage;
    private final PolicyEngine engine;
    private long nextKey;
    private long sequence;
    private int cursor;

    public PolicyStageDriver(final PolicyWorkload workload, final int dedupKeys)
    {
        this.workload = workload;
        this.engine = workload.newEngine();
        final long startMs = workload.startMs();
        clock = new MessageClock(startMs);
        dedup = new DedupIndex(Math.max(1, dedupKeys / PolicyWorkload.MESSAGES_PER_MS));
        dedupStage = new DedupHandler(dedup, null, epochClock);
        policyStage = new PolicyHandler(engine, dedup, epochClock, new Counters(),
            new PolicyRates(PolicyWorkload.TENANT_ID + 1));

        final ByteBuf template = Unpooled.buffer(512);
        final byte[] address = new byte[PolicyWorkload.ADDRESS_LENGTH + 1];
        PolicyWorkload.address(0, address);
        final String recipient = new String(address, 1, PolicyWorkload.ADDRESS_LENGTH, StandardCharsets.US_ASCII);
        final int length = ByteBufFrames.submitBody(template, MessageKind.INFORMATIONAL, ChannelType.SMS, 0, SubmitSamples.KEY,
            recipient, SubmitSamples.TEMPLATE_ID, null, SubmitSamples.vars(SubmitSamples.TEMPLATE));
        event.bodyLength = length;
        template.getBytes(0, event.ensureBodyCapacity(length), 0, length);

        // dedupKeys earlier messages, spread over the horizon before the start
        for (long k = 0; k < dedupKeys; k++)
        {
            LONG_LE.set(event.body, SubmitSamples.KEY_OFFSET, k);
            final long hash = DedupIndex.hash(
                PolicyWorkload.TENANT_ID, event.body, SubmitSamples.KEY_OFFSET, SubmitSamples.KEY_LENGTH);
            dedup.record(hash, k, startMs - (dedupKeys - k) / PolicyWorkload.MESSAGES_PER_MS);
        }
        nextKey = dedupKeys;
        sequence = dedupKeys;
    }

    /** One new SUBMIT through dedup and policy. @return its decision code. */
    public byte submit()
    {
        final int i = cursor++ & PolicyWorkload.STREAM_MASK;
        epochClock.update(clock.next());
        final DispatchEvent e = event;
        e.type = DispatchEvent.SUBMIT;
        e.tenantId = PolicyWorkload.TENANT_ID;
        e.kind = workload.kind(i);
        e.channel = workload.channel(i);
        e.dryRun = false;
        e.outcome = DispatchEvent.OUTCOME_ACCEPTED;
        e.sendAtMs = 0;
        e.keyHash = 0;
        e.decision = 0;
        e.reason = 0;
        e.dueAtMs = 0;
        e.prepaid = false;
        LONG_LE.set(e.body, SubmitSamples.KEY_OFFSET, nextKey++);
        LONG_LE.set(e.body, DIGITS_OFFSET, workload.digits(i));

        dedupStage.onEvent(e, sequence, true);
        policyStage.onEvent(e, sequence, true);
        if (e.outcome == DispatchEvent.OUTCOME_ACCEPTED && e.keyHash != 0)
        {
            dedup.record(e.keyHash, sequence, e.acceptedAtMs);
        }
        sequence++;
        return e.decision;
    }

    public DispatchEvent event()
    {
        return event;
    }

    public PolicyEngine engine()
    {
        return engine;
    }

    public int dedupSize()
    {
        return dedup.size();
    }
}
