package io.dispatch.connector.fcm;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.ConnectorCounters;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.MetricsWriter;
import io.dispatch.connector.ReceiptSink;
import io.dispatch.connector.http.ClientTls;
import io.dispatch.connector.http.Http2ClientTransport;
import io.dispatch.connector.http.Http2Link;
import io.dispatch.connector.http.LoopGroups;
import io.dispatch.connector.push.PushFields;
import io.dispatch.connector.push.PushRecipient;
import io.dispatch.protocol.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.agrona.concurrent.EpochClock;

import java.net.URI;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends to FCM HTTP v1 over HTTP/2 on Netty, the stack Pushy uses for APNs:
 * <pre>
 *  lane thread ── send: JSON body into a pooled buffer, take a stream permit ──▶ link queue
 *  event loop  ── one flush per batch ──▶ HTTP/2 connection 1..n (TLS, h2) ──▶ FCM
 *              ◀── answer by stream id ── FcmSend: verdict ─▶ one callback (+ DELIVERED receipt)
 * </pre>
 * {@code connections} connections each multiplex up to {@code maxInFlight} streams or the server's
 * MAX_CONCURRENT_STREAMS (Google: 100), whichever is lower; a send finding every connection full fails
 * {@code PROVIDER_THROTTLED} so the lane slows down. The OAuth access token from {@link AccessTokens}
 * is shared by every send (its request headers are built once per token); a 401 for it refreshes the
 * token and resends once on the same stream permit.
 * <p>
 * <b>Threading:</b> {@link #send} on the lane thread only; answers and callbacks on the event loops
 * ({@code threads}, default one). Nothing is logged per message; the token never is.
 */
final class FcmConnector implements Connector
{
    /** FCM's answers are small JSON documents; anything far larger is not FCM. */
    private static final int MAX_ANSWER_BYTES = 1 << 16;
    private static final long STOP_WAIT_MS = 3_000;

    /** The send headers for one access token, shared read-only by every request that uses it. */
    record Authorised(AccessTokens.Token token, Http2Headers headers)
    {
    }

    private final FcmSettings settings;
    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    private final ConnectorCounters counters = new ConnectorCounters();
    private EventLoopGroup loops;
    private Http2ClientTransport fcm;
    private Http2ClientTransport oauth;
    private AccessTokens tokens;
    private volatile Authorised authorised;
    private ReceiptSink receipts;
    private EpochClock clock;

    FcmConnector(final FcmSettings settings)
    {
        this.settings = settings;
    }

    @Override
    public String version()
    {
        return "fcm-2 netty-http2 " + settings;
    }

    @Override
    public void start(final ConnectorContext context) throws Exception
    {
        receipts = context.receipts();
        clock = context.clock();
        loops = new MultiThreadIoEventLoopGroup(settings.threads(), new DefaultThreadFactory("fcm-" + context.laneName(), true),
            NioIoHandler.newFactory());
        try
        {
            final SslContext tls = ClientTls.http2(settings.trustedCaFile() == null ? null : settings.trustedCaFile().toString());
            final URI send = settings.sendUri();
            fcm = new Http2ClientTransport(loops, origin(send), tls, settings.connections(), settings.maxInFlight(),
                settings.connectTimeoutMs(), settings.requestTimeoutMs(), MAX_ANSWER_BYTES);
            oauth = new Http2ClientTransport(loops, origin(settings.tokenUri()), tls, 1, 4,
                settings.connectTimeoutMs(), settings.requestTimeoutMs(), MAX_ANSWER_BYTES);
            tokens = new AccessTokens(settings.account(), settings.tokenUri(), oauth, clock, settings.tokenRefreshMarginMs());
            fcm.connect();
            tokens.token(); // warm up: the first sends need not wait for the grant
        }
        catch (final Exception | Error ex)
        {
            LoopGroups.shutdown(loops);
            throw ex;
        }
    }

    private static URI origin(final URI uri)
    {
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
    }

    @Override
    public void send(final DeliveryRequest request, final DeliveryCallback callback)
    {
        final String token = PushRecipient.fcmToken(request.recipient());
        if (token == null)
        {
            reject(request, callback, Reason.INVALID_RECIPIENT);
            return;
        }
        final CharSequence json;
        try
        {
            json = FcmMessageWriter.write(token, request.messageId(), request.kind(), request.text(), PushFields.of(request),
                request.deadlineMs(), clock.time());
        }
        catch (final FcmMessageWriter.InvalidMessage ex)
        {
            reject(request, callback, ex.tooLarge ? Reason.PAYLOAD_TOO_LARGE : Reason.CONTENT_REJECTED);
            return;
        }
        catch (final IllegalArgumentException badVariable)
        {
            reject(request, callback, Reason.CONTENT_REJECTED);
            return;
        }
        final Http2Link link = fcm.acquire();
        if (link == null)
        {
            // every connection is at its stream limit: slow the lane rather than queue without bound
            counters.failed(Reason.PROVIDER_THROTTLED, -1);
            callback.onFailed(request, Reason.PROVIDER_THROTTLED, 0);
            return;
        }
        counters.sent();
        final FcmSend send = new FcmSend(this, request, callback, ByteBufUtil.writeUtf8(alloc, json), link, System.nanoTime());
        final AccessTokens.Token now = tokens.now();
        if (now != null)
        {
            send.go(authorised(now));
        }
        else
        {
            authorise(send);
        }
    }

    private void reject(final DeliveryRequest request, final DeliveryCallback callback, final Reason reason)
    {
        counters.rejected(reason, -1);
        callback.onRejected(request, reason);
    }

    /** Waits (without blocking the caller) for a token, then sends; a token failure fails the send. */
    void authorise(final FcmSend send)
    {
        tokens.token().whenComplete((token, error) ->
        {
            if (error != null)
            {
                send.finish(FcmResults.failure(error));
            }
            else
            {
                send.go(authorised(token));
            }
        });
    }

    void refused(final AccessTokens.Token token)
    {
        tokens.invalidate(token);
    }

    private Authorised authorised(final AccessTokens.Token token)
    {
        final Authorised a = authorised;
        if (a != null && a.token() == token)
        {
            return a;
        }
        final Http2Headers headers = fcm.headers(HttpMethod.POST.asciiName(), settings.sendUri().getRawPath())
            .set("authorization", "Bearer " + token.value())
            .set("content-type", "application/json; charset=UTF-8");
        final Authorised fresh = new Authorised(token, headers);
        authorised = fresh; // a race builds the same headers twice, harmlessly
        return fresh;
    }

    ReceiptSink receipts()
    {
        return receipts;
    }

    ConnectorCounters counters()
    {
        return counters;
    }

    @Override
    public void writeMetrics(final MetricsWriter out)
    {
        counters.write(out);
        if (fcm != null)
        {
            out.gauge("streams_in_flight", "HTTP/2 requests open now", fcm.inFlight());
            out.gauge("stream_capacity", "HTTP/2 requests allowed at once (per connection: maxInFlight or the server's limit)",
                fcm.capacity());
            out.counter("access_token_grants_total", "OAuth access tokens requested", tokens.grants());
        }
    }

    EpochClock clock()
    {
        return clock;
    }

    @Override
    public void stop()
    {
        if (fcm != null)
        {
            // let answers already on their way arrive, within a bound, before the connections close
            final long until = System.nanoTime() + STOP_WAIT_MS * 1_000_000L;
            while (fcm.inFlight() > 0 && System.nanoTime() < until)
            {
                LockSupport.parkNanos(1_000_000L);
            }
            fcm.close();
        }
        if (oauth != null)
        {
            oauth.close();
        }
        LoopGroups.shutdown(loops);
        loops = null;
    }
}
