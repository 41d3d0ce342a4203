package io.dispatch.connector.messenger;

import io.dispatch.connector.ChatPlatformPeer;
import io.dispatch.connector.http.HttpReceiver.Answer;
import io.dispatch.json.Json;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback Messenger Platform: the Send API for one Page checks the bearer token, the path and the body as Meta
 * documents them (recipient, messaging_type, a tag only with MESSAGE_TAG and one of the allowed ones, text up to
 * 2,000 characters) and answers {@code recipient_id/message_id} or a Graph {@code error}; and the webhook side posts
 * {@code object: page} events signed with {@code X-Hub-Signature-256}.
 */
public final class MessengerPeer extends ChatPlatformPeer
{
    static final Set<String> TAGS = Set.of("CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE", "ACCOUNT_UPDATE", "HUMAN_AGENT");

    private final String pageId;
    private final String token;
    private final String appSecret;
    private final AtomicLong mids = new AtomicLong();
    private volatile URI webhook;

    public MessengerPeer(final String pageId, final String token, final String appSecret) throws InterruptedException
    {
        super("messenger-peer", null);
        this.pageId = pageId;
        this.token = token;
        this.appSecret = appSecret;
    }

    void webhook(final URI target)
    {
        webhook = target;
    }

    static Answer error(final int status, final long code, final long subcode)
    {
        return Answer.of(status, "{\"error\":{\"message\":\"scripted\",\"type\":\"OAuthException\",\"code\":" + code
            + (subcode > 0 ? ",\"error_subcode\":" + subcode : "") + ",\"fbtrace_id\":\"AbC\"}}");
    }

    @Override
    protected Answer handle(final FullHttpRequest request, final String body)
    {
        if (!HttpMethod.POST.equals(request.method()) || !request.uri().equals("/v21.0/" + pageId + "/messages"))
        {
            return error(404, 803, 0);
        }
        if (!("Bearer " + token).equals(request.headers().get("Authorization")))
        {
            return error(401, 190, 0);
        }
        final Object json;
        try
        {
            json = Json.parse(body);
        }
        catch (final IllegalArgumentException ex)
        {
            return error(400, 100, 0);
        }
        final String psid = Json.string(Json.member(json, "recipient"), "id");
        final String type = Json.string(json, "messaging_type");
        final String tag = Json.string(json, "tag");
        final Object message = Json.member(json, "message");
        if (psid == null || message == null || !Set.of("RESPONSE", "UPDATE", "MESSAGE_TAG").contains(type)
            || "MESSAGE_TAG".equals(type) != (tag != null) || tag != null && !TAGS.contains(tag))
        {
            return error(400, 100, 0);
        }
        final String text = Json.string(message, "text");
        if (text != null && text.length() > 2_000 || text == null && Json.member(message, "attachment") == null)
        {
            return error(400, 100, 0);
        }
        return Answer.of(200, "{\"recipient_id\":\"" + psid + "\",\"message_id\":\"m_" + mids.incrementAndGet() + "\"}");
    }

    String sign(final String body) throws Exception
    {
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** Posts a signed webhook call; completes with the connector's answer. */
    CompletableFuture<HttpResponse<String>> event(final String body) throws Exception
    {
        return postWebhook(webhook, body, Map.of("X-Hub-Signature-256", sign(body)));
    }

    String message(final String psid, final String mid, final String text, final long timestamp)
    {
        return entry("{\"sender\":{\"id\":\"" + psid + "\"},\"recipient\":{\"id\":\"" + pageId + "\"},\"timestamp\":"
            + timestamp + ",\"message\":{\"mid\":\"" + mid + "\",\"text\":\"" + text + "\"}}");
    }

    String reply(final String psid, final String mid, final String text, final String replyToMid)
    {
        return entry("{\"sender\":{\"id\":\"" + psid + "\"},\"recipient\":{\"id\":\"" + pageId + "\"},\"timestamp\":1,"
            + "\"message\":{\"mid\":\"" + mid + "\",\"text\":\"" + text + "\",\"reply_to\":{\"mid\":\"" + replyToMid
            + "\"}}}");
    }

    String echo(final String psid, final String mid)
    {
        return entry("{\"sender\":{\"id\":\"" + pageId + "\"},\"recipient\":{\"id\":\"" + psid + "\"},\"timestamp\":1,"
            + "\"message\":{\"mid\":\"" + mid + "\",\"is_echo\":true,\"app_id\":1,\"text\":\"ours\"}}");
    }

    String postback(final String psid, final String mid, final String title)
    {
        return entry("{\"sender\":{\"id\":\"" + psid + "\"},\"recipient\":{\"id\":\"" + pageId + "\"},\"timestamp\":1,"
            + "\"postback\":{\"mid\":\"" + mid + "\",\"title\":\"" + title + "\",\"payload\":\"P\"}}");
    }

    String read(final String psid)
    {
        return entry("{\"sender\":{\"id\":\"" + psid + "\"},\"recipient\":{\"id\":\"" + pageId + "\"},\"timestamp\":1,"
            + "\"read\":{\"watermark\":1}}");
    }

    private String entry(final String messaging)
    {
        return "{\"object\":\"page\",\"entry\":[{\"id\":\"" + pageId + "\",\"time\":1,\"messaging\":[" + messaging + "]}]}";
    }
}
