package io.dispatch.bench;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.SubmitDescriptor;
import io.netty.buffer.ByteBuf;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The messages the benchmarks send, so every benchmark measures the same bodies. {@code template}: an
 * order notification by template with two variables (about 90 bytes); {@code text}: a free-text SMS of
 * 160 characters (about 210 bytes). Both carry a 16-byte idempotency key. Stateless; thread-safe.
 */
public final class SubmitSamples
{
    public static final String TEMPLATE = "template";
    public static final String TEXT = "text";

    public static final int KEY_LENGTH = 16;
    /** Offset of the idempotency key bytes in an encoded body (after the fixed part and the key's length byte). */
    public static final int KEY_OFFSET = SubmitDescriptor.FIXED_LENGTH + 1;

    public static final MessageKind KIND = MessageKind.INFORMATIONAL;
    public static final ChannelType CHANNEL = ChannelType.SMS;
    public static final String KEY = "order-1234567-c1";
    public static final String RECIPIENT = "+447700900123";
    public static final String TEMPLATE_ID = "order_shipped";
    public static final String TEXT_160 =
        "Your order 1234567 has shipped and will arrive on Thursday 26 Nov between 09:00 and 13:00. "
        + "Track it at https://example.com/t/1234567 - or reply STOP to opt out.";

    private SubmitSamples()
    {
    }

    /** Appends the sample body named {@code shape} at the writer index. @return its length. */
    public static int encode(final ByteBuf out, final String shape)
    {
        return ByteBufFrames.submitBody(out, KIND, CHANNEL, 0, KEY, RECIPIENT, templateId(shape), text(shape), vars(shape));
    }

    public static String templateId(final String shape)
    {
        return TEMPLATE.equals(require(shape)) ? TEMPLATE_ID : null;
    }

    public static String text(final String shape)
    {
        return TEXT.equals(require(shape)) ? TEXT_160 : null;
    }

    public static Map<String, String> vars(final String shape)
    {
        if (!TEMPLATE.equals(require(shape)))
        {
            return null;
        }
        final Map<String, String> vars = new LinkedHashMap<>();
        vars.put("name", "Alice");
        vars.put("order", "1234567");
        return vars;
    }

    private static String require(final String shape)
    {
        if (!TEMPLATE.equals(shape) && !TEXT.equals(shape))
        {
            throw new IllegalArgumentException("message shape '" + shape + "': expected template or text");
        }
        return shape;
    }
}
