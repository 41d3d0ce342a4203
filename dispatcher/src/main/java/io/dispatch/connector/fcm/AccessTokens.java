package io.dispatch.connector.fcm;

import io.dispatch.connector.http.Http2ClientTransport;
import io.dispatch.connector.http.Http2Link;
import io.dispatch.connector.http.Http2Request;
import io.dispatch.json.Json;
import io.dispatch.protocol.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.Http2Headers;
import org.agrona.concurrent.EpochClock;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * OAuth 2.0 access tokens for FCM from a service account (RFC 7523 JWT bearer grant, RS256): one token
 * shared by all sends, refreshed in the background {@code refreshMarginMs} before it expires, so sends do
 * not wait for the token endpoint while the current token is still good. At most one grant is in flight;
 * it goes over the {@link Http2ClientTransport} given for the token endpoint's origin.
 * Tokens never appear in logs or exception messages. Thread-safe.
 */
final class AccessTokens
{
    static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final long ASSERTION_LIFETIME_S = 3600;
    /** After a failed grant, sends fail with its error for this long instead of asking again per send. */
    static final long GRANT_RETRY_MS = 1_000;

    /** A granted token, when to start replacing it, and when it stops working. */
    record Token(String value, long refreshAtMs, long expiresAtMs)
    {
        @Override
        public String toString()
        {
            return "Token[expiresAtMs=" + expiresAtMs + "]"; // never the value
        }
    }

    /** The token endpoint refused or could not be reached; {@link #reason} says which for the send. */
    static final class TokenException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        final Reason reason;

        TokenException(final Reason reason, final String message)
        {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    private final ServiceAccount account;
    private final URI tokenUri;
    private final Http2ClientTransport http;
    private final Http2Headers grantHeaders;
    private final EpochClock clock;
    private final long refreshMarginMs;
    private Token current;
    private CompletableFuture<Token> pending;
    private Throwable lastFailure;
    private long failedUntilMs;
    private volatile long grants;

    AccessTokens(
        final ServiceAccount account,
        final URI tokenUri,
        final Http2ClientTransport http,
        final EpochClock clock,
        final long refreshMarginMs)
    {
        this.account = account;
        this.tokenUri = tokenUri;
        this.http = http;
        this.grantHeaders = http.headers(HttpMethod.POST.asciiName(), tokenUri.getRawPath())
            .set("content-type", "application/x-www-form-urlencoded");
        this.clock = clock;
        this.refreshMarginMs = refreshMarginMs;
    }

    /** @return a token good for now; completes at once unless the cached one has expired or is missing. */
    synchronized CompletableFuture<Token> token()
    {
        final long now = clock.time();
        if (current != null && now < current.expiresAtMs)
        {
            if (now >= current.refreshAtMs)
            {
                refresh(); // early: keep using the current token meanwhile
            }
            return CompletableFuture.completedFuture(current);
        }
        if (pending == null && now < failedUntilMs)
        {
            return CompletableFuture.failedFuture(lastFailure);
        }
        return refresh();
    }

    /**
     * The fast path of {@link #token()}: the cached token when it is good now (starting a background
     * refresh when it is due), else null and the caller waits on {@link #token()}.
     */
    synchronized Token now()
    {
        final long now = clock.time();
        if (current != null && now < current.expiresAtMs)
        {
            if (now >= current.refreshAtMs)
            {
                refresh();
            }
            return current;
        }
        return null;
    }

    /** The provider refused {@code token} (401): never hand it out again. */
    synchronized void invalidate(final Token token)
    {
        if (current == token)
        {
            current = null;
        }
    }

    /** @return how many grants were requested, for tests and gauges. */
    long grants()
    {
        return grants;
    }

    private synchronized CompletableFuture<Token> refresh()
    {
        if (pending != null)
        {
            return pending;
        }
        grants++;
        final Grant grant;
        try
        {
            grant = new Grant(grantForm());
        }
        catch (final RuntimeException ex)
        {
            return CompletableFuture.failedFuture(new TokenException(Reason.PROVIDER_AUTH_FAILED, "cannot sign the token grant"));
        }
        final Http2Link link = http.acquire();
        if (link == null)
        {
            grant.body.release();
            return CompletableFuture.failedFuture(new TokenException(Reason.PROVIDER_UNAVAILABLE, "token endpoint busy"));
        }
        grant.link = link;
        pending = grant.result;
        grant.result.whenComplete(this::onGrant);
        link.send(grant);
        return grant.result;
    }

    private synchronized void onGrant(final Token token, final Throwable error)
    {
        pending = null;
        if (token != null)
        {
            current = token;
        }
        else
        {
            // a down or refusing token endpoint is asked at most once per GRANT_RETRY_MS, not once per send
            lastFailure = error;
            failedUntilMs = clock.time() + GRANT_RETRY_MS;
        }
    }

    private Token parse(final int status, final String body)
    {
        if (status != 200)
        {
            // 400/401 invalid_grant: our key or clock is wrong; 5xx: the endpoint is down
            final Reason reason = status >= 500 || status == 429 ? Reason.PROVIDER_UNAVAILABLE : Reason.PROVIDER_AUTH_FAILED;
            throw new TokenException(reason, "token endpoint answered " + status);
        }
        try
        {
            final Map<String, Object> json = Json.parseObject(body);
            final String value = Json.string(json, "access_token");
            final Object expiresIn = json.get("expires_in");
            if (value == null || !(expiresIn instanceof Number seconds))
            {
                throw new TokenException(Reason.PROVIDER_AUTH_FAILED, "token answer without access_token or expires_in");
            }
            final long now = clock.time();
            final long lifetimeMs = (long)(seconds.doubleValue() * 1000);
            // a short-lived token is refreshed at half its life, not continuously
            return new Token(value, now + lifetimeMs - Math.min(refreshMarginMs, lifetimeMs / 2), now + lifetimeMs);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new TokenException(Reason.PROVIDER_UNAVAILABLE, "token answer is not JSON");
        }
    }

    private ByteBuf grantForm()
    {
        final String form = "grant_type=" + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8) +
            "&assertion=" + assertion(clock.time() / 1000);
        return Unpooled.copiedBuffer(form, StandardCharsets.US_ASCII);
    }

    /** One grant request on the token endpoint's transport; its answer completes {@link #result}. */
    private final class Grant extends Http2Request
    {
        final CompletableFuture<Token> result = new CompletableFuture<>();
        final ByteBuf body;
        Http2Link link;

        Grant(final ByteBuf body)
        {
            this.body = body;
        }

        @Override
        protected Http2Headers headers()
        {
            return grantHeaders;
        }

        @Override
        protected ByteBuf body()
        {
            return body;
        }

        @Override
        protected void onResponse(final int status, final Http2Headers headers, final ByteBuf answer)
        {
            final String text = answer.toString(StandardCharsets.UTF_8);
            done();
            try
            {
                result.complete(parse(status, text));
            }
            catch (final RuntimeException ex)
            {
                result.completeExceptionally(ex);
            }
        }

        @Override
        protected void onError(final Throwable cause, final boolean timedOut)
        {
            done();
            result.completeExceptionally(new TokenException(Reason.PROVIDER_UNAVAILABLE,
                timedOut ? "token endpoint did not answer in time" : "token endpoint unreachable: " + cause.getClass().getSimpleName()));
        }

        private void done()
        {
            link.release();
            body.release();
        }
    }

    /** The signed JWT: header.claims.signature, each base64url without padding. */
    String assertion(final long nowSeconds)
    {
        final StringBuilder header = new StringBuilder("{\"alg\":\"RS256\",\"typ\":\"JWT\"");
        if (account.privateKeyId() != null)
        {
            Json.quote(header.append(",\"kid\":"), account.privateKeyId());
        }
        header.append('}');
        final StringBuilder claims = new StringBuilder("{");
        Json.quote(claims.append("\"iss\":"), account.clientEmail());
        Json.quote(claims.append(",\"scope\":"), SCOPE);
        Json.quote(claims.append(",\"aud\":"), tokenUri.toString());
        claims.append(",\"iat\":").append(nowSeconds).append(",\"exp\":").append(nowSeconds + ASSERTION_LIFETIME_S).append('}');
        final Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        final String signingInput = b64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "." +
            b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        try
        {
            final Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(account.privateKey());
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(rs256.sign());
        }
        catch (final java.security.GeneralSecurityException ex)
        {
            throw new IllegalStateException("cannot sign with the service-account key", ex);
        }
    }
}
