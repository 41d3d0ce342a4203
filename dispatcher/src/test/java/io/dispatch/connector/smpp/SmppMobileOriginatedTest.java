package io.dispatch.connector.smpp;

import io.dispatch.connector.InboundEvent;
import io.dispatch.protocol.ChannelType;
import org.jsmpp.SMPPConstant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deliver_sm that is not a receipt, from the SMSC simulator over a real bind: decoded per data_coding and handed to
 * the inbound path; deliver_sm_resp is ESME_ROK only once the engine says journaled, ESME_RX_T_APPN otherwise.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SmppMobileOriginatedTest
{
    @TempDir
    Path dir;
    private SmscSimulator smsc;
    private SmppConnector connector;
    private CapturingLane lane;
    private final LinkedBlockingQueue<InboundEvent> offered = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception
    {
        smsc = new SmscSimulator("esme", "secret");
        lane = new CapturingLane(dir.resolve("connector"));
        lane.inbound = event ->
        {
            offered.add(event);
            return CompletableFuture.completedFuture(!event.text().startsWith("refuse"));
        };
        final Path password = dir.resolve("smsc.password");
        Files.writeString(password, "secret\n", StandardCharsets.US_ASCII);
        final SmppConnectorTest.Config c = new SmppConnectorTest.Config();
        c.put("host", "127.0.0.1");
        c.put("port", Integer.toString(smsc.port()));
        c.put("systemId", "esme");
        c.put("passwordFile", password.toString());
        c.put("sourceAddr", "1588");
        c.put("moTenant", "demo");
        connector = new SmppConnector(SmppSettings.parse(c));
        connector.start(lane);
    }

    @AfterEach
    void stop() throws Exception
    {
        connector.stop();
        smsc.close();
    }

    private InboundEvent next() throws InterruptedException
    {
        final InboundEvent e = offered.poll(10, TimeUnit.SECONDS);
        assertThat(e).as("an MO handed to the inbound path").isNotNull();
        return e;
    }

    @Test
    void shouldHandEachMoToTheInboundPathDecodedByItsDataCoding() throws Exception
    {
        assertThat(smsc.sendMo("01055550001", "1588", (byte)0x08, (byte)0, "네 확인했어요".getBytes(StandardCharsets.UTF_16BE)))
            .isZero();
        final InboundEvent ucs2 = next();
        assertThat(ucs2.kind()).isEqualTo(InboundEvent.Kind.MESSAGE);
        assertThat(ucs2.tenant()).isEqualTo("demo");
        assertThat(ucs2.channel()).isEqualTo(ChannelType.SMS);
        assertThat(ucs2.from()).isEqualTo("01055550001");
        assertThat(ucs2.to()).isEqualTo("1588");
        assertThat(ucs2.inReplyTo()).isZero();
        assertThat(ucs2.text()).isEqualTo("네 확인했어요");
        assertThat(ucs2.payload()).contains("\"dataCoding\":8");

        assertThat(smsc.sendMo("01055550002", "1588", (byte)0x0E, (byte)0,
            "수신거부".getBytes(Charset.forName("EUC-KR")))).isZero();
        assertThat(next().text()).as("KS C 5601").isEqualTo("수신거부");

        assertThat(smsc.sendMo("01055550003", "1588", (byte)0x00, (byte)0, "STOP".getBytes(StandardCharsets.US_ASCII)))
            .isZero();
        assertThat(next().text()).isEqualTo("STOP");

        final byte[] part = {0x05, 0x00, 0x03, 0x2A, 0x02, 0x01, 'h', 'e', 'l', 'l', 'o'};
        assertThat(smsc.sendMo("01055550004", "1588", (byte)0x00, SmsEncoder.ESM_CLASS_UDHI, part)).isZero();
        final InboundEvent first = next();
        assertThat(first.text()).as("the UDH cut off").isEqualTo("hello");
        assertThat(first.payload()).contains("\"udh\":\"0500032a0201\"");
    }

    @Test
    void shouldAnswerRxTAppnWhenTheEngineDidNotJournalIt() throws Exception
    {
        assertThat(smsc.sendMo("01055550001", "1588", (byte)0x00, (byte)0, "refuse me".getBytes(StandardCharsets.US_ASCII)))
            .isEqualTo(SMPPConstant.STAT_ESME_RX_T_APPN);
        assertThat(next().text()).isEqualTo("refuse me");
    }
}
