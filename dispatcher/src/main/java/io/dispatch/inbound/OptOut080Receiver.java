package io.dispatch.inbound;

import io.dispatch.config.OptOut080Settings;
import io.dispatch.connector.InboundEvent;
import io.dispatch.connector.InboundSink;
import io.dispatch.json.Json;
import io.dispatch.netty.AcceptedConnections;
import io.dispatch.protocol.ChannelType;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Receives the 080 opt-out provider's webhook (NHN Cloud SMS "UNSUBSCRIBE": a recipient called the 080 number
 * printed in an ad and refused the sender's ads) on {@code POST /080/<tenant>}, and hands each opt-out to the
 * inbound path as {@link InboundEvent.Kind#OPT_OUT} on the SMS channel: journaled, then in the consent ledger, then on
 * the inbound stream. Answers 200 only once every opt-out of the request is journaled, else 503 so the provider
 * delivers it again (a redelivery is recognised by its {@code hookId}).
 * <p>
 * Authenticated by the {@code X-Toast-Webhook-Signature} header compared (in constant time) with the tenant's
 * {@code optout080.token.<tenant>}: NHN sends the signature entered in its webhook settings as it is, not a
 * signature of the body, so a shared token is what the provider can present; TLS belongs to the reverse proxy in
 * front of this port. Its own port, not the admin port: the provider calls from outside, the admin port should not
 * be reachable from there.
 */
public final class OptOut080Receiver implements AutoCloseable
{
    public static final String SIGNATURE_HEADER = "X-Toast-Webhook-Signature";
    private static final Logger LOG = LoggerFactory.getLogger(OptOut080Receiver.class);
    private static final int MAX_BODY_BYTES = 256 * 1024;
    private static final int IDLE_SECONDS = 60;

    private final EventLoopGroup group;
    private final Channel server;
    private final AcceptedConnections connections;

    private OptOut080Receiver(final EventLoopGroup group, final Channel server, final AcceptedConnections connections)
    {
        this.group = group;
        this.server = server;
        this.connections = connections;
    }

    public static OptOut080Receiver start(final OptOut080Settings settings, final InboundSink sink,
        final EpochClock clock) throws InterruptedException
    {
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("optout080", true),
            NioIoHandler.newFactory());
        final AcceptedConnections connections = new AcceptedConnections("optout080");
        try
        {
            final ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        connections.add(ch);
                        ch.pipeline().addLast(new ReadTimeoutHandler(IDLE_SECONDS), new HttpServerCodec(),
                            new HttpObjectAggregator(MAX_BODY_BYTES), new Handler(settings.tokens(), sink, clock));
                    }
                });
            return new OptOut080Receiver(group, bootstrap.bind(settings.host(), settings.port()).sync().channel(),
                connections);
        }
        catch (final InterruptedException | RuntimeException ex)
        {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
            throw ex;
        }
    }

    public int port()
    {
        return ((InetSocketAddress)server.localAddress()).getPort();
    }

    @Override
    public void close()
    {
        server.close().syncUninterruptibly();
        connections.closeAll(1_000);
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest>
    {
        private final Map<String, byte[]> tokens = new java.util.HashMap<>();
        private final InboundSink sink;
        private final EpochClock clock;

        Handler(final Map<String, String> tokens, final InboundSink sink, final EpochClock clock)
        {
            tokens.forEach((tenant, token) -> this.tokens.put(tenant, token.getBytes(StandardCharsets.UTF_8)));
            this.sink = sink;
            this.clock = clock;
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
        {
            final boolean keepAlive = HttpUtil.isKeepAlive(request);
            final String uri = request.uri();
            final String tenant = uri.startsWith("/080/") ? uri.substring("/080/".length()) : null;
            final byte[] expected = tenant == null ? null : tokens.get(tenant);
            if (!request.decoderResult().isSuccess())
            {
                answer(ctx, keepAlive, 400, "{\"error\":\"malformed HTTP request\"}");
                return;
            }
            if (expected == null)
            {
                answer(ctx, keepAlive, 404, "{\"error\":\"POST /080/<tenant> for a tenant with optout080.token.<tenant>\"}");
                return;
            }
            final String signature = request.headers().get(SIGNATURE_HEADER);
            if (signature == null || !MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.UTF_8)))
            {
                answer(ctx, keepAlive, 401, "{\"error\":\"" + SIGNATURE_HEADER + " does not match optout080.token." +
                    tenant + "\"}");
                return;
            }
            if (request.method() != HttpMethod.POST)
            {
                answer(ctx, keepAlive, 405, "{\"error\":\"POST only\"}");
                return;
            }
            final List<InboundEvent> optOuts;
            try
            {
                optOuts = parse(tenant, request.content().toString(StandardCharsets.UTF_8), clock.time());
            }
            catch (final IllegalArgumentException ex)
            {
                answer(ctx, keepAlive, 400, Json.quote(new StringBuilder("{\"error\":"), ex.getMessage()) + "}");
                return;
            }
            final List<CompletableFuture<Boolean>> journaled = new ArrayList<>();
            optOuts.forEach(e -> journaled.add(sink.offer(e)));
            CompletableFuture.allOf(journaled.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) ->
            {
                final boolean all = failure == null && journaled.stream().allMatch(CompletableFuture::join);
                if (all)
                {
                    answer(ctx, keepAlive, 200, "{\"header\":{\"isSuccessful\":true,\"resultCode\":0}," +
                        "\"body\":{\"optOuts\":" + optOuts.size() + "}}");
                }
                else
                {
                    answer(ctx, keepAlive, 503, "{\"error\":\"not journaled (engine stopping or disk full): deliver " +
                        "again\"}");
                }
            });
        }

        /**
         * @return one OPT_OUT per hook of an UNSUBSCRIBE event; none for another event type (the same webhook URL may
         * be configured for result updates, which are not this receiver's).
         * @throws IllegalArgumentException naming the field that is missing or wrong.
         */
        static List<InboundEvent> parse(final String tenant, final String body, final long nowMs)
        {
            final Map<String, Object> root = Json.parseObject(body);
            final List<InboundEvent> out = new ArrayList<>();
            if (!"UNSUBSCRIBE".equals(Json.string(root, "event")))
            {
                return out;
            }
            if (!(Json.member(root, "hooks") instanceof List<?> hooks))
            {
                throw new IllegalArgumentException("hooks: a list of opt-outs is required");
            }
            for (int i = 0; i < hooks.size(); i++)
            {
                final Object hook = hooks.get(i);
                final String phone = digits(Json.string(hook, "recipientNo"));
                if (phone == null)
                {
                    throw new IllegalArgumentException("hooks[" + i + "].recipientNo: a phone number is required");
                }
                final String hookId = Json.string(hook, "hookId");
                final String number = Json.string(hook, "unsubscribeNo");
                out.add(new InboundEvent(InboundEvent.Kind.OPT_OUT, tenant, ChannelType.SMS, phone,
                    number == null ? "" : digits(number), 0, "",
                    Json.quote(new StringBuilder("{\"enterpriseName\":"), Json.string(hook, "enterpriseName"))
                        .append(",\"createdDateTime\":").append(Json.quote(new StringBuilder(),
                        Json.string(hook, "createdDateTime"))).append('}').toString(),
                    hookId == null ? "" : hookId, nowMs));
            }
            return out;
        }

        /** 010-1234-5678 and 01012345678 are one recipient: the key is the digits, as SUBMITs address phones. */
        private static String digits(final String phone)
        {
            if (phone == null)
            {
                return null;
            }
            final String d = phone.replaceAll("[\\s-]", "");
            return d.isEmpty() || d.length() > 255 ? null : d;
        }

        private static void answer(final ChannelHandlerContext ctx, final boolean keepAlive, final int status,
            final String json)
        {
            final byte[] body = json.getBytes(StandardCharsets.UTF_8);
            final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8");
            HttpUtil.setContentLength(response, body.length);
            HttpUtil.setKeepAlive(response, keepAlive);
            if (status >= 500)
            {
                LOG.warn("event=optout080_refused status={} effect=\"the provider delivers it again\"", status);
            }
            final var written = ctx.writeAndFlush(response);
            if (!keepAlive)
            {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }
}
