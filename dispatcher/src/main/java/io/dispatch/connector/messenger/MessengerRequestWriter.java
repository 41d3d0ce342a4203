package io.dispatch.connector.messenger;

import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.http.RequestWriter;
import io.dispatch.json.Json;
import io.dispatch.protocol.Reason;

import java.nio.charset.StandardCharsets;

/**
 * Builds the Send API body for one message: {@code recipient.id} (the PSID), {@code messaging_type} and
 * {@code message}. A message whose template has a tag ({@code tag.<templateId>}) goes as {@code MESSAGE_TAG} with
 * that tag, valid inside and outside the 24 h window; any other as the configured {@code messagingType}
 * (RESPONSE by default), which the conversation window policy let through only inside the window. The message is
 * the rendered text, or with {@code content=image} an image attachment of {@code image_url}.
 * Used on the lane thread only; not thread-safe.
 */
final class MessengerRequestWriter implements RequestWriter
{
    /** Meta's limit on a text message, in characters. */
    static final int MAX_TEXT = 2_000;
    static final int MAX_PSID = 64;

    private final MessengerSettings settings;
    private final StringBuilder out = new StringBuilder(256);
    private Reason refusal;

    MessengerRequestWriter(final MessengerSettings settings)
    {
        this.settings = settings;
    }

    @Override
    public boolean write(final DeliveryRequest request)
    {
        out.setLength(0);
        refusal = null;
        final String psid = request.recipient();
        if (psid.isEmpty() || psid.length() > MAX_PSID || !digits(psid))
        {
            return refuse(Reason.INVALID_RECIPIENT);
        }
        out.append("{\"recipient\":{\"id\":\"").append(psid).append("\"}");
        final String template = request.templateId();
        final String tag = template == null ? null : settings.tags().get(template);
        if (tag != null)
        {
            out.append(",\"messaging_type\":\"MESSAGE_TAG\",\"tag\":\"").append(tag).append('"');
        }
        else
        {
            out.append(",\"messaging_type\":\"").append(settings.messagingType()).append('"');
        }
        final String content = request.vars().valueOf("content");
        if ("image".equals(content))
        {
            final String url = request.vars().valueOf("image_url");
            if (url == null || !url.startsWith("https://") || url.indexOf(' ') >= 0)
            {
                return refuse(Reason.CONTENT_REJECTED);
            }
            out.append(",\"message\":{\"attachment\":{\"type\":\"image\",\"payload\":{\"url\":");
            Json.quote(out, url).append(",\"is_reusable\":true}}}}");
            return true;
        }
        if (content != null && !"text".equals(content))
        {
            return refuse(Reason.CONTENT_REJECTED);
        }
        final String text = request.text();
        if (text.isBlank())
        {
            return refuse(Reason.CONTENT_REJECTED);
        }
        if (text.length() > MAX_TEXT)
        {
            return refuse(Reason.PAYLOAD_TOO_LARGE);
        }
        out.append(",\"message\":{\"text\":");
        Json.quote(out, text).append("}}");
        return true;
    }

    private static boolean digits(final String s)
    {
        for (int i = 0; i < s.length(); i++)
        {
            if (s.charAt(i) < '0' || s.charAt(i) > '9')
            {
                return false;
            }
        }
        return true;
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

    @Override
    public Reason refusal()
    {
        return refusal;
    }
}
