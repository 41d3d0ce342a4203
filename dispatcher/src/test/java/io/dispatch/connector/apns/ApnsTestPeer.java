package io.dispatch.connector.apns;

import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.PushNotificationHandler;
import com.eatthepath.pushy.apns.server.PushNotificationHandlerFactory;
import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.ValidatingPushNotificationHandlerFactory;
import io.dispatch.testing.TestTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.Http2Headers;

import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A loopback APNs: Pushy's {@link MockApnsServer} with its validating handler (JWT signature, key,
 * team, topic, device token, headers, payload size) plus scripted answers by device token, and a record
 * of the headers and payload of every accepted notification.
 * <p>
 * Generates its own TLS material (a CA and a {@code localhost} certificate) and a .p8 signing key;
 * {@link #connectorSettings()} gives the settings that make the {@code apns} connector talk to it.
 */
public final class ApnsTestPeer implements AutoCloseable
{
    public static final String TOPIC = "io.dispatch.test";
    public static final String KEY_ID = "KEYID12345";
    public static final String TEAM_ID = "TEAMID1234";

    /** One notification as the peer received it. */
    public record Received(String token, Map<String, String> headers, String payload)
    {
    }

    public final Map<String, Received> receivedByApnsId = new ConcurrentHashMap<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final Map<String, RejectionReason> scripted = new ConcurrentHashMap<>();
    private final Map<String, Instant> unregistered = new ConcurrentHashMap<>();
    private final TestTls tls;
    private final Path keyFile;
    private final MockApnsServer server;
    private final Channel serverChannel;
    private final EventLoopGroup group;
    private volatile boolean recording = true;
    private volatile boolean validating = true;

    /**
     * @param validTokens   device tokens registered for {@link #TOPIC}.
     * @param unregistered  tokens answered 410 Unregistered.
     * @param scripted      tokens answered with the given rejection (429, 500, 503, 400 …).
     */
    public ApnsTestPeer(
        final Path dir,
        final Set<String> validTokens,
        final Map<String, Instant> unregistered,
        final Map<String, RejectionReason> scripted) throws Exception
    {
        tls = TestTls.create(dir.resolve("apns-tls"));
        final KeyPair signing = TestTls.ecKeyPair();
        keyFile = TestTls.writePem(dir.resolve("AuthKey_" + KEY_ID + ".p8"), "PRIVATE KEY", signing.getPrivate().getEncoded());
        final ApnsVerificationKey verificationKey = new ApnsVerificationKey(KEY_ID, TEAM_ID, (ECPublicKey)signing.getPublic());
        this.tokens.addAll(validTokens);
        this.tokens.addAll(unregistered.keySet());
        this.tokens.addAll(scripted.keySet());
        this.unregistered.putAll(unregistered);
        this.scripted.putAll(scripted);
        final Map<String, Set<String>> tokensByTopic = new HashMap<>();
        tokensByTopic.put(TOPIC, this.tokens);
        final Map<ApnsVerificationKey, Set<String>> topicsByKey = new HashMap<>();
        topicsByKey.put(verificationKey, new HashSet<>(Set.of(TOPIC)));
        final PushNotificationHandlerFactory validating = new ValidatingPushNotificationHandlerFactory(
            tokensByTopic, this.unregistered, Map.of(KEY_ID, verificationKey), topicsByKey);
        group = newGroup();
        server = new MockApnsServerBuilder()
            .setEventLoopGroup(group)
            .setServerCredentials(new java.security.cert.X509Certificate[] {tls.server, tls.ca}, tls.serverKey, null)
            .setHandlerFactory(session -> scriptedHandler(validating.buildHandler(session)))
            .build();
        serverChannel = bindLoopback(server);
    }

    /** A handler that validates first, as APNs does, then answers as scripted for the token. */
    private PushNotificationHandler scriptedHandler(final PushNotificationHandler validating)
    {
        return (headers, payload) ->
        {
            if (this.validating)
            {
                validating.handlePushNotification(headers, payload);
            }
            final String token = token(headers);
            final RejectionReason reason = scripted.get(token);
            if (reason != null)
            {
                throw new RejectedNotificationException(reason);
            }
            record(token, headers, payload);
        };
    }

    private void record(final String token, final Http2Headers headers, final ByteBuf payload)
    {
        if (!recording)
        {
            return;
        }
        final Map<String, String> copy = new HashMap<>();
        headers.forEach(e -> copy.put(e.getKey().toString(), e.getValue().toString()));
        final String apnsId = copy.getOrDefault("apns-id", "none");
        receivedByApnsId.put(apnsId, new Received(token, copy, payload.toString(StandardCharsets.UTF_8)));
    }

    private static String token(final Http2Headers headers)
    {
        final String path = String.valueOf(headers.path());
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** A named thread ("apns-peer") so benchmarks can tell the peer's CPU from the connector's. */
    @SuppressWarnings("deprecation") // Pushy 0.15 knows NioEventLoopGroup, not 4.2's IoHandler groups
    private static EventLoopGroup newGroup()
    {
        return new io.netty.channel.nio.NioEventLoopGroup(1, new io.netty.util.concurrent.DefaultThreadFactory("apns-peer", true));
    }

    /**
     * Benchmarks: skip Pushy's validation (an ECDSA verification of the provider token per notification,
     * about 2 ms of CPU on the 2-core build machine) so the peer measures transport, not crypto.
     */
    public void validating(final boolean on)
    {
        validating = on;
    }

    /** Stop keeping what arrives (benchmarks: millions of notifications). */
    public void recording(final boolean on)
    {
        recording = on;
    }

    /**
     * MockApnsServer.start(port) binds the wildcard address; tests must listen on loopback only, so bind
     * its bootstrap ourselves (a private field: test-only reflection on a pinned Pushy version).
     */
    private static Channel bindLoopback(final MockApnsServer server) throws Exception
    {
        final Field field = Class.forName("com.eatthepath.pushy.apns.server.BaseHttp2Server").getDeclaredField("bootstrap");
        field.setAccessible(true);
        final ServerBootstrap bootstrap = (ServerBootstrap)field.get(server);
        return bootstrap.bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    public int port()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    /** Connector settings (without any lane prefix) that point at this peer. */
    public Map<String, String> connectorSettings()
    {
        final Map<String, String> s = new HashMap<>();
        s.put("host", "localhost");
        s.put("port", Integer.toString(port()));
        s.put("keyFile", keyFile.toString());
        s.put("keyId", KEY_ID);
        s.put("teamId", TEAM_ID);
        s.put("topic", TOPIC);
        s.put("trustedCaFile", tls.caFile.toString());
        s.put("requestTimeoutMs", "5000");
        s.put("connectTimeoutMs", "5000");
        return s;
    }

    public Path keyFile()
    {
        return keyFile;
    }

    public void script(final String token, final RejectionReason reason)
    {
        tokens.add(token);
        scripted.put(token, reason);
    }

    @Override
    public void close() throws Exception
    {
        serverChannel.close().sync();
        server.shutdown().get(10, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
