package io.dispatch.connector.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;

import javax.net.ssl.SSLException;
import java.net.URI;

/**
 * A non-blocking HTTP/2 client for one https origin on Netty: a fixed set of {@link Http2Link}s (TLS
 * connections, ALPN {@code h2}), each multiplexing up to {@code maxInFlight} streams or the server's
 * {@code MAX_CONCURRENT_STREAMS}, whichever is lower. A caller takes a link with a free permit from
 * {@link #acquire()}, sends on it, and releases the permit when it is done with its answer.
 * <p>
 * Connections open on first use (or {@link #connect()}) and again after a loss or a GOAWAY; a request
 * without an answer within {@code requestTimeoutMs} of being written is reset and fails as timed out.
 * <b>Threading:</b> thread-safe; each link is bound to one event loop of the group it is given.
 */
public final class Http2ClientTransport implements AutoCloseable
{
    private static final AsciiString HTTPS = AsciiString.cached("https");

    private final URI origin;
    private final String host;
    private final int port;
    private final SslContext ssl;
    private final long connectTimeoutMs;
    private final long requestTimeoutMs;
    private final int maxResponseBytes;
    private final Http2Link[] links;
    private int next;

    /**
     * @param ssl a client context offering {@code h2} through ALPN ({@link ClientTls#http2}).
     */
    public Http2ClientTransport(
        final EventLoopGroup group,
        final URI origin,
        final SslContext ssl,
        final int connections,
        final int maxInFlight,
        final long connectTimeoutMs,
        final long requestTimeoutMs,
        final int maxResponseBytes)
    {
        if (!"https".equals(origin.getScheme()) || origin.getHost() == null)
        {
            throw new IllegalArgumentException("HTTP/2 is spoken over TLS here: " + origin + " is not an https:// URL");
        }
        this.origin = origin;
        this.host = origin.getHost();
        this.port = origin.getPort() > 0 ? origin.getPort() : 443;
        this.ssl = ssl;
        this.connectTimeoutMs = connectTimeoutMs;
        this.requestTimeoutMs = requestTimeoutMs;
        this.maxResponseBytes = maxResponseBytes;
        this.links = new Http2Link[connections];
        for (int i = 0; i < connections; i++)
        {
            links[i] = new Http2Link(this, group.next(), maxInFlight);
        }
    }

    public URI origin()
    {
        return origin;
    }

    /** @return headers for a request to {@code path} on this origin; add the rest, then share them read-only. */
    public Http2Headers headers(final CharSequence method, final String path)
    {
        return new DefaultHttp2Headers()
            .method(method)
            .scheme(HTTPS)
            .authority(origin.getPort() > 0 ? host + ":" + port : host)
            .path(path);
    }

    /** Opens every connection now rather than on the first request. Returns at once. */
    public void connect()
    {
        for (final Http2Link link : links)
        {
            link.connect();
        }
    }

    /**
     * Takes a permit on the next link (round robin) that has one.
     *
     * @return the link, on which the caller now sends one request and later calls {@link Http2Link#release()};
     * null when every link is at its limit.
     */
    public Http2Link acquire()
    {
        int i = next;
        for (int tries = 0; tries < links.length; tries++)
        {
            i = i + 1 >= links.length ? 0 : i + 1;
            if (links[i].tryAcquire())
            {
                next = i; // a racy hint between threads is harmless: any link with a permit will do
                return links[i];
            }
        }
        return null;
    }

    /** @return requests holding a permit, over all links. */
    public int inFlight()
    {
        int n = 0;
        for (final Http2Link link : links)
        {
            n += link.inFlight();
        }
        return n;
    }

    /** @return requests allowed at once over all links (the server's stream limits once known). */
    public int capacity()
    {
        int n = 0;
        for (final Http2Link link : links)
        {
            n += link.limit();
        }
        return n;
    }

    ChannelFuture connect(final EventLoop loop, final Http2Link link)
    {
        return new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)Math.min(Integer.MAX_VALUE, connectTimeoutMs))
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ChannelInitializer<Channel>()
            {
                @Override
                protected void initChannel(final Channel ch)
                {
                    // hostname verification is on: the server's certificate must name the origin's host
                    final SslHandler tls = ssl.newHandler(ch.alloc(), host, port);
                    ch.pipeline().addLast(tls, Http2ClientHandler.create(link, requestTimeoutMs, maxResponseBytes));
                    tls.handshakeFuture().addListener(f ->
                    {
                        if (f.isSuccess() && !ApplicationProtocolNames.HTTP_2.equals(tls.applicationProtocol()))
                        {
                            ch.pipeline().fireExceptionCaught(new SSLException(origin + " did not choose h2 through ALPN"));
                        }
                    });
                }
            })
            .connect(host, port);
    }

    /** Closes every connection; requests still open fail. Returns at once; the event loops finish the work. */
    @Override
    public void close()
    {
        for (final Http2Link link : links)
        {
            link.close();
        }
    }
}
