package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DirectoryBatch;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.Explanation;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.connector.smpp.SmppEngineSettings;
import io.dispatch.connector.smpp.SmscSimulator;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.AdminHttp;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.Snapshots;
import io.dispatch.testing.Statuses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chat → SMS fallback of a directory recipient's chat key goes to the directory's phone: real engine on loopback,
 * real client, the smpp connector against a loopback SMSC that records each submit_sm's destination; the simulated
 * chat provider answers NOT_CHANNEL_USER for {@code nochat…} recipients.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FallbackReaddressIT
{
    private static final String CHAT_KEY = "nochat-key-u1";
    private static final String PHONE = "01055550001";
    private static final String PHONELESS_KEY = "nochat-key-u2";

    @TempDir
    Path dir;

    @Test
    void shouldTextTheDirectoryPhoneOfAChatKeyAndSuppressWhenThereIsNone() throws Exception
    {
        try (SmscSimulator smsc = new SmscSimulator("esme", "secret");
            Dispatcher engine = EngineFixture.launch(settings(smsc.port()));
            DispatchClient c = connect(engine.port()))
        {
            directory(c);
            final Explanation explained = c.explain(notice(CHAT_KEY)).get(10, TimeUnit.SECONDS);
            assertThat(explained.fallbackChannel()).isEqualTo(ChannelType.SMS);
            assertThat(explained.fallbackDecision()).as("%s", explained).isEqualTo(Decision.SEND);
            assertThat(explained.fallbackAddress()).as("--explain shows where it would go").isEqualTo(PHONE);
            final Explanation none = c.explain(notice(PHONELESS_KEY)).get(10, TimeUnit.SECONDS);
            assertThat(none.fallbackDecision()).as("%s", none).isEqualTo(Decision.SUPPRESS);
            assertThat(none.fallbackReason()).isEqualTo(Reason.UNKNOWN_RECIPIENT);
            assertThat(none.fallbackAddress()).isNull();

            final long id = submit(c, CHAT_KEY);
            final StatusResult r = Statuses.awaitTerminal(c, id);
            assertThat(r.state()).as("%s", r).isEqualTo(DeliveryState.DELIVERED);
            assertThat(r.channel()).as("%s", r).isEqualTo(ChannelType.SMS);
            assertThat(smsc.submitsTo(PHONE)).as("texted to the directory's phone").isEqualTo(1);
            assertThat(smsc.submitsTo(CHAT_KEY)).as("never to the chat key").isZero();
            final String history = AdminHttp.get(engine.adminPort(), dir.resolve("data"), "/messages/" + id + "/history").body();
            assertThat(history).as("the journal shows where it went")
                .contains("\"state\":\"RETRYING\"", "\"channel\":\"sms\"", "\"reason\":\"NOT_CHANNEL_USER\"",
                    "\"address\":\"" + PHONE + "\"");

            final StatusResult phoneless = Statuses.awaitTerminal(c, submit(c, PHONELESS_KEY));
            assertThat(phoneless.state()).as("%s", phoneless).isEqualTo(DeliveryState.SUPPRESSED);
            assertThat(phoneless.reason()).as("%s", phoneless).isEqualTo(Reason.UNKNOWN_RECIPIENT);
            assertThat(phoneless.channel()).as("%s", phoneless).isEqualTo(ChannelType.SMS);
            assertThat(smsc.submitsTo(PHONELESS_KEY)).isZero();
            assertThat(smsc.submits()).as("one SMS in all").isEqualTo(1);
        }
    }

    @Test
    void shouldTextTheDirectoryPhoneAfterARestartWhileTheFallbackWasOwed() throws Exception
    {
        try (SmscSimulator smsc = new SmscSimulator("esme", "secret"))
        {
            final long id;
            smsc.throttleNext(Integer.MAX_VALUE);
            try (Dispatcher engine = EngineFixture.launch(settings(smsc.port()));
                DispatchClient c = connect(engine.port()))
            {
                directory(c);
                id = submit(c, CHAT_KEY);
                awaitTrue(() -> smsc.throttled() > 0, "the fallback was tried on sms, and throttled");
                final StatusResult moved = c.status(id).get(10, TimeUnit.SECONDS);
                assertThat(moved.channel()).as("%s", moved).isEqualTo(ChannelType.SMS);
                assertThat(moved.state().isTerminal()).as("%s", moved).isFalse();
            }
            smsc.throttleNext(0);
            final int throttled = smsc.throttled();
            try (Dispatcher engine = EngineFixture.launch(settings(smsc.port()));
                DispatchClient c = connect(engine.port()))
            {
                final StatusResult r = Statuses.awaitTerminal(c, id);
                assertThat(r.state()).as("%s", r).isEqualTo(DeliveryState.DELIVERED);
                assertThat(smsc.submitsTo(PHONE)).as("recovery sends it to the phone, once accepted")
                    .isEqualTo(smsc.throttled() + 1);
                assertThat(smsc.throttled()).as("the throttled tries were before the restart").isEqualTo(throttled);
                assertThat(smsc.submitsTo(CHAT_KEY)).isZero();
            }
        }
    }

    @Test
    void shouldTextTheDirectoryPhoneAfterAStartFromASnapshotWhileTheFallbackWasOwed() throws Exception
    {
        try (SmscSimulator smsc = new SmscSimulator("esme", "secret"))
        {
            final long id;
            smsc.throttleNext(Integer.MAX_VALUE);
            try (Dispatcher engine = EngineFixture.launch(settings(smsc.port()));
                DispatchClient c = connect(engine.port()))
            {
                directory(c);
                id = submit(c, CHAT_KEY);
                awaitTrue(() -> smsc.throttled() > 0, "the fallback was tried on sms, and throttled");
            }
            // still throttled: this start's snapshot (taken once ready) covers the ADDRESS record and the move
            try (Dispatcher engine = EngineFixture.launch(settings(smsc.port())))
            {
                Snapshots.awaitOne(dir.resolve("data"));
            }
            smsc.throttleNext(0);
            try (Dispatcher engine = EngineFixture.launch(settings(smsc.port()));
                DispatchClient c = connect(engine.port()))
            {
                final StatusResult r = Statuses.awaitTerminal(c, id);
                assertThat(r.state()).as("%s", r).isEqualTo(DeliveryState.DELIVERED);
                assertThat(smsc.submitsTo(PHONE)).as("the address came back from the snapshot")
                    .isEqualTo(smsc.throttled() + 1);
                assertThat(smsc.submitsTo(CHAT_KEY)).isZero();
            }
        }
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime()).as("within 30 s: %s", what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void directory(final DispatchClient c) throws Exception
    {
        final DirectoryBatch batch = new DirectoryBatch();
        batch.add(new DirectoryOpWriter().upsert("u1").string("phone", PHONE).string("chat_key", CHAT_KEY).toBytes());
        batch.add(new DirectoryOpWriter().upsert("u2").string("chat_key", PHONELESS_KEY).toBytes());
        final var result = c.updateDirectory(batch).get(10, TimeUnit.SECONDS);
        assertThat(result.applied()).as("%s", result.rejections()).isEqualTo(2);
    }

    private static long submit(final DispatchClient c, final String to) throws Exception
    {
        return c.submit(notice(to)).get(10, TimeUnit.SECONDS).messageId();
    }

    private static Submit notice(final String to)
    {
        return Submit.builder().kind(MessageKind.INFORMATIONAL).channel(ChannelType.CHAT).to(to).text("order 42 shipped")
            .build();
    }

    private static DispatchClient connect(final int port)
    {
        return DispatchClient.connect(ClientConfig.builder().port(port).tenant("demo").apiKey("demo-key").build());
    }

    private Settings settings(final int smscPort) throws Exception
    {
        final Path password = dir.resolve("smsc.password");
        Files.writeString(password, "secret");
        return SmppEngineSettings.of(dir.resolve("data"), smscPort, "esme", password)
            .set("lane.sms.connector.reconnectInitialMs", "50")
            .set("lane.chat.fallback", "sms");
    }
}
