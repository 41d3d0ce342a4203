package io.dispatch.connector.kakao;

import io.dispatch.connector.DeliveryRequest;
import io.dispatch.json.Json;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.protocol.SubmitFlyweight;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Builds the NHN Cloud request body for one message (one recipient per request), checking locally what
 * NHN would refuse anyway so that bad input costs no round trip:
 * <ul>
 *   <li>informational → AlimTalk {@code …/messages}, auth → AlimTalk {@code …/auth/messages} (the separate
 *       auth sending pool): {@code templateCode} = our template id, {@code templateParameter} = our variables;</li>
 *   <li>marketing → Brand Message {@code …/freestyle-messages}, {@code chatBubbleType TEXT}, content = the rendered text.</li>
 * </ul>
 * Every recipient carries {@code recipientGroupingKey} = our message id (the result webhook echoes it) and an
 * explicit {@code resendParameter}: when relay-side fallback is off it says {@code isResend:false}, because a
 * fallback switched on in the NHN console would otherwise apply by default and double the engine's own.
 * <p>Used on the lane thread only; not thread-safe.
 */
final class KakaoRequestWriter
{
    static final int MAX_TEMPLATE_CODE = 20;
    static final int MAX_VARIABLES = 40;
    static final int MAX_BRAND_CONTENT = 1_300;
    static final int MAX_RECIPIENT_DIGITS = 15;

    private final KakaoSettings settings;
    private final StringBuilder out = new StringBuilder(512);
    private String path;
    private Reason refusal;

    KakaoRequestWriter(final KakaoSettings settings)
    {
        this.settings = settings;
    }

    /** @return true when a body was built ({@link #body()}, {@link #path()}); false with {@link #refusal()} otherwise. */
    boolean write(final DeliveryRequest request)
    {
        out.setLength(0);
        refusal = null;
        final String recipient = normalise(request.recipient());
        if (recipient == null)
        {
            return refuse(Reason.INVALID_RECIPIENT);
        }
        out.append("{\"senderKey\":");
        Json.quote(out, settings.senderKey());
        return request.kind() == MessageKind.MARKETING ? brand(request, recipient) : alimtalk(request, recipient);
    }

    private boolean alimtalk(final DeliveryRequest request, final String recipient)
    {
        final String template = request.templateId();
        if (template == null || template.length() > MAX_TEMPLATE_CODE)
        {
            // AlimTalk sends only approved templates: free text cannot go this way
            return refuse(Reason.TEMPLATE_MISMATCH);
        }
        final SubmitFlyweight submit = request.submit();
        if (submit.varCount() > MAX_VARIABLES)
        {
            return refuse(Reason.CONTENT_REJECTED);
        }
        path = request.kind() == MessageKind.AUTH ? settings.authPath() : settings.alimtalkPath();
        out.append(",\"templateCode\":");
        Json.quote(out, template);
        senderGroupingKey(request);
        recipientStart(recipient, request);
        out.append(",\"templateParameter\":{");
        appendVariables(submit);
        out.append('}');
        resend(false);
        out.append("}]}");
        return true;
    }

    private boolean brand(final DeliveryRequest request, final String recipient)
    {
        final String content = request.renderText();
        if (content.isEmpty())
        {
            return refuse(Reason.CONTENT_REJECTED);
        }
        if (content.codePointCount(0, content.length()) > MAX_BRAND_CONTENT)
        {
            return refuse(Reason.PAYLOAD_TOO_LARGE);
        }
        path = settings.brandPath();
        out.append(",\"chatBubbleType\":\"TEXT\",\"content\":");
        Json.quote(out, content);
        senderGroupingKey(request);
        recipientStart(recipient, request);
        out.append(",\"targeting\":");
        Json.quote(out, settings.brandTargeting());
        resend(true);
        out.append("}]}");
        return true;
    }

    private void senderGroupingKey(final DeliveryRequest request)
    {
        out.append(",\"senderGroupingKey\":");
        final String tenant = request.tenant();
        Json.quote(out, tenant.length() > 100 ? tenant.substring(0, 100) : tenant);
    }

    private void recipientStart(final String recipient, final DeliveryRequest request)
    {
        out.append(",\"recipientList\":[{\"recipientNo\":");
        Json.quote(out, recipient);
        out.append(",\"recipientGroupingKey\":\"").append(request.messageId()).append('"');
    }

    private void resend(final boolean advertising)
    {
        out.append(",\"resendParameter\":{\"isResend\":").append(settings.resendEnabled());
        if (settings.resendEnabled())
        {
            if (settings.resendType() != null)
            {
                out.append(",\"resendType\":\"").append(settings.resendType()).append('"');
            }
            out.append(",\"resendSendNo\":");
            Json.quote(out, settings.resendSendNo());
            if (settings.resendTitle() != null)
            {
                out.append(",\"resendTitle\":");
                Json.quote(out, settings.resendTitle());
            }
            if (advertising && settings.resendUnsubscribeNo() != null)
            {
                out.append(",\"resendUnsubscribeNo\":");
                Json.quote(out, settings.resendUnsubscribeNo());
            }
        }
        out.append('}');
    }

    private void appendVariables(final SubmitFlyweight submit)
    {
        final ByteBuf b = submit.buffer();
        int p = submit.varsOffset();
        for (int v = 0; v < submit.varCount(); v++)
        {
            final int nameLength = b.getUnsignedByte(p);
            final String name = b.toString(p + 1, nameLength, StandardCharsets.UTF_8);
            p += 1 + nameLength;
            final int valueLength = b.getUnsignedShortLE(p);
            final String value = b.toString(p + 2, valueLength, StandardCharsets.UTF_8);
            p += 2 + valueLength;
            if (v > 0)
            {
                out.append(',');
            }
            Json.quote(out, name).append(':');
            Json.quote(out, value);
        }
    }

    /** @return the number as NHN wants it (digits only, dashes and spaces dropped), or null when it is not one. */
    static String normalise(final String recipient)
    {
        final StringBuilder digits = new StringBuilder(recipient.length());
        for (int i = 0; i < recipient.length(); i++)
        {
            final char c = recipient.charAt(i);
            if (c >= '0' && c <= '9')
            {
                digits.append(c);
            }
            else if (c != '-' && c != ' ')
            {
                return null;
            }
        }
        return digits.length() == 0 || digits.length() > MAX_RECIPIENT_DIGITS ? null : digits.toString();
    }

    private boolean refuse(final Reason reason)
    {
        refusal = reason;
        return false;
    }

    byte[] body()
    {
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    String path()
    {
        return path;
    }

    Reason refusal()
    {
        return refusal;
    }
}
