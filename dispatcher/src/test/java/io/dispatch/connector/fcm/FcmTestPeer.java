package io.dispatch.connector.fcm;

import io.dispatch.json.Json;
import io.dispatch.testing.TestTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback FCM: an HTTP/2 server over TLS (ALPN h2, certificates made by the test) that serves both
 * the OAuth token endpoint ({@code POST /token}, JWT bearer grant checked against the service account's
 * public key) and {@code POST /v1/projects/<project>/messages:send}, which checks the bearer token, the
 * JSON shape and the registration token as FCM does, then answers as scripted for the token
 * (404 UNREGISTERED, 429 QUOTA_EXCEEDED with Retry-After, 503, …) or accepts and records the message.
 * <p>
 * Besides answers it plays connection trouble per token: {@link #STALL} never answers, {@link #DROP}
 * closes the connection, {@link #GOAWAY} answers and then sends GOAWAY; {@link #holdAnswers} keeps every
 * answer back until released, so a test can see how many streams a client keeps open at once
 * ({@link #peakOpenStreams}). TLS with ALPN {@code h2}, as the connector meets FCM in production.
 */
public final class FcmTestPeer implements AutoCloseable
{
    public static final String PROJECT = "dispatch-test";
    public static final String CLIENT_EMAIL = "dispatch@dispatch-test.iam.gserviceaccount.com";

    /** A scripted answer. */
    public record Answer(int status, String errorStatus, String errorCode, String retryAfter)
    {
    }

    /** Scripted trouble: no answer at all. */
    public static final Answer STALL = new Answer(-1, null, null, null);
    /** Scripted trouble: the connection closes without an answer. */
    public static final Answer DROP = new Answer(-2, null, null, null);
    /** Scripted trouble: a 200, then GOAWAY on the connection. */
    public static final Answer GOAWAY = new Answer(-3, null, null, null);

    /** Connections accepted so far. */
    public final AtomicInteger connections = new AtomicInteger();
    /** Requests received and not answered yet (stalled ones stay counted), and the most there ever were. */
    public final AtomicInteger openStreams = new AtomicInteger();
    public final AtomicInteger peakOpenStreams = new AtomicInteger();
    private final java.util.Queue<Runnable> held = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile boolean holding;

    public final Map<String, Map<String, Object>> receivedByToken = new ConcurrentHashMap<>();
    public final Map<String, Answer> scripted = new ConcurrentHashMap<>();
    /** Tokens granted. */
    public final AtomicInteger grants = new AtomicInteger();
    /** Grant requests, refused ones included. */
    public final AtomicInteger grantRequests = new AtomicInteger();
    public final AtomicInteger unauthorized = new AtomicInteger();
    private final Set<String> validAccessTokens = ConcurrentHashMap.newKeySet();
    private volatile boolean refuseAllAccessTokens;
    private volatile boolean recording = true;
    private volatile long tokenLifetimeS = 3600;
    private final PublicKey accountKey;
    private final Path serviceAccountFile;
    private final TestTls tls;
    private final EventLoopGroup group;
    private final Channel serverChannel;

    public FcmTestPeer(final Path dir) throws Exception
    {
        this(dir, 1000);
    }

    /** @param maxConcurrentStreams the SETTINGS_MAX_CONCURRENT_STREAMS the peer announces (Google: 100). */
    public FcmTestPeer(final Path dir, final int maxConcurrentStreams) throws Exception
    {
        tls = TestTls.create(dir.resolve("fcm-tls"));
        final KeyPair account = TestTls.rsaKeyPair();
        accountKey = account.getPublic();
        // a named thread ("fcm-peer") so benchmarks can tell the peer's CPU from the connector's
        group = new MultiThreadIoEventLoopGroup(1, new io.netty.util.concurrent.DefaultThreadFactory("fcm-peer", true),
            NioIoHandler.newFactory());
        final SslContext ssl = SslContextBuilder.forServer(tls.serverKey, tls.server, tls.ca)
            .sslProvider(SslProvider.JDK)
            .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
            .applicationProtocolConfig(io.dispatch.connector.http.ClientTls.H2_ONLY)
            .build();
        serverChannel = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    connections.incrementAndGet();
                    ch.pipeline().addLast(
                        ssl.newHandler(ch.alloc()),
                        Http2FrameCodecBuilder.forServer()
                            .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(maxConcurrentStreams)).build(),
                        new Http2MultiplexHandler(new ChannelInitializer<Channel>()
                        {
                            @Override
                            protected void initChannel(final Channel stream)
                            {
                                stream.pipeline().addLast(new StreamHandler(FcmTestPeer.this));
                            }
                        }),
                        new QuietClose());
                }
            })
            .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        serviceAccountFile = dir.resolve("service-account.json");
        final StringBuilder json = new StringBuilder("{\"type\":\"service_account\",\"project_id\":\"" + PROJECT + "\",");
        json.append("\"private_key_id\":\"k1\",\"private_key\":");
        Json.quote(json, TestTls.pem("PRIVATE KEY", account.getPrivate().getEncoded()));
        json.append(",\"client_email\":\"" + CLIENT_EMAIL + "\",\"token_uri\":\"" + base() + "/token\"}");
        Files.writeString(serviceAccountFile, json.toString());
    }

    public String base()
    {
        return "https://127.0.0.1:" + ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    /** Connector settings (without any lane prefix) that point at this peer. */
    public Map<String, String> connectorSettings()
    {
        final Map<String, String> s = new HashMap<>();
        s.put("serviceAccountFile", serviceAccountFile.toString());
        s.put("endpoint", base());
        s.put("trustedCaFile", tls.caFile.toString());
        s.put("requestTimeoutMs", "5000");
        s.put("connectTimeoutMs", "5000");
        return s;
    }

    /** Every access token granted so far stops working: the next send gets 401 UNAUTHENTICATED. */
    public void revokeAccessTokens()
    {
        validAccessTokens.clear();
    }

    /** While set, even fresh tokens are refused. */
    public void refuseAllAccessTokens(final boolean refuse)
    {
        refuseAllAccessTokens = refuse;
    }

    /** Stop keeping what arrives (benchmarks). */
    public void recording(final boolean on)
    {
        recording = on;
    }

    public void tokenLifetimeS(final long seconds)
    {
        tokenLifetimeS = seconds;
    }

    /** While on, answers wait; turning it off sends every held answer. */
    public void holdAnswers(final boolean on)
    {
        holding = on;
        if (!on)
        {
            Runnable r;
            while ((r = held.poll()) != null)
            {
                r.run();
            }
        }
    }

    // ---- request handling, on the event loop ----

    private record Response(int status, Map<String, String> headers, String body)
    {
    }

    private static final Response NO_ANSWER = new Response(STALL.status, Map.of(), "");
    private static final Response CLOSE = new Response(DROP.status, Map.of(), "");
    private static final Response ANSWER_THEN_GOAWAY = new Response(GOAWAY.status, Map.of(), "");

    /** Answers one request (or plays the scripted trouble) on the stream's event loop, or later when held. */
    private void respond(final ChannelHandlerContext ctx, final Http2Headers headers, final String body)
    {
        final int open = openStreams.incrementAndGet();
        peakOpenStreams.accumulateAndGet(open, Math::max);
        final Response r = handle(headers, body);
        if (r == NO_ANSWER)
        {
            return; // the stream stays open until the client resets it
        }
        final Runnable answer = () ->
        {
            openStreams.decrementAndGet();
            if (r == CLOSE)
            {
                ctx.channel().parent().close();
                return;
            }
            final Response written = r == ANSWER_THEN_GOAWAY ? ok() : r;
            final Http2Headers out = new DefaultHttp2Headers().status(Integer.toString(written.status()));
            out.set("content-type", "application/json; charset=UTF-8");
            written.headers().forEach(out::set);
            ctx.write(new DefaultHttp2HeadersFrame(out));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(written.body(), StandardCharsets.UTF_8), true));
            if (r == ANSWER_THEN_GOAWAY)
            {
                ctx.channel().parent().writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
            }
        };
        if (holding)
        {
            held.add(() -> ctx.executor().execute(answer));
        }
        else
        {
            answer.run();
        }
    }

    private Response handle(final Http2Headers headers, final String body)
    {
        final String path = String.valueOf(headers.path());
        if (!"POST".contentEquals(headers.method()))
        {
            return error(405, "METHOD_NOT_ALLOWED", null, "POST only", null);
        }
        if (path.equals("/token"))
        {
            return grant(body);
        }
        if (path.equals("/v1/projects/" + PROJECT + "/messages:send"))
        {
            return send(headers, body);
        }
        return error(404, "NOT_FOUND", null, "no such path " + path, null);
    }

    private Response grant(final String form)
    {
        grantRequests.incrementAndGet();
        final Map<String, String> fields = new HashMap<>();
        for (final String pair : form.split("&"))
        {
            final int eq = pair.indexOf('=');
            if (eq > 0)
            {
                fields.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        if (!AccessTokens.GRANT_TYPE.equals(fields.get("grant_type")) || !validAssertion(fields.get("assertion")))
        {
            return new Response(400, Map.of(), "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");
        }
        final String token = "ya29.peer-" + grants.incrementAndGet();
        validAccessTokens.add(token);
        return new Response(200, Map.of(), "{\"access_token\":\"" + token + "\",\"expires_in\":" + tokenLifetimeS +
            ",\"token_type\":\"Bearer\"}");
    }

    private boolean validAssertion(final String jwt)
    {
        try
        {
            final String[] parts = jwt.split("\\.");
            final Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(accountKey);
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rs256.verify(Base64.getUrlDecoder().decode(parts[2])))
            {
                return false;
            }
            final Map<String, Object> header = Json.parseObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
            final Map<String, Object> claims = Json.parseObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            final long now = System.currentTimeMillis() / 1000;
            final double iat = ((Number)claims.get("iat")).doubleValue();
            final double exp = ((Number)claims.get("exp")).doubleValue();
            return "RS256".equals(header.get("alg")) && CLIENT_EMAIL.equals(claims.get("iss")) &&
                (base() + "/token").equals(claims.get("aud")) && AccessTokens.SCOPE.equals(claims.get("scope")) &&
                Math.abs(iat - now) < 300 && exp > now && exp - iat <= 3600;
        }
        catch (final Exception ex)
        {
            return false;
        }
    }

    private Response send(final Http2Headers headers, final String body)
    {
        final CharSequence authorization = headers.get("authorization");
        final String bearer = authorization == null ? "" : authorization.toString();
        if (refuseAllAccessTokens || !bearer.startsWith("Bearer ") || !validAccessTokens.contains(bearer.substring(7)))
        {
            unauthorized.incrementAndGet();
            return error(401, "UNAUTHENTICATED", null, "Request had invalid authentication credentials.", null);
        }
        final Map<String, Object> message;
        try
        {
            message = Json.object(Json.parseObject(body), "message");
        }
        catch (final IllegalArgumentException ex)
        {
            return invalid("message", "Invalid JSON payload received.");
        }
        final String problem = FcmRequestRules.check(message);
        if (problem != null)
        {
            return problem.startsWith("message.token") ? invalid("message.token", "The registration token is not a valid FCM registration token")
                : invalid(problem, "Invalid value at '" + problem + "'");
        }
        final String token = (String)message.get("token");
        final Answer answer = scripted.get(token);
        if (answer == STALL)
        {
            return NO_ANSWER;
        }
        if (answer == DROP)
        {
            return CLOSE;
        }
        if (answer == GOAWAY)
        {
            return ANSWER_THEN_GOAWAY;
        }
        if (answer != null)
        {
            return error(answer.status, answer.errorStatus, answer.errorCode, "scripted", answer.retryAfter);
        }
        if (recording)
        {
            receivedByToken.put(token, message);
        }
        return ok();
    }

    private static Response ok()
    {
        return new Response(200, Map.of(), "{\"name\":\"projects/" + PROJECT + "/messages/0:" + System.nanoTime() + "\"}");
    }

    private static Response invalid(final String field, final String description)
    {
        final String body = "{\"error\":{\"code\":400,\"message\":\"" + description + "\",\"status\":\"INVALID_ARGUMENT\"," +
            "\"details\":[{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"INVALID_ARGUMENT\"}," +
            "{\"@type\":\"type.googleapis.com/google.rpc.BadRequest\",\"fieldViolations\":[{\"field\":\"" + field +
            "\",\"description\":\"" + description + "\"}]}]}}";
        return new Response(400, Map.of(), body);
    }

    private static Response error(final int status, final String errorStatus, final String errorCode, final String message,
        final String retryAfter)
    {
        final String details = errorCode == null ? "" :
            ",\"details\":[{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"" + errorCode + "\"}]";
        final String body = "{\"error\":{\"code\":" + status + ",\"message\":\"" + message + "\",\"status\":\"" + errorStatus + "\"" +
            details + "}}";
        return new Response(status, retryAfter == null ? Map.of() : Map.of("retry-after", retryAfter), body);
    }

    @Override
    public void close() throws Exception
    {
        serverChannel.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** Clients that hang up mid-handshake or reset: close without a warning at the pipeline's tail. */
    private static final class QuietClose extends io.netty.channel.ChannelInboundHandlerAdapter
    {
        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }

    /** One HTTP/2 stream: gathers headers and body, answers once the request has ended. */
    private static final class StreamHandler extends SimpleChannelInboundHandler<Http2StreamFrame>
    {
        private final FcmTestPeer peer;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private Http2Headers headers;

        StreamHandler(final FcmTestPeer peer)
        {
            this.peer = peer;
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final Http2StreamFrame frame)
        {
            boolean end = false;
            if (frame instanceof Http2HeadersFrame h)
            {
                headers = h.headers();
                end = h.isEndStream();
            }
            else if (frame instanceof Http2DataFrame d)
            {
                final ByteBuf content = d.content();
                final byte[] bytes = new byte[content.readableBytes()];
                content.readBytes(bytes);
                body.writeBytes(bytes);
                end = d.isEndStream();
            }
            if (end)
            {
                peer.respond(ctx, headers, body.toString(StandardCharsets.UTF_8));
            }
        }

    }
}
