package io.dispatch.connector.kakao;

import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.Variables;
import io.dispatch.connector.http.RequestWriter;
import io.dispatch.json.Json;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;

import java.nio.charset.StandardCharsets;

/**
 * Builds the NHN Cloud request parts for one message, checking locally what
 * NHN would refuse anyway so that bad input costs no round trip:
 * <ul>
 *   <li>informational → AlimTalk {@code …/messages}, auth → AlimTalk {@code …/auth/messages} (the separate
 *       auth sending pool): {@code templateCode} = our template id, {@code templateParameter} = our variables;</li>
 *   <li>marketing → Brand Message {@code …/freestyle-messages}, {@code chatBubbleType TEXT}, content = the rendered text.</li>
 * </ul>
 * Every recipient carries {@code recipientGroupingKey} = our message id (the result webhook echoes it) and an
 * explicit {@code resendParameter}: when relay-side fallback is off it says {@code isResend:false}, because a
 * fallback switched on in the NHN console would otherwise apply by default and double the engine's own.
 * A request is {@link #head()} (the fields every recipient of a request shares: sender key, template or content),
 * the {@code senderGroupingKey}, and a {@code recipientList} of {@link #recipient()} entries: one for a message sent
 * alone ({@link #body()}), up to 1,000 for a batch ({@link KakaoBatch}).
 * <p>Used on the lane thread only; not thread-safe.
 */
final class KakaoRequestWriter implements RequestWriter
{
    static final int MAX_TEMPLATE_CODE = 20;
    static final int MAX_VARIABLES = 40;
    static final int MAX_BRAND_CONTENT = 1_300;
    static final int MAX_RECIPIENT_DIGITS = 15;

    private final KakaoSettings settings;
    private final StringBuilder out = new StringBuilder(512);
    private final StringBuilder entry = new StringBuilder(256);
    private String path;
    private Reason refusal;

    KakaoRequestWriter(final KakaoSettings settings)
    {
        this.settings = settings;
    }

    /** @return true when a body was built ({@link #body()}, {@link #path()}); false with {@link #refusal()} otherwise. */
    @Override
    public boolean write(final DeliveryRequest request)
    {
        out.setLength(0);
        entry.setLength(0);
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
        final Variables vars = request.vars();
        if (vars.count() > MAX_VARIABLES)
        {
            return refuse(Reason.CONTENT_REJECTED);
        }
        path = request.kind() == MessageKind.AUTH ? settings.authPath() : settings.alimtalkPath();
        out.append(",\"templateCode\":");
        Json.quote(out, template);
        recipientStart(recipient, request);
        entry.append(",\"templateParameter\":{");
        appendVariables(vars);
        entry.append('}');
        resend(false);
        entry.append('}');
        return true;
    }

    private boolean brand(final DeliveryRequest request, final String recipient)
    {
        final String content = request.text();
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
        recipientStart(recipient, request);
        entry.append(",\"targeting\":");
        Json.quote(entry, settings.brandTargeting());
        resend(true);
        entry.append('}');
        return true;
    }

    /** The tenant as NHN's {@code senderGroupingKey} (at most 100 characters). */
    static String senderGroupingKey(final String tenant)
    {
        return tenant.length() > 100 ? tenant.substring(0, 100) : tenant;
    }

    private void recipientStart(final String recipient, final DeliveryRequest request)
    {
        entry.append("{\"recipientNo\":");
        Json.quote(entry, recipient);
        entry.append(",\"recipientGroupingKey\":\"").append(request.messageId()).append('"');
    }

    private void resend(final boolean advertising)
    {
        entry.append(",\"resendParameter\":{\"isResend\":").append(settings.resendEnabled());
        if (settings.resendEnabled())
        {
            if (settings.resendType() != null)
            {
                entry.append(",\"resendType\":\"").append(settings.resendType()).append('"');
            }
            entry.append(",\"resendSendNo\":");
            Json.quote(entry, settings.resendSendNo());
            if (settings.resendTitle() != null)
            {
                entry.append(",\"resendTitle\":");
                Json.quote(entry, settings.resendTitle());
            }
            if (advertising && settings.resendUnsubscribeNo() != null)
            {
                entry.append(",\"resendUnsubscribeNo\":");
                Json.quote(entry, settings.resendUnsubscribeNo());
            }
        }
        entry.append('}');
    }

    private void appendVariables(final Variables vars)
    {
        boolean first = true;
        while (vars.next())
        {
            if (!first)
            {
                entry.append(',');
            }
            first = false;
            Json.quote(entry, vars.name()).append(':');
            Json.quote(entry, vars.value());
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

    /** @return the whole body of a request that carries this one message alone. */
    byte[] body(final String tenant)
    {
        final StringBuilder b = new StringBuilder(out.length() + entry.length() + 160).append(out);
        b.append(",\"senderGroupingKey\":");
        Json.quote(b, senderGroupingKey(tenant)).append(",\"recipientList\":[").append(entry).append("]}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @return the request fields every recipient of a batch shares, from the opening brace, without the closing one. */
    String head()
    {
        return out.toString();
    }

    /** @return this message's entry of {@code recipientList}. */
    String recipient()
    {
        return entry.toString();
    }

    String path()
    {
        return path;
    }

    @Override
    public Reason refusal()
    {
        return refusal;
    }
}
