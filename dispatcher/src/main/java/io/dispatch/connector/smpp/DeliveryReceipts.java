package io.dispatch.connector.smpp;

import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.OptionalParameter;

import java.nio.charset.StandardCharsets;

/**
 * Reads an SMSC delivery receipt ({@code deliver_sm} with esm_class receipt) into the provider message id and a
 * terminal state. The {@code receipted_message_id} and {@code message_state} TLVs win over the text
 * {@code id:… stat:… err:…}, whose layout varies by vendor; only the {@code id:} and {@code stat:} fields are
 * relied on. Stateless and thread-safe.
 */
final class DeliveryReceipts
{
    /** A parsed receipt; {@code state} is null for intermediate (ENROUTE, ACCEPTD) or unreadable states. */
    record Receipt(String providerId, DeliveryState state, Reason reason)
    {
    }

    private DeliveryReceipts()
    {
    }

    /** @return the receipt, or null when the PDU carries no message id. */
    static Receipt read(final DeliverSm deliverSm)
    {
        final byte[] sm = deliverSm.getShortMessage();
        final String text = sm == null ? "" : new String(sm, StandardCharsets.ISO_8859_1);
        String id = stringTlv(deliverSm.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID));
        if (id == null || id.isEmpty())
        {
            id = field(text, "id:");
        }
        if (id == null || id.isEmpty())
        {
            return null;
        }
        final OptionalParameter stateTlv = deliverSm.getOptionalParameter(OptionalParameter.Tag.MESSAGE_STATE);
        if (stateTlv instanceof OptionalParameter.Byte)
        {
            final int s = ((OptionalParameter.Byte)stateTlv).getValue();
            return fromMessageState(id, s);
        }
        return fromStat(id, field(text, "stat:"));
    }

    /** SMPP 3.4 message_state values (§5.2.28). */
    static Receipt fromMessageState(final String id, final int state)
    {
        switch (state)
        {
            case 2: return new Receipt(id, DeliveryState.DELIVERED, Reason.NONE);
            case 3: return new Receipt(id, DeliveryState.EXPIRED, Reason.RECIPIENT_UNREACHABLE);
            case 4: return new Receipt(id, DeliveryState.FAILED, Reason.UNDELIVERABLE);      // DELETED
            case 5: return new Receipt(id, DeliveryState.FAILED, Reason.UNDELIVERABLE);      // UNDELIVERABLE
            case 7: return new Receipt(id, DeliveryState.FAILED, Reason.UNDELIVERABLE);      // UNKNOWN
            case 8: return new Receipt(id, DeliveryState.FAILED, Reason.CONTENT_REJECTED);   // REJECTED
            default: return new Receipt(id, null, Reason.NONE);                             // ENROUTE, ACCEPTED, …
        }
    }

    /** The receipt text's {@code stat:} word (Appendix B). */
    static Receipt fromStat(final String id, final String stat)
    {
        if (stat == null)
        {
            return new Receipt(id, null, Reason.NONE);
        }
        switch (stat)
        {
            case "DELIVRD": return new Receipt(id, DeliveryState.DELIVERED, Reason.NONE);
            case "EXPIRED": return new Receipt(id, DeliveryState.EXPIRED, Reason.RECIPIENT_UNREACHABLE);
            case "DELETED":
            case "UNDELIV":
            case "UNKNOWN": return new Receipt(id, DeliveryState.FAILED, Reason.UNDELIVERABLE);
            case "REJECTD": return new Receipt(id, DeliveryState.FAILED, Reason.CONTENT_REJECTED);
            default: return new Receipt(id, null, Reason.NONE);
        }
    }

    /** @return the value after {@code name} up to the next space, or null; matches names case-insensitively. */
    static String field(final String text, final String name)
    {
        int at = -1;
        for (int i = 0; i + name.length() <= text.length(); i++)
        {
            if ((i == 0 || text.charAt(i - 1) == ' ') && text.regionMatches(true, i, name, 0, name.length()))
            {
                at = i + name.length();
                break;
            }
        }
        if (at < 0)
        {
            return null;
        }
        int end = at;
        while (end < text.length() && text.charAt(end) != ' ')
        {
            end++;
        }
        return text.substring(at, end);
    }

    private static String stringTlv(final OptionalParameter p)
    {
        if (p instanceof OptionalParameter.COctetString)
        {
            return ((OptionalParameter.COctetString)p).getValueAsString();
        }
        if (p instanceof OptionalParameter.OctetString)
        {
            // some SMSCs omit the NUL terminator
            final String s = ((OptionalParameter.OctetString)p).getValueAsString();
            final int nul = s.indexOf('\0');
            return nul < 0 ? s : s.substring(0, nul);
        }
        return null;
    }
}
