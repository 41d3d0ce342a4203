package io.dispatch.stage;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.config.PolicyConfig;
import io.dispatch.config.Settings;
import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantPolicy;
import io.dispatch.config.TenantRegistry;
import io.dispatch.connector.InboundEvent;
import io.dispatch.inbound.InboundPublisher;
import io.dispatch.journal.Journal;
import io.dispatch.journal.Recovery;
import io.dispatch.policy.DedupIndex;
import io.dispatch.policy.PolicyEngine;
import io.dispatch.policy.RecipientDirectory;
import io.dispatch.protocol.ChannelType;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.status.PolicyRates;
import io.dispatch.status.StatusTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journal and policy stages on an INBOUND slot, with a real journal: the observer (the conversation window's
 * hook) sees an event only once it is journaled, a redelivery not at all, and recovery hands every journaled event
 * back in order.
 */
class InboundStagesTest
{
    private static final long NOW = 1_800_000_000_000L;

    @TempDir
    Path dir;

    private final TenantRegistry tenants = new TenantRegistry(List.of(new TenantConfig(1, "acme", "k")));
    private final RingBuffer<DispatchEvent> ring = RingBuffer.createMultiProducer(DispatchEvent::new, 8);
    private final InboundPublisher publisher = new InboundPublisher(ring, new RingPort("inbound", 0), tenants);
    private final List<String> seen = new ArrayList<>();

    @Test
    void shouldTellTheObserverOfAJournaledEventOnceAndRecoveryOfEveryJournaledOne()
    {
        final PolicyHandler policy = new PolicyHandler(engine(), new DedupIndex(60_000), () -> NOW, new Counters(),
            new PolicyRates(2), PolicyHandler.Wiring.NONE.withObserver((tenantId, channel, recipientKey, to, kind, atMs) ->
            seen.add(tenantId + "/" + channel + "/" + to + "/" + kind + "/" + atMs + "/" + recipientKey)));
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            final JournalHandler stage = new JournalHandler(journal, false, new DedupIndex(60_000), tenants,
                new Counters(), new DistinctErrorLog(new Counters()), 60, null, policy);
            stage.onStart();
            final DispatchEvent first = publishAndJournal(stage, message("mid-1", NOW));
            assertThat(first.outcome).isEqualTo(DispatchEvent.OUTCOME_ACCEPTED);
            assertThat(first.messageId).as("its journal position").isPositive();
            assertThat(seen).hasSize(1);
            assertThat(seen.get(0)).startsWith("1/3/page-9/MESSAGE/" + NOW + "/");

            final DispatchEvent again = publishAndJournal(stage, message("mid-1", NOW + 5));
            assertThat(again.outcome).isEqualTo(DispatchEvent.OUTCOME_DUPLICATE);
            assertThat(seen).as("a redelivery is not seen again").hasSize(1);

            publishAndJournal(stage, message("mid-2", NOW + 10));
            assertThat(seen).hasSize(2);
            stage.onShutdown();
        }

        final List<String> recovered = new ArrayList<>();
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            new Recovery(new DedupIndex(60_000), new StatusTable(64), tenants, NOW, 60_000, 0, new Recovery.PolicySink()
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

                @Override
                public void inbound(final long index, final int tenantId, final long atMs, final byte[] body,
                    final int bodyLength)
                {
                    recovered.add(tenantId + "@" + atMs + ":" + new String(body, 0, bodyLength, StandardCharsets.UTF_8)
                        .contains("mid-"));
                }
            }).run(journal, new Recovery.Sink()
            {
                @Override
                public void pending(final long messageId, final byte channel, final byte kind, final int attempts,
                    final boolean uncertain)
                {
                }

                @Override
                public void awaitingReceipt(final long messageId, final byte channel, final byte kind,
                    final long providerAcceptedAtMs, final boolean uncertain)
                {
                }

                @Override
                public void deferred(final long messageId, final long dueAtMs, final long recipientKey,
                    final long deadlineMs, final int tenantId, final byte kind, final byte channel, final boolean prepaid,
                    final int consentOverride, final long campaignId)
                {
                }
            });
        }
        assertThat(recovered).containsExactly("1@" + NOW + ":true", "1@" + (NOW + 10) + ":true");
    }

    private DispatchEvent publishAndJournal(final JournalHandler stage, final InboundEvent event)
    {
        assertThat(publisher.offer(event)).isNotDone();
        final DispatchEvent e = ring.get(ring.getCursor());
        assertThat(e.type).isEqualTo(DispatchEvent.INBOUND);
        stage.onEvent(e, ring.getCursor(), true);
        return e;
    }

    private static InboundEvent message(final String id, final long at)
    {
        return new InboundEvent(InboundEvent.Kind.MESSAGE, "acme", ChannelType.CHAT, "psid-1", "page-9", 0, "hello",
            "{}", id, at);
    }

    private static PolicyEngine engine()
    {
        final Properties p = new Properties();
        p.setProperty("tenants", "acme");
        p.setProperty("tenant.acme.apiKey", "k");
        final Settings s = new Settings(p);
        final TenantPolicy[] policies = new TenantPolicy[2];
        policies[1] = TenantPolicy.read(s, "acme");
        return new PolicyEngine(PolicyConfig.read(s), policies, new RecipientDirectory(), NOW);
    }
}
