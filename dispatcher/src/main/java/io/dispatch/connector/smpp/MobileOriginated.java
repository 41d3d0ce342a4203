package io.dispatch.connector.smpp;

import io.dispatch.connector.InboundEvent;
import io.dispatch.protocol.ChannelType;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.OptionalParameter;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A deliver_sm that is not a delivery receipt (esm_class without the receipt bits): a user's SMS to one of our
 * numbers, as an {@link InboundEvent.Kind#MESSAGE}. The text is decoded per data_coding (SMPP 3.4 §5.2.19): 0 the
 * SMSC default alphabet (taken as ASCII octets, as this connector sends it), 1 IA5 (ASCII), 3 Latin-1, 8 UCS2,
 * 14 KS C 5601 (the Korean carriers' coding; read as MS949, its superset); anything else (binary, WAP) has no text
 * and is passed on in the payload as hex. A UDH (esm_class UDHI) is cut off; the parts of a concatenated MO reach
 * upstream as separate messages, each with its UDH's reference and part number in the payload. Stateless.
 */
final class MobileOriginated
{
    private static final Charset KS_C_5601 = Charset.isSupported("x-windows-949") ?
        Charset.forName("x-windows-949") : Charset.forName("EUC-KR");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private MobileOriginated()
    {
    }

    static InboundEvent read(final DeliverSm pdu, final String tenant, final long nowMs)
    {
        byte[] message = pdu.getShortMessage();
        if ((message == null || message.length == 0) &&
            pdu.getOptionalParameter(OptionalParameter.Tag.MESSAGE_PAYLOAD) instanceof OptionalParameter.OctetString p)
        {
            message = p.getValue();
        }
        if (message == null)
        {
            message = new byte[0];
        }
        int from = 0;
        String udh = "";
        if ((pdu.getEsmClass() & SmsEncoder.ESM_CLASS_UDHI) != 0 && message.length > 0)
        {
            final int udhLength = (message[0] & 0xFF) + 1;
            from = Math.min(udhLength, message.length);
            udh = ",\"udh\":\"" + hex(message, 0, from) + "\"";
        }
        final int coding = pdu.getDataCoding() & 0xFF;
        final Charset charset = charset(coding);
        final String text = charset == null ? "" : new String(message, from, message.length - from, charset);
        final String payload = "{\"dataCoding\":" + coding + ",\"esmClass\":" + (pdu.getEsmClass() & 0xFF) + udh +
            (charset == null ? ",\"data\":\"" + hex(message, from, message.length) + "\"" : "") + "}";
        return new InboundEvent(InboundEvent.Kind.MESSAGE, tenant, ChannelType.SMS, pdu.getSourceAddr(),
            pdu.getDestAddress(), 0, text, payload, "", nowMs);
    }

    /** @return the charset of a data_coding, null for one without text. */
    static Charset charset(final int dataCoding)
    {
        switch (dataCoding)
        {
            case 0x00:
            case 0x01:
                return StandardCharsets.US_ASCII;
            case 0x03:
                return StandardCharsets.ISO_8859_1;
            case 0x08:
                return StandardCharsets.UTF_16BE;
            case 0x0E:
                return KS_C_5601;
            default:
                return null;
        }
    }

    private static String hex(final byte[] b, final int from, final int to)
    {
        final StringBuilder sb = new StringBuilder((to - from) * 2);
        for (int i = from; i < to; i++)
        {
            sb.append(HEX[(b[i] >> 4) & 0xF]).append(HEX[b[i] & 0xF]);
        }
        return sb.toString();
    }
}
