package io.dispatch.connector.smpp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.jsmpp.PDUStringException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.util.DefaultDecomposer;
import org.jsmpp.util.PDUDecomposer;

import java.nio.ByteBuffer;

/**
 * What an SMSC can send the connector, fuzzed: PDU bodies decoded by jSMPP's decomposer as the session does,
 * and every decoded deliver_sm read by our receipt parser ({@link DeliveryReceipts}), which must give a receipt
 * with an id or null, never throw. In the connector's package because the parser is package-private.
 * <p>
 * jSMPP's outcomes for a bad body: PDUStringException (the session answers generic_nack) and, for a body cut
 * short, a RuntimeException from its byte reader (jSMPP 3.0.2's PDU task catches only IOException, so that PDU
 * goes unanswered and the session carries on; docs/security.md). Both are accepted here as jSMPP's; anything
 * thrown by our code, any Error, or a hang is a finding.
 */
class SmppPduFuzzTest
{
    private static final PDUDecomposer DECOMPOSER = DefaultDecomposer.getInstance();
    /** Commands an SMSC sends to a transceiver: answers to ours, and its own requests. */
    private static final int[] COMMANDS = {
        SMPPConstant.CID_SUBMIT_SM_RESP, SMPPConstant.CID_BIND_TRANSCEIVER_RESP, SMPPConstant.CID_ENQUIRE_LINK,
        SMPPConstant.CID_ENQUIRE_LINK_RESP, SMPPConstant.CID_GENERIC_NACK, SMPPConstant.CID_UNBIND,
        SMPPConstant.CID_UNBIND_RESP, SMPPConstant.CID_DATA_SM, SMPPConstant.CID_ALERT_NOTIFICATION,
        SMPPConstant.CID_QUERY_SM_RESP};

    @FuzzTest(maxDuration = "60s")
    void deliverSm(final byte[] body)
    {
        final DeliverSm pdu;
        try
        {
            pdu = DECOMPOSER.deliverSm(pdu(SMPPConstant.CID_DELIVER_SM, body));
        }
        catch (final PDUStringException ex)
        {
            return;
        }
        catch (final RuntimeException ex)
        {
            requireJsmpp(ex);
            return;
        }
        final DeliveryReceipts.Receipt receipt = DeliveryReceipts.read(pdu);
        if (receipt != null && (receipt.providerId() == null || receipt.providerId().isEmpty()))
        {
            throw new AssertionError("a receipt without a provider id");
        }
    }

    @FuzzTest(maxDuration = "60s")
    void otherPdus(final byte[] input) throws Exception
    {
        if (input.length == 0)
        {
            return;
        }
        final int command = COMMANDS[(input[0] & 0xFF) % COMMANDS.length];
        final byte[] pdu = pdu(command, java.util.Arrays.copyOfRange(input, 1, input.length));
        try
        {
            switch (command)
            {
                case SMPPConstant.CID_SUBMIT_SM_RESP -> DECOMPOSER.submitSmResp(pdu).getMessageId();
                case SMPPConstant.CID_BIND_TRANSCEIVER_RESP -> DECOMPOSER.bindResp(pdu).getSystemId();
                case SMPPConstant.CID_ENQUIRE_LINK -> DECOMPOSER.enquireLink(pdu);
                case SMPPConstant.CID_ENQUIRE_LINK_RESP -> DECOMPOSER.enquireLinkResp(pdu);
                case SMPPConstant.CID_GENERIC_NACK -> DECOMPOSER.genericNack(pdu);
                case SMPPConstant.CID_UNBIND -> DECOMPOSER.unbind(pdu);
                case SMPPConstant.CID_UNBIND_RESP -> DECOMPOSER.unbindResp(pdu);
                case SMPPConstant.CID_DATA_SM -> DECOMPOSER.dataSm(pdu);
                case SMPPConstant.CID_ALERT_NOTIFICATION -> DECOMPOSER.alertNotification(pdu);
                default -> DECOMPOSER.querySmResp(pdu);
            }
        }
        catch (final PDUStringException ex)
        {
            // jSMPP's documented outcome for a bad C-octet string: the session answers generic_nack
        }
        catch (final RuntimeException ex)
        {
            requireJsmpp(ex);
        }
    }

    /** Rethrows unless the exception comes from jSMPP's own decoding (its first frame outside java.* is jSMPP's). */
    private static void requireJsmpp(final RuntimeException ex)
    {
        for (final StackTraceElement frame : ex.getStackTrace())
        {
            if (frame.getClassName().startsWith("java.") || frame.getClassName().startsWith("jdk."))
            {
                continue;
            }
            if (frame.getClassName().startsWith("org.jsmpp."))
            {
                return;
            }
            break;
        }
        throw ex;
    }

    /** The 16-byte header the session's PDU reader has already checked (length, command id), then the body. */
    private static byte[] pdu(final int commandId, final byte[] body)
    {
        return ByteBuffer.allocate(16 + body.length).putInt(16 + body.length).putInt(commandId).putInt(0).putInt(1)
            .put(body).array();
    }
}
