package io.dispatch.connector.talktalk;

import io.dispatch.connector.ChatPlatformPeer;
import io.dispatch.connector.http.HttpReceiver.Answer;
import io.dispatch.json.Json;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A loopback Naver TalkTalk in the shape of the chatbot API (https://github.com/navertalk/chatbot-api): the send
 * endpoint checks the Authorization key and the event as documented and answers {@code success/resultCode} (00, 01
 * auth, 02 JSON, 99 other); users whose id starts with {@code code-XX-} get result code XX (e.g. {@code code-IMG-03-u1}).
 * It also posts the partner webhook's events (open, leave, friend on/off, send, echo, action) to the connector.
 */
public final class TalkTalkPeer extends ChatPlatformPeer
{
    private final String authorization;
    private volatile URI webhook;

    public TalkTalkPeer(final String authorization, final SslContext tls) throws InterruptedException
    {
        super("talktalk-peer", tls);
        this.authorization = authorization;
    }

    void webhook(final URI target)
    {
        webhook = target;
    }

    @Override
    protected Answer handle(final FullHttpRequest request, final String body)
    {
        if (!HttpMethod.POST.equals(request.method()) || !request.uri().equals(TalkTalkSettings.EVENT_PATH))
        {
            return Answer.of(404, "");
        }
        if (!authorization.equals(request.headers().get("Authorization")))
        {
            return result("01", "Authorization 정보 에러");
        }
        final Object event;
        try
        {
            event = Json.parse(body);
        }
        catch (final IllegalArgumentException ex)
        {
            return result("02", "request json 문자열 파싱 에러");
        }
        final String user = Json.string(event, "user");
        if (!"send".equals(Json.string(event, "event")) || user == null || contents(event) != 1)
        {
            return result("02", "request json 문자열 파싱 에러");
        }
        final String text = Json.string(Json.member(event, "textContent"), "text");
        if (text != null && (text.isEmpty() || text.length() > 10_000))
        {
            return result("99", "text length");
        }
        if (user.startsWith("code-"))
        {
            final String code = user.substring(5, user.lastIndexOf('-'));
            return result(code, "scripted");
        }
        return Answer.of(200, "{\"success\":true,\"resultCode\":\"00\"}");
    }

    private static int contents(final Object event)
    {
        int n = 0;
        for (final String c : new String[] {"textContent", "imageContent", "compositeContent"})
        {
            n += Json.member(event, c) != null ? 1 : 0;
        }
        return n;
    }

    private static Answer result(final String code, final String message)
    {
        return Answer.of(200, "{\"success\":" + code.equals("00") + ",\"resultCode\":\"" + code
            + "\",\"resultMessage\":\"" + message + "\"}");
    }

    /** Posts one webhook event; completes with the HTTP status the connector answered. */
    CompletableFuture<HttpResponse<String>> event(final String json)
    {
        return postWebhook(webhook, json, Map.of());
    }

    static String friend(final String user, final String set)
    {
        return "{\"event\":\"friend\",\"user\":\"" + user + "\",\"options\":{\"set\":\"" + set + "\"}}";
    }

    static String send(final String user, final String text)
    {
        return "{\"event\":\"send\",\"user\":\"" + user + "\",\"textContent\":{\"text\":\"" + text
            + "\",\"inputType\":\"typing\"}}";
    }

    static String leave(final String user)
    {
        return "{\"event\":\"leave\",\"user\":\"" + user + "\"}";
    }

    static String open(final String user)
    {
        return "{\"event\":\"open\",\"user\":\"" + user + "\",\"options\":{\"inflow\":\"list\",\"referer\":"
            + "\"https://talk.naver.com/\",\"friend\":false,\"under14\":false,\"under19\":false}}";
    }
}
