package io.dispatch.it;

import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReader;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.testing.ChildEngine;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.TargetingFrames;
import io.dispatch.testing.TargetingFrames.CampaignResult;
import io.dispatch.testing.TargetingFrames.DirectoryResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A paced campaign is killed with SIGKILL in the middle of its fan-out. After a restart it finishes, and the
 * message journal holds exactly one message per audience member: nobody is skipped, nobody gets it twice.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CampaignKillRecoveryIT
{
    private static final int RECIPIENTS = 3000;
    private static final byte[] SMS = {ChannelType.SMS.code()};

    @TempDir
    Path dir;

    @Test
    void shouldFinishAKilledCampaignWithoutSendingAnyoneTwice() throws Exception
    {
        final String[] args = {"--set", "template.promo=" + CampaignIT.TEMPLATE, "--set", "lane.sms.capacity=16384"};
        try (ChildEngine child = ChildEngine.start(dir, args);
             RawConnection c = RawConnection.open(child.port(), "demo", "demo-key"))
        {
            for (int batch = 0; batch < RECIPIENTS / 1000; batch++)
            {
                final List<byte[]> ops = new ArrayList<>();
                for (int i = batch * 1000; i < (batch + 1) * 1000; i++)
                {
                    ops.add(new DirectoryOpWriter().upsert("m" + i).string("gender", "F")
                        .string("phone", String.format("0107777%04d", i)).consentField("sms", 3, 0, 0, "app").toBytes());
                }
                final int corr = batch + 1;
                c.send(b -> TargetingFrames.directoryUpdate(b, corr, ops));
                assertThat(DirectoryResult.of(c.read()).applied()).isEqualTo(1000);
            }
            c.send(b -> TargetingFrames.campaign(b, 10, false, 1000, 0, "flash", "", SMS, "gender = 'F'",
                1, "promo"));
            final CampaignResult started = CampaignResult.of(c.read());
            assertThat(started.counter(CampaignDescriptor.COUNTER_TARGETED)).isEqualTo(RECIPIENTS);
            Thread.sleep(1200);
            child.kill();
            assertThat(child.awaitExit(10_000)).isTrue();
        }

        try (ChildEngine child = ChildEngine.start(dir, args);
             RawConnection c = RawConnection.open(child.port(), "demo", "demo-key"))
        {
            final long end = System.currentTimeMillis() + 60_000;
            CampaignResult r;
            long corr = 100;
            do
            {
                final long id = corr++;
                c.send(b -> TargetingFrames.stats(b, id, 0, "flash"));
                r = CampaignResult.of(c.read());
                Thread.sleep(50);
            }
            while (r.state() != CampaignDescriptor.STATE_FANNED_OUT && System.currentTimeMillis() < end);
            assertThat(r.state()).as("stats %s", r).isEqualTo(CampaignDescriptor.STATE_FANNED_OUT);
            assertThat(r.counter(CampaignDescriptor.COUNTER_TARGETED)).isEqualTo(RECIPIENTS);
            // journaled messages, counted again from the journal after the restart; re-published ones are duplicates
            assertThat(r.counter(CampaignDescriptor.COUNTER_FANNED_OUT)).isEqualTo(RECIPIENTS);
        }

        final Map<String, Integer> byKey = new HashMap<>();
        try (Journal journal = new Journal(dir.resolve("journal"), "FAST_DAILY"); JournalReader reader = journal.newReader())
        {
            reader.scanFromStart(new JournalReader.Visitor()
            {
                @Override
                public void onAccepted(final long messageId, final AcceptedRecord r)
                {
                    if (r.campaignId != 0)
                    {
                        final int keyLength = r.body[SubmitDescriptor.FIXED_LENGTH] & 0xFF;
                        byKey.merge(new String(r.body, SubmitDescriptor.FIXED_LENGTH + 1, keyLength,
                            StandardCharsets.US_ASCII), 1, Integer::sum);
                    }
                }

                @Override
                public void onState(final long messageId, final byte state, final byte attempts, final byte channel,
                    final short reason, final long atMs)
                {
                }
            }, new AcceptedRecord());
        }
        assertThat(byKey).hasSize(RECIPIENTS);
        assertThat(byKey.values()).containsOnly(1);
    }
}
