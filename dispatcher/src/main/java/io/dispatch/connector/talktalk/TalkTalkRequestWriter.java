package io.dispatch.connector.talktalk;

import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.Variables;
import io.dispatch.connector.http.RequestWriter;
import io.dispatch.json.Json;
import io.dispatch.protocol.Reason;

import java.nio.charset.StandardCharsets;

/**
 * Builds the body of one {@code send} event for the partner API, checking locally what TalkTalk would refuse anyway.
 * The content type comes from the message's variables:
 * <ul>
 *   <li>{@code content=image}: {@code imageContent} of {@code image_url} (the message's text stays in the journal
 *       only: a SUBMIT always carries text or a template);</li>
 *   <li>{@code content=composite}, or any of {@code title}, {@code image_url}, {@code button_url} present: one
 *       {@code compositeContent} card: title, the rendered text as description, image, one LINK button
 *       ({@code button_title}, {@code button_url}, {@code button_mobile_url});</li>
 *   <li>otherwise {@code textContent} of the rendered text.</li>
 * </ul>
 * {@code options.notification} comes from the connector's setting: TalkTalk then pushes only when the user is not
 * in the chat window. Used on the lane thread only; not thread-safe.
 */
final class TalkTalkRequestWriter implements RequestWriter
{
    static final int MAX_TEXT = 10_000;
    static final int MAX_BUTTON_TITLE = 18;
    static final int MAX_USER = 100;

    private final boolean notification;
    private final StringBuilder out = new StringBuilder(512);
    private Reason refusal;

    TalkTalkRequestWriter(final boolean notification)
    {
        this.notification = notification;
    }

    /** @return true when a body was built ({@link #body()}); false with {@link #refusal()} otherwise. */
    @Override
    public boolean write(final DeliveryRequest request)
    {
        out.setLength(0);
        refusal = null;
        final String user = request.recipient();
        if (user.isEmpty() || user.length() > MAX_USER || !isUserId(user))
        {
            return refuse(Reason.INVALID_RECIPIENT);
        }
        final Variables vars = request.vars();
        final String content = vars.valueOf("content");
        final String imageUrl = vars.valueOf("image_url");
        final String title = vars.valueOf("title");
        final String buttonUrl = vars.valueOf("button_url");
        out.append("{\"event\":\"send\",\"user\":");
        Json.quote(out, user);
        final boolean ok;
        if ("image".equals(content))
        {
            ok = image(imageUrl);
        }
        else if ("composite".equals(content) || content == null && (title != null || imageUrl != null || buttonUrl != null))
        {
            ok = composite(request, vars, title, imageUrl, buttonUrl);
        }
        else if (content == null || "text".equals(content))
        {
            ok = text(request.text());
        }
        else
        {
            ok = refuse(Reason.CONTENT_REJECTED);
        }
        if (!ok)
        {
            return false;
        }
        if (notification)
        {
            out.append(",\"options\":{\"notification\":true}");
        }
        out.append('}');
        return true;
    }

    private boolean text(final String text)
    {
        if (text.isBlank())
        {
            return refuse(Reason.CONTENT_REJECTED);
        }
        if (text.length() > MAX_TEXT)
        {
            return refuse(Reason.PAYLOAD_TOO_LARGE);
        }
        out.append(",\"textContent\":{\"text\":");
        Json.quote(out, text).append('}');
        return true;
    }

    private boolean image(final String imageUrl)
    {
        if (!isHttpUrl(imageUrl))
        {
            return refuse(Reason.CONTENT_REJECTED);
        }
        out.append(",\"imageContent\":{\"imageUrl\":");
        Json.quote(out, imageUrl).append('}');
        return true;
    }

    private boolean composite(
        final DeliveryRequest request, final Variables vars, final String title, final String imageUrl,
        final String buttonUrl)
    {
        final String description = request.text();
        final String buttonTitle = vars.valueOf("button_title");
        if (imageUrl != null && !isHttpUrl(imageUrl) || buttonUrl != null && !isHttpUrl(buttonUrl)
            || (buttonUrl == null) != (buttonTitle == null)
            || buttonTitle != null && (buttonTitle.isEmpty() || buttonTitle.length() > MAX_BUTTON_TITLE))
        {
            return refuse(Reason.CONTENT_REJECTED);
        }
        if (description.length() > MAX_TEXT)
        {
            return refuse(Reason.PAYLOAD_TOO_LARGE);
        }
        out.append(",\"compositeContent\":{\"compositeList\":[{");
        boolean first = true;
        if (title != null)
        {
            out.append("\"title\":");
            Json.quote(out, title);
            first = false;
        }
        if (!description.isBlank())
        {
            out.append(first ? "" : ",").append("\"description\":");
            Json.quote(out, description);
            first = false;
        }
        if (first)
        {
            // TalkTalk needs a title, description or element list in every card
            return refuse(Reason.CONTENT_REJECTED);
        }
        if (imageUrl != null)
        {
            out.append(",\"image\":{\"imageUrl\":");
            Json.quote(out, imageUrl).append('}');
        }
        if (buttonUrl != null)
        {
            final String mobileUrl = vars.valueOf("button_mobile_url");
            out.append(",\"buttonList\":[{\"type\":\"LINK\",\"data\":{\"title\":");
            Json.quote(out, buttonTitle).append(",\"url\":");
            Json.quote(out, buttonUrl).append(",\"mobileUrl\":");
            Json.quote(out, mobileUrl != null ? mobileUrl : buttonUrl).append("}}]");
        }
        out.append("}]}");
        return true;
    }

    /** TalkTalk user ids are URL-safe base64 ("al-2eGuGr5WQOnco1_V-FQ"); anything else is not one. */
    static boolean isUserId(final String user)
    {
        for (int i = 0; i < user.length(); i++)
        {
            final char c = user.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isHttpUrl(final String url)
    {
        return url != null && (url.startsWith("https://") || url.startsWith("http://")) && url.length() > 8
            && url.indexOf(' ') < 0;
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
