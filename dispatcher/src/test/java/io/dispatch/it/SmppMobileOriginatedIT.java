package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.InboundMessage;
import io.dispatch.config.Settings;
import io.dispatch.connector.smpp.SmppEngineSettings;
import io.dispatch.connector.smpp.SmscSimulator;
import io.dispatch.protocol.ChannelType;
import io.dispatch.testing.EngineFixture;
import org.jsmpp.SMPPConstant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An SMS MO from the SMSC simulator through a real engine: deliver_sm_resp OK only once journaled, then the MO on the
 * tenant's inbound stream; refused (ESME_RX_T_APPN) when the engine cannot take it.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SmppMobileOriginatedIT
{
    @TempDir
    Path dir;

    private Settings settings(final int port, final String moTenant) throws Exception
    {
        final Path password = dir.resolve("smsc.password");
        Files.writeString(password, "secret");
        return SmppEngineSettings.of(dir, port, "esme", password)
            .set("lane.sms.connector.sourceAddr", "1588")
            .set("lane.sms.connector.moTenant", moTenant);
    }

    /** Binds are made asynchronously after start: retries the MO while no session is bound yet. */
    private static int sendMo(final SmscSimulator smsc, final String text) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true)
        {
            try
            {
                return smsc.sendMo("01055550001", "1588", (byte)0x08, (byte)0, text.getBytes(StandardCharsets.UTF_16BE));
            }
            catch (final IllegalStateException notBoundYet)
            {
                if (System.nanoTime() > deadline)
                {
                    throw notBoundYet;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        }
    }

    @Test
    void shouldJournalAnMoBeforeAnsweringItAndStreamItToTheTenant() throws Exception
    {
        try (SmscSimulator smsc = new SmscSimulator("esme", "secret"))
        {
            try (Dispatcher engine = EngineFixture.launch(settings(smsc.port(), "demo"));
                DispatchClient client = DispatchClient.connect(ClientConfig.builder().port(engine.port()).build()))
            {
                final LinkedBlockingQueue<InboundMessage> inbound = new LinkedBlockingQueue<>();
                client.subscribeInbound(DispatchClient.FROM_NOW, inbound::add).get(10, TimeUnit.SECONDS);
                assertThat(sendMo(smsc, "내일 배송 가능할까요?")).isZero();
                final InboundMessage mo = inbound.poll(10, TimeUnit.SECONDS);
                assertThat(mo).isNotNull();
                assertThat(mo.kind()).isEqualTo(InboundMessage.Kind.MESSAGE);
                assertThat(mo.channel()).isEqualTo(ChannelType.SMS);
                assertThat(mo.from()).isEqualTo("01055550001");
                assertThat(mo.to()).isEqualTo("1588");
                assertThat(mo.text()).isEqualTo("내일 배송 가능할까요?");
            }
            try (Dispatcher engine = EngineFixture.launch(settings(smsc.port(), "no-such-tenant")))
            {
                assertThat(sendMo(smsc, "hello")).as("refused: the SMSC delivers it again later")
                    .isEqualTo(SMPPConstant.STAT_ESME_RX_T_APPN);
            }
        }
    }
}
