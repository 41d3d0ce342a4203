package io.dispatch.client;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.FallbackDeadline;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.SubmitDescriptor;
import io.netty.buffer.ByteBufUtil;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One message to submit, made with {@link #builder()}. {@link Builder#build()} checks every limit of the
 * SUBMIT body (protocol.md) so that the engine never has to NACK a malformed request from this client; the
 * message is encoded straight into the connection's pooled buffer when it is sent.
 * <p>
 * Immutable and thread-safe: one instance may be submitted many times and from many threads (with the same
 * idempotency key, later submits are answered as duplicates). The {@link Builder} is not thread-safe.
 */
public final class Submit
{
    private static final String[] NO_VARS = new String[0];

    private final MessageKind kind;
    private final ChannelType channel;
    private final String to;
    private final String text;
    private final String template;
    private final String[] varNames;
    private final String[] varValues;
    private final String key;
    private final int ttlSeconds;
    private final long sendAtEpochMs;
    private final int encodedLength;

    private Submit(final Builder b, final int encodedLength)
    {
        kind = b.kind;
        channel = b.channel;
        to = b.to;
        text = b.text == null ? "" : b.text;
        template = b.template == null ? "" : b.template;
        varNames = b.vars.keySet().toArray(NO_VARS);
        varValues = b.vars.values().toArray(NO_VARS);
        key = b.key == null ? "" : b.key;
        ttlSeconds = b.ttlSeconds;
        sendAtEpochMs = b.sendAtEpochMs;
        this.encodedLength = encodedLength;
    }

    /** @return a builder with kind INFORMATIONAL and channel SMS. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** @return the class of the message. */
    public MessageKind kind()
    {
        return kind;
    }

    /** @return the delivery channel. */
    public ChannelType channel()
    {
        return channel;
    }

    /** @return the recipient: phone number, push token or chat user key. */
    public String to()
    {
        return to;
    }

    /** @return the literal text, empty when a template is used. */
    public String text()
    {
        return text;
    }

    /** @return the template id, empty when a literal text is used. */
    public String template()
    {
        return template;
    }

    /** @return the template variables in the order they were set (a copy). */
    public Map<String, String> vars()
    {
        final Map<String, String> vars = new LinkedHashMap<>();
        for (int i = 0; i < varNames.length; i++)
        {
            vars.put(varNames[i], varValues[i]);
        }
        return Collections.unmodifiableMap(vars);
    }

    /** @return the idempotency key, empty for none. */
    public String key()
    {
        return key;
    }

    /** @return the time to live in seconds, 0 for the engine's default. */
    public int ttlSeconds()
    {
        return ttlSeconds;
    }

    /** @return when the engine should send it (epoch ms), or 0 for now. */
    public long sendAtEpochMs()
    {
        return sendAtEpochMs;
    }

    /** @return the exact length of the encoded SUBMIT body in bytes. */
    public int encodedLength()
    {
        return encodedLength;
    }

    int varCount()
    {
        return varNames.length;
    }

    String varName(final int i)
    {
        return varNames[i];
    }

    String varValue(final int i)
    {
        return varValues[i];
    }

    @Override
    public String toString()
    {
        return "Submit{kind=" + kind + ", channel=" + channel + ", to=" + to + ", template=" + template +
            ", textLength=" + text.length() + ", vars=" + varNames.length + ", key=" + key + ", ttlSeconds=" +
            ttlSeconds + '}';
    }

    /** Fluent, mutable builder of {@link Submit}. Not thread-safe. */
    public static final class Builder
    {
        private MessageKind kind = MessageKind.INFORMATIONAL;
        private ChannelType channel = ChannelType.SMS;
        private String to;
        private String text;
        private String template;
        private final LinkedHashMap<String, String> vars = new LinkedHashMap<>();
        private String key;
        private int ttlSeconds;
        private long sendAtEpochMs;

        private Builder()
        {
        }

        /** Sets the class of the message (default INFORMATIONAL). */
        public Builder kind(final MessageKind kind)
        {
            this.kind = Objects.requireNonNull(kind, "kind");
            return this;
        }

        /** Sets the delivery channel (default SMS). */
        public Builder channel(final ChannelType channel)
        {
            this.channel = Objects.requireNonNull(channel, "channel");
            return this;
        }

        /** Sets the recipient (required, 1..255 bytes UTF-8). */
        public Builder to(final String recipient)
        {
            this.to = recipient;
            return this;
        }

        /** Sets a literal text (up to 4000 bytes); exactly one of text and template is required. */
        public Builder text(final String text)
        {
            this.text = text;
            return this;
        }

        /** Sets a template id (up to 64 bytes); exactly one of text and template is required. */
        public Builder template(final String id)
        {
            this.template = id;
            return this;
        }

        /** Adds a template variable (name 1..64 bytes, value up to 1000); the same name again replaces it. */
        public Builder var(final String name, final String value)
        {
            vars.put(Objects.requireNonNull(name, "var name"), Objects.requireNonNull(value, "var value"));
            return this;
        }

        /**
         * Push first: falls back to the lane's fallback channel (e.g. SMS) when the message is not confirmed DELIVERED
         * within {@code wait} of the provider's acceptance, overriding the lane's {@code fallbackUndeliveredMs}. Carried
         * as the reserved variable {@value FallbackDeadline#VARIABLE}; the engine refuses it (INVALID_FIELD) on a lane
         * without a receipt deadline or outside 1 s .. the lane's receipt timeout.
         */
        public Builder fallbackAfter(final java.time.Duration wait)
        {
            final long ms = Objects.requireNonNull(wait, "fallbackAfter").toMillis();
            check(ms >= FallbackDeadline.MIN_MS, "fallbackAfter", "must be at least 1 s, was " + ms + " ms");
            return var(FallbackDeadline.VARIABLE, Long.toString(ms));
        }

        /** Sets the idempotency key (up to 128 bytes; tenant-scoped); none by default. */
        public Builder key(final String idempotencyKey)
        {
            this.key = idempotencyKey;
            return this;
        }

        /** Sets the time to live in seconds; 0 (default) means the engine's default. */
        public Builder ttlSeconds(final int ttlSeconds)
        {
            this.ttlSeconds = ttlSeconds;
            return this;
        }

        /**
         * Schedules the message (epoch ms, up to the engine's {@code schedule.maxAheadDays}, 60 days by default);
         * 0 (default) or a past instant sends now. The TTL counts from this instant.
         */
        public Builder sendAt(final long epochMs)
        {
            this.sendAtEpochMs = epochMs;
            return this;
        }

        /**
         * @return the validated message.
         * @throws IllegalArgumentException naming the first invalid field (the builder method's name).
         */
        public Submit build()
        {
            final int toBytes = to == null ? 0 : ByteBufUtil.utf8Bytes(to);
            check(toBytes > 0, "to", "is required");
            check(
                toBytes <= SubmitDescriptor.MAX_RECIPIENT_LENGTH,
                "to",
                tooLong(toBytes, SubmitDescriptor.MAX_RECIPIENT_LENGTH));
            final int textBytes = text == null ? 0 : ByteBufUtil.utf8Bytes(text);
            final int templateBytes = template == null ? 0 : ByteBufUtil.utf8Bytes(template);
            check((textBytes == 0) != (templateBytes == 0), "text/template", "exactly one of them is required");
            check(
                textBytes <= SubmitDescriptor.MAX_TEXT_LENGTH,
                "text",
                tooLong(textBytes, SubmitDescriptor.MAX_TEXT_LENGTH));
            check(
                templateBytes <= SubmitDescriptor.MAX_TEMPLATE_ID_LENGTH,
                "template",
                tooLong(templateBytes, SubmitDescriptor.MAX_TEMPLATE_ID_LENGTH));
            final int keyBytes = key == null ? 0 : ByteBufUtil.utf8Bytes(key);
            check(
                keyBytes <= SubmitDescriptor.MAX_KEY_LENGTH,
                "key",
                tooLong(keyBytes, SubmitDescriptor.MAX_KEY_LENGTH));
            check(ttlSeconds >= 0, "ttlSeconds", "must be >= 0, was " + ttlSeconds);
            check(sendAtEpochMs >= 0, "sendAt", "must be >= 0, was " + sendAtEpochMs);
            check(
                vars.size() <= SubmitDescriptor.MAX_VARS,
                "var",
                "at most " + SubmitDescriptor.MAX_VARS + " variables allowed, was " + vars.size());

            int length = SubmitDescriptor.FIXED_LENGTH +
                1 + keyBytes + 1 + toBytes + 1 + templateBytes + 2 + textBytes + 1;
            for (final Map.Entry<String, String> e : vars.entrySet())
            {
                final int nameBytes = ByteBufUtil.utf8Bytes(e.getKey());
                final int valueBytes = ByteBufUtil.utf8Bytes(e.getValue());
                check(
                    nameBytes > 0 && nameBytes <= SubmitDescriptor.MAX_VAR_NAME_LENGTH,
                    "var",
                    "name '" + e.getKey() + "' must be 1.." + SubmitDescriptor.MAX_VAR_NAME_LENGTH + " bytes");
                check(
                    valueBytes <= SubmitDescriptor.MAX_VAR_VALUE_LENGTH,
                    "var",
                    "value of '" + e.getKey() + "' " + tooLong(valueBytes, SubmitDescriptor.MAX_VAR_VALUE_LENGTH));
                length += 1 + nameBytes + 2 + valueBytes;
            }
            return new Submit(this, length);
        }

        private static String tooLong(final int bytes, final int max)
        {
            return "is " + bytes + " bytes UTF-8, at most " + max + " allowed";
        }

        private static void check(final boolean condition, final String field, final String message)
        {
            if (!condition)
            {
                throw new IllegalArgumentException(field + " " + message);
            }
        }
    }
}
