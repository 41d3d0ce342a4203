package io.dispatch.connector.fcm;

import io.dispatch.protocol.Reason;
import org.agrona.concurrent.EpochClock;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * OAuth 2.0 access tokens for FCM from a service account (RFC 7523 JWT bearer grant, RS256): one token
 * shared by all sends, refreshed in the background {@code refreshMarginMs} before it expires, so sends do
 * not wait for the token endpoint while the current token is still good. At most one grant is in flight.
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
    private final HttpClient http;
    private final EpochClock clock;
    private final long refreshMarginMs;
    private final long requestTimeoutMs;
    private Token current;
    private CompletableFuture<Token> pending;
    private Throwable lastFailure;
    private long failedUntilMs;
    private volatile long grants;

    AccessTokens(
        final ServiceAccount account,
        final URI tokenUri,
        final HttpClient http,
        final EpochClock clock,
        final long refreshMarginMs,
        final long requestTimeoutMs)
    {
        this.account = account;
        this.tokenUri = tokenUri;
        this.http = http;
        this.clock = clock;
        this.refreshMarginMs = refreshMarginMs;
        this.requestTimeoutMs = requestTimeoutMs;
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
        final CompletableFuture<Token> grant;
        try
        {
            grant = http.sendAsync(grantRequest(), HttpResponse.BodyHandlers.ofString()).thenApply(this::parse);
        }
        catch (final RuntimeException ex)
        {
            return CompletableFuture.failedFuture(new TokenException(Reason.PROVIDER_AUTH_FAILED, "cannot sign the token grant"));
        }
        pending = grant;
        grant.whenComplete(this::onGrant);
        return grant;
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

    private Token parse(final HttpResponse<String> response)
    {
        if (response.statusCode() != 200)
        {
            // 400/401 invalid_grant: our key or clock is wrong; 5xx: the endpoint is down
            final Reason reason = response.statusCode() >= 500 || response.statusCode() == 429 ?
                Reason.PROVIDER_UNAVAILABLE : Reason.PROVIDER_AUTH_FAILED;
            throw new TokenException(reason, "token endpoint answered " + response.statusCode());
        }
        try
        {
            final Map<String, Object> json = Json.parseObject(response.body());
            final String value = Json.string(json, "access_token");
            final Object expiresIn = json.get("expires_in");
            if (value == null || !(expiresIn instanceof Double seconds))
            {
                throw new TokenException(Reason.PROVIDER_AUTH_FAILED, "token answer without access_token or expires_in");
            }
            final long now = clock.time();
            final long lifetimeMs = (long)(seconds * 1000);
            // a short-lived token is refreshed at half its life, not continuously
            return new Token(value, now + lifetimeMs - Math.min(refreshMarginMs, lifetimeMs / 2), now + lifetimeMs);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new TokenException(Reason.PROVIDER_UNAVAILABLE, "token answer is not JSON");
        }
    }

    private HttpRequest grantRequest()
    {
        final String form = "grant_type=" + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8) +
            "&assertion=" + assertion(clock.time() / 1000);
        return HttpRequest.newBuilder(tokenUri)
            .timeout(Duration.ofMillis(requestTimeoutMs))
            .header("content-type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
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
