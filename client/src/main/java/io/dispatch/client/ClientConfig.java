package io.dispatch.client;

import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.SubmitDescriptor;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;

import java.nio.file.Path;

/**
 * Immutable configuration of a {@link DispatchClient}, made with {@link #builder()}; {@link Builder#build()}
 * validates every field and names the field in its message.
 * <p>
 * Immutable and thread-safe; the {@link Builder} is not thread-safe.
 */
public final class ClientConfig
{
    private final String host;
    private final int port;
    private final String tenant;
    private final String apiKey;
    private final String clientName;
    private final long connectTimeoutMs;
    private final long requestTimeoutMs;
    private final boolean reconnect;
    private final long reconnectMinBackoffMs;
    private final long reconnectMaxBackoffMs;
    private final int maxQueuedRequests;
    private final int maxBatchSize;
    private final int maxFrameLength;
    private final long closeTimeoutMs;
    private final EventLoopGroup eventLoopGroup;
    private final boolean tls;
    private final Path tlsCaFile;
    private final Path tlsCertFile;
    private final Path tlsKeyFile;
    private final boolean tlsServerNameCheck;
    private final SslContext sslContext;

    private ClientConfig(final Builder b, final SslContext sslContext)
    {
        host = b.host;
        port = b.port;
        tenant = b.tenant;
        apiKey = b.apiKey;
        clientName = b.clientName;
        connectTimeoutMs = b.connectTimeoutMs;
        requestTimeoutMs = b.requestTimeoutMs;
        reconnect = b.reconnect;
        reconnectMinBackoffMs = b.reconnectMinBackoffMs;
        reconnectMaxBackoffMs = b.reconnectMaxBackoffMs;
        maxQueuedRequests = b.maxQueuedRequests;
        maxBatchSize = b.maxBatchSize;
        maxFrameLength = b.maxFrameLength;
        closeTimeoutMs = b.closeTimeoutMs;
        eventLoopGroup = b.eventLoopGroup;
        tls = b.tls;
        tlsCaFile = b.tlsCaFile;
        tlsCertFile = b.tlsCertFile;
        tlsKeyFile = b.tlsKeyFile;
        tlsServerNameCheck = b.tlsServerNameCheck;
        this.sslContext = sslContext;
    }

    /** @return a builder holding the defaults. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** @return engine host name or address; default {@code 127.0.0.1}. */
    public String host()
    {
        return host;
    }

    /** @return engine TCP port; default 7700. */
    public int port()
    {
        return port;
    }

    /** @return tenant sent in HELLO; default {@code demo}. */
    public String tenant()
    {
        return tenant;
    }

    /** @return API key sent in HELLO; default {@code demo-key}. */
    public String apiKey()
    {
        return apiKey;
    }

    /** @return client name sent in HELLO (shows in engine logs); default {@code java-client}. */
    public String clientName()
    {
        return clientName;
    }

    /** @return bound on the TCP connect and, separately, on the HELLO/HELLO_OK handshake; default 5000. */
    public long connectTimeoutMs()
    {
        return connectTimeoutMs;
    }

    /** @return a request not answered this long after it was queued fails with a timeout; default 30000. */
    public long requestTimeoutMs()
    {
        return requestTimeoutMs;
    }

    /** @return whether a dropped connection is re-established; default true. */
    public boolean reconnect()
    {
        return reconnect;
    }

    /** @return first reconnect delay (before jitter); default 100. */
    public long reconnectMinBackoffMs()
    {
        return reconnectMinBackoffMs;
    }

    /** @return cap on the doubling reconnect delay; default 5000. */
    public long reconnectMaxBackoffMs()
    {
        return reconnectMaxBackoffMs;
    }

    /** @return requests (SUBMIT, STATUS) allowed to wait locally for credit; beyond it BACKPRESSURE; default 65536. */
    public int maxQueuedRequests()
    {
        return maxQueuedRequests;
    }

    /** @return most submits packed into one SUBMIT_BATCH frame; 1 disables batching; default 64. */
    public int maxBatchSize()
    {
        return maxBatchSize;
    }

    /** @return cap on a whole inbound frame (header included); default 1 MiB. */
    public int maxFrameLength()
    {
        return maxFrameLength;
    }

    /** @return bound on {@link DispatchClient#close()} waiting for answers owed; default 5000. */
    public long closeTimeoutMs()
    {
        return closeTimeoutMs;
    }

    /** @return a shared event loop group to run on (not shut down by the client), or null for a private one. */
    public EventLoopGroup eventLoopGroup()
    {
        return eventLoopGroup;
    }

    /** @return whether the connection runs over TLS (1.3, or 1.2 when the engine has nothing newer); default false. */
    public boolean tls()
    {
        return tls;
    }

    /** @return PEM CA certificates trusted to sign the engine's certificate; null = the JDK's default trust store. */
    public Path tlsCaFile()
    {
        return tlsCaFile;
    }

    /** @return PEM client certificate chain for mutual TLS, or null for none. */
    public Path tlsCertFile()
    {
        return tlsCertFile;
    }

    /** @return unencrypted PKCS#8 PEM key of {@link #tlsCertFile()}, or null. */
    public Path tlsKeyFile()
    {
        return tlsKeyFile;
    }

    /** @return whether the engine's certificate must name {@link #host()} (DNS name or IP); default true. */
    public boolean tlsServerNameCheck()
    {
        return tlsServerNameCheck;
    }

    /** @return the TLS context built from the files at {@link Builder#build()}, or null without TLS. */
    SslContext sslContext()
    {
        return sslContext;
    }

    @Override
    public String toString()
    {
        return "ClientConfig{host=" + host + ", port=" + port + ", tenant=" + tenant + ", clientName=" + clientName +
            ", connectTimeoutMs=" + connectTimeoutMs + ", requestTimeoutMs=" + requestTimeoutMs +
            ", reconnect=" + reconnect + ", reconnectMinBackoffMs=" + reconnectMinBackoffMs +
            ", reconnectMaxBackoffMs=" + reconnectMaxBackoffMs + ", maxQueuedRequests=" + maxQueuedRequests +
            ", maxBatchSize=" + maxBatchSize + ", maxFrameLength=" + maxFrameLength +
            ", closeTimeoutMs=" + closeTimeoutMs + ", sharedEventLoopGroup=" + (eventLoopGroup != null) +
            ", tls=" + tls +
            (tls ? ", tlsCaFile=" + tlsCaFile + ", tlsCertFile=" + tlsCertFile + ", tlsServerNameCheck=" +
            tlsServerNameCheck : "") + '}';
    }

    /** Fluent, mutable builder of {@link ClientConfig}. Not thread-safe. */
    public static final class Builder
    {
        private String host = "127.0.0.1";
        private int port = 7700;
        private String tenant = "demo";
        private String apiKey = "demo-key";
        private String clientName = "java-client";
        private long connectTimeoutMs = 5000;
        private long requestTimeoutMs = 30_000;
        private boolean reconnect = true;
        private long reconnectMinBackoffMs = 100;
        private long reconnectMaxBackoffMs = 5000;
        private int maxQueuedRequests = 65_536;
        private int maxBatchSize = 64;
        private int maxFrameLength = FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH;
        private long closeTimeoutMs = 5000;
        private EventLoopGroup eventLoopGroup;
        private boolean tls;
        private Path tlsCaFile;
        private Path tlsCertFile;
        private Path tlsKeyFile;
        private boolean tlsServerNameCheck = true;

        private Builder()
        {
        }

        /** @see ClientConfig#host() */
        public Builder host(final String host)
        {
            this.host = host;
            return this;
        }

        /** @see ClientConfig#port() */
        public Builder port(final int port)
        {
            this.port = port;
            return this;
        }

        /** @see ClientConfig#tenant() */
        public Builder tenant(final String tenant)
        {
            this.tenant = tenant;
            return this;
        }

        /** @see ClientConfig#apiKey() */
        public Builder apiKey(final String apiKey)
        {
            this.apiKey = apiKey;
            return this;
        }

        /** @see ClientConfig#clientName() */
        public Builder clientName(final String clientName)
        {
            this.clientName = clientName;
            return this;
        }

        /** @see ClientConfig#connectTimeoutMs() */
        public Builder connectTimeoutMs(final long connectTimeoutMs)
        {
            this.connectTimeoutMs = connectTimeoutMs;
            return this;
        }

        /** @see ClientConfig#requestTimeoutMs() */
        public Builder requestTimeoutMs(final long requestTimeoutMs)
        {
            this.requestTimeoutMs = requestTimeoutMs;
            return this;
        }

        /** @see ClientConfig#reconnect() */
        public Builder reconnect(final boolean reconnect)
        {
            this.reconnect = reconnect;
            return this;
        }

        /** @see ClientConfig#reconnectMinBackoffMs() */
        public Builder reconnectMinBackoffMs(final long reconnectMinBackoffMs)
        {
            this.reconnectMinBackoffMs = reconnectMinBackoffMs;
            return this;
        }

        /** @see ClientConfig#reconnectMaxBackoffMs() */
        public Builder reconnectMaxBackoffMs(final long reconnectMaxBackoffMs)
        {
            this.reconnectMaxBackoffMs = reconnectMaxBackoffMs;
            return this;
        }

        /** @see ClientConfig#maxQueuedRequests() */
        public Builder maxQueuedRequests(final int maxQueuedRequests)
        {
            this.maxQueuedRequests = maxQueuedRequests;
            return this;
        }

        /** @see ClientConfig#maxBatchSize() */
        public Builder maxBatchSize(final int maxBatchSize)
        {
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        /** @see ClientConfig#maxFrameLength() */
        public Builder maxFrameLength(final int maxFrameLength)
        {
            this.maxFrameLength = maxFrameLength;
            return this;
        }

        /** @see ClientConfig#closeTimeoutMs() */
        public Builder closeTimeoutMs(final long closeTimeoutMs)
        {
            this.closeTimeoutMs = closeTimeoutMs;
            return this;
        }

        /** @see ClientConfig#eventLoopGroup() */
        public Builder eventLoopGroup(final EventLoopGroup eventLoopGroup)
        {
            this.eventLoopGroup = eventLoopGroup;
            return this;
        }

        /** @see ClientConfig#tls() */
        public Builder tls(final boolean tls)
        {
            this.tls = tls;
            return this;
        }

        /** @see ClientConfig#tlsCaFile() */
        public Builder tlsCaFile(final Path tlsCaFile)
        {
            this.tlsCaFile = tlsCaFile;
            return this;
        }

        /** Client certificate and its key for mutual TLS; both or neither. */
        public Builder tlsClientCertificate(final Path tlsCertFile, final Path tlsKeyFile)
        {
            this.tlsCertFile = tlsCertFile;
            this.tlsKeyFile = tlsKeyFile;
            return this;
        }

        /** @see ClientConfig#tlsServerNameCheck() */
        public Builder tlsServerNameCheck(final boolean tlsServerNameCheck)
        {
            this.tlsServerNameCheck = tlsServerNameCheck;
            return this;
        }

        /**
         * @return the validated, immutable configuration; with TLS on, the files are read here.
         * @throws IllegalArgumentException naming the first invalid field.
         */
        public ClientConfig build()
        {
            requireText("host", host, 255);
            require(port > 0 && port <= 65_535, "port", "must be 1..65535, was " + port);
            requireText("tenant", tenant, 255);
            require(apiKey != null, "apiKey", "is required");
            require(ByteBufUtil.utf8Bytes(apiKey) <= 255, "apiKey", "must be at most 255 bytes");
            requireText("clientName", clientName, 255);
            require(connectTimeoutMs > 0, "connectTimeoutMs", "must be > 0, was " + connectTimeoutMs);
            require(requestTimeoutMs > 0, "requestTimeoutMs", "must be > 0, was " + requestTimeoutMs);
            require(reconnectMinBackoffMs > 0, "reconnectMinBackoffMs", "must be > 0, was " + reconnectMinBackoffMs);
            require(
                reconnectMaxBackoffMs >= reconnectMinBackoffMs,
                "reconnectMaxBackoffMs",
                "must be >= reconnectMinBackoffMs (" + reconnectMinBackoffMs + "), was " + reconnectMaxBackoffMs);
            require(maxQueuedRequests > 0, "maxQueuedRequests", "must be > 0, was " + maxQueuedRequests);
            require(
                maxBatchSize >= 1 && maxBatchSize <= SubmitDescriptor.MAX_BATCH_COUNT,
                "maxBatchSize",
                "must be 1.." + SubmitDescriptor.MAX_BATCH_COUNT + ", was " + maxBatchSize);
            require(
                maxFrameLength >= 1024,
                "maxFrameLength",
                "must be >= 1024 (NACK details need room), was " + maxFrameLength);
            require(closeTimeoutMs >= 0, "closeTimeoutMs", "must be >= 0, was " + closeTimeoutMs);
            require((tlsCertFile == null) == (tlsKeyFile == null), tlsCertFile == null ? "tlsCertFile" : "tlsKeyFile",
                "is required with " + (tlsCertFile == null ? "tlsKeyFile" : "tlsCertFile"));
            require(tls || (tlsCaFile == null && tlsCertFile == null), tlsCaFile != null ? "tlsCaFile" : "tlsCertFile",
                "is set but tls is off");
            return new ClientConfig(this,
                tls ? ClientTls.context(tlsCaFile, tlsCertFile, tlsKeyFile, tlsServerNameCheck) : null);
        }

        private static void requireText(final String field, final String value, final int maxBytes)
        {
            require(value != null && !value.isBlank(), field, "is required");
            require(
                ByteBufUtil.utf8Bytes(value) <= maxBytes,
                field,
                "must be at most " + maxBytes + " bytes");
        }

        private static void require(final boolean condition, final String field, final String message)
        {
            if (!condition)
            {
                throw new IllegalArgumentException(field + " " + message);
            }
        }
    }
}
