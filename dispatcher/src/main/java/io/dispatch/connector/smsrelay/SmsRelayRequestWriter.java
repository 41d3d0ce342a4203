package io.dispatch.connector.smsrelay;

import io.dispatch.connector.DeliveryRequest;
import io.dispatch.json.Json;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides how one message goes out (SMS, LMS, MMS, or several SMS parts) and builds its NHN Cloud SMS request
 * bodies, refusing locally what the relay would refuse anyway:
 * <ul>
 *   <li>a text that fits 90 bytes in EUC-KR is an SMS; a longer one an LMS (title ≤ 40 bytes, body ≤ 2,000
 *       bytes), or, for a tenant with {@code longText=split}, up to {@code split.maxParts} SMS parts; marketing
 *       is never split (every part would need the (광고) marking and the 080 opt-out line);</li>
 *   <li>a message with images ({@code sms.images}) is an MMS;</li>
 *   <li>marketing goes to the relay's ad endpoints, auth SMS to the auth endpoint.</li>
 * </ul>
 * The SUBMIT names LMS/MMS extras with reserved variables, so no protocol change is needed: {@code sms.title}
 * (else {@code lms.defaultTitle}, else the first line of the text) and {@code sms.images} (up to 3 comma-separated
 * image ids registered for the tenant, or {@code file:} paths under {@code images.allowedDir}).
 * <p><b>Note:</b> {@link #plan} is not thread-safe (one instance per lane thread); a plan is immutable once built,
 * and {@link #body} may run on any thread.
 */
final class SmsRelayRequestWriter
{
    static final String TITLE_VARIABLE = "sms.title";
    static final String IMAGES_VARIABLE = "sms.images";
    static final int MAX_IMAGES = 3;
    static final int MAX_RECIPIENT_DIGITS = 20;

    /** How one message is sent: its type, endpoint, and one request body per part. */
    record Plan(SmsType type, String path, String lookupPath, String[] parts, String title, String[] images)
    {
        int partCount()
        {
            return parts.length;
        }
    }

    private final SmsRelaySettings settings;
    private final SmsText text = new SmsText();
    private Reason refusal;

    SmsRelayRequestWriter(final SmsRelaySettings settings)
    {
        this.settings = settings;
    }

    /** @return the plan, or null with {@link #refusal()} set. */
    Plan plan(final DeliveryRequest request)
    {
        refusal = null;
        if (normalise(request.recipient()) == null)
        {
            return refuse(Reason.INVALID_RECIPIENT);
        }
        final String body = request.text();
        if (body.isEmpty())
        {
            return refuse(Reason.CONTENT_REJECTED);
        }
        final int bytes = text.length(body);
        if (bytes == SmsText.NOT_ENCODABLE)
        {
            // NHN sends EUC-KR and fails emoji (-2023): refuse now, with a reason the sender can act on
            return refuse(Reason.CONTENT_REJECTED);
        }
        final String imageSpec = request.vars().valueOf(IMAGES_VARIABLE);
        final String[] images = imageSpec == null || imageSpec.isBlank() ? new String[0] : split(imageSpec);
        if (images.length > MAX_IMAGES)
        {
            return refuse(Reason.CONTENT_REJECTED);
        }
        final boolean marketing = request.kind() == MessageKind.MARKETING;
        final String api = settings.apiPath();
        if (images.length == 0 && bytes <= SmsText.SMS_BYTES)
        {
            final String path = marketing ? "/sender/ad-sms" : request.kind() == MessageKind.AUTH ? "/sender/auth/sms" : "/sender/sms";
            return new Plan(SmsType.SMS, api + path, api + "/sender/sms", new String[] {body}, null, images);
        }
        if (bytes > SmsText.LMS_BYTES)
        {
            return refuse(Reason.PAYLOAD_TOO_LARGE);
        }
        if (images.length == 0 && !marketing && settings.longTextOf(request.tenant()) == SmsRelaySettings.LongText.SPLIT)
        {
            final List<String> parts = new ArrayList<>();
            int start = 0;
            while (start < body.length())
            {
                final int end = SmsText.fit(body, start, SmsText.SMS_BYTES);
                parts.add(body.substring(start, end));
                start = end;
            }
            if (parts.size() > settings.splitMaxParts())
            {
                return refuse(Reason.PAYLOAD_TOO_LARGE);
            }
            final String path = request.kind() == MessageKind.AUTH ? "/sender/auth/sms" : "/sender/sms";
            return new Plan(SmsType.SMS, api + path, api + "/sender/sms", parts.toArray(new String[0]), null, images);
        }
        String title = request.vars().valueOf(TITLE_VARIABLE);
        if (title == null || title.isBlank())
        {
            title = settings.defaultTitle() != null ? settings.defaultTitle() : SmsText.titleFrom(body);
        }
        final int titleBytes = text.length(title);
        if (titleBytes == SmsText.NOT_ENCODABLE)
        {
            return refuse(Reason.CONTENT_REJECTED);
        }
        if (titleBytes > SmsText.TITLE_BYTES)
        {
            return refuse(Reason.PAYLOAD_TOO_LARGE);
        }
        return new Plan(images.length == 0 ? SmsType.LMS : SmsType.MMS, api + (marketing ? "/sender/ad-mms" : "/sender/mms"),
            api + "/sender/mms", new String[] {body}, title, images);
    }

    /**
     * @param fileIds the relay's attachment ids for the plan's images, in order.
     * @return the body of part {@code part} (0-based) for recipient {@code recipient}.
     */
    static byte[] body(final SmsRelaySettings settings, final Plan plan, final int part, final String recipient,
        final String tenant, final long messageId, final long[] fileIds)
    {
        final StringBuilder out = new StringBuilder(256 + plan.parts()[part].length() * 3);
        if (plan.title() != null)
        {
            out.append("{\"title\":");
            Json.quote(out, plan.title()).append(",\"body\":");
        }
        else
        {
            out.append("{\"body\":");
        }
        Json.quote(out, plan.parts()[part]);
        out.append(",\"sendNo\":");
        Json.quote(out, settings.sendNo());
        out.append(",\"senderGroupingKey\":");
        Json.quote(out, tenant.length() > 100 ? tenant.substring(0, 100) : tenant);
        if (fileIds.length > 0)
        {
            out.append(",\"attachFileIdList\":[");
            for (int i = 0; i < fileIds.length; i++)
            {
                out.append(i == 0 ? "" : ",").append(fileIds[i]);
            }
            out.append(']');
        }
        out.append(",\"recipientList\":[{\"recipientNo\":");
        Json.quote(out, recipient);
        out.append(",\"recipientGroupingKey\":");
        Json.quote(out, groupingKey(messageId, part, plan.partCount()));
        out.append("}]}");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Our message id, and for a split message the part: {@code 42}, or {@code 42:2/3}. Result webhooks echo it. */
    static String groupingKey(final long messageId, final int part, final int parts)
    {
        return parts == 1 ? Long.toString(messageId) : messageId + ":" + (part + 1) + "/" + parts;
    }

    /** @return the number as the relay wants it (digits only, dashes and spaces dropped), or null when it is not one. */
    static String normalise(final String recipient)
    {
        final StringBuilder digits = new StringBuilder(recipient.length());
        for (int i = 0; i < recipient.length(); i++)
        {
            final char c = recipient.charAt(i);
            if (c >= '0' && c <= '9')
            {
                digits.append(c);
            }
            else if (c != '-' && c != ' ')
            {
                return null;
            }
        }
        return digits.length() == 0 || digits.length() > MAX_RECIPIENT_DIGITS ? null : digits.toString();
    }

    private static String[] split(final String spec)
    {
        final String[] refs = spec.split(",");
        for (int i = 0; i < refs.length; i++)
        {
            refs[i] = refs[i].strip();
        }
        return refs;
    }

    private Plan refuse(final Reason reason)
    {
        refusal = reason;
        return null;
    }

    Reason refusal()
    {
        return refusal;
    }
}
