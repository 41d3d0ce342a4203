package io.dispatch.targeting;

import io.dispatch.config.TemplateRegistry;
import io.dispatch.protocol.CampaignFlyweight;
import io.dispatch.protocol.ChannelType;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine's reading of a CAMPAIGN body, written as the client writes it ({@link CampaignFlyweight}), at an offset
 * that is not 0 (as in a journaled record): the fields, the templates resolved against the engine's, and the
 * refusals that depend on them.
 */
class CampaignSpecTest
{
    private static final int AT = 9;
    private final TemplateRegistry templates = new TemplateRegistry(Map.of(
        "promo_chat", "(광고) #{brand} 주말 특가 무료수신거부 080-000-0000",
        "promo_sms", "(광고) 세일 무료수신거부 080-000-0000",
        "plain", "hello"));

    private static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] body(final String chatTemplate, final String smsTemplate)
    {
        final ExpandableArrayBuffer b = new ExpandableArrayBuffer(256);
        final CampaignFlyweight w = new CampaignFlyweight().wrapForEncode(b, AT)
            .fixed(0, 250, 0, 60)
            .name(utf8("spring"))
            .senderNumber(utf8("0801234567"))
            .channels(new byte[] {ChannelType.CHAT.code(), ChannelType.SMS.code()})
            .templateCount(smsTemplate == null ? 1 : 2)
            .template(ChannelType.CHAT.code(), utf8(chatTemplate));
        if (smsTemplate != null)
        {
            w.template(ChannelType.SMS.code(), utf8(smsTemplate));
        }
        w.segment(utf8("tag('vip')")).varCount(1).var(utf8("brand"), utf8("상점"));
        return Arrays.copyOf(b.byteArray(), AT + w.encodedLength());
    }

    @Test
    void shouldReadEveryFieldAndResolveTheTemplates() throws Exception
    {
        final byte[] b = body("promo_chat", "promo_sms");
        final CampaignSpec spec = CampaignSpec.parse(b, AT, b.length - AT, templates);
        assertThat(spec.dryRun).isFalse();
        assertThat(spec.pacingPerSecond).isEqualTo(250);
        assertThat(spec.ttlSeconds).isEqualTo(60);
        assertThat(spec.name).isEqualTo("spring");
        assertThat(new String(spec.sender, StandardCharsets.UTF_8)).isEqualTo("0801234567");
        assertThat(spec.channels).containsExactly(ChannelType.CHAT.code(), ChannelType.SMS.code());
        assertThat(spec.templateByChannel[ChannelType.CHAT.code()]).isEqualTo(templates.find("promo_chat"));
        assertThat(spec.templateByChannel[ChannelType.SMS.code()]).isEqualTo(templates.find("promo_sms"));
        assertThat(spec.templateByChannel[ChannelType.PUSH.code()]).isEqualTo(-1);
        assertThat(new String(spec.templateIdByChannel[ChannelType.SMS.code()], StandardCharsets.UTF_8))
            .isEqualTo("promo_sms");
        assertThat(spec.segment).isEqualTo("tag('vip')");
        assertThat(spec.constant(utf8("brand"))).isEqualTo(utf8("상점"));
        assertThat(spec.constant(utf8("other"))).isNull();
    }

    @Test
    void shouldRefuseTemplatesTheEngineCannotUse()
    {
        final byte[] unknown = body("nope", "promo_sms");
        assertThatThrownBy(() -> CampaignSpec.parse(unknown, AT, unknown.length - AT, templates))
            .isInstanceOf(CampaignSpec.Invalid.class).hasMessage("templateId 'nope' is not configured");

        final byte[] notAd = body("plain", "promo_sms");
        assertThatThrownBy(() -> CampaignSpec.parse(notAd, AT, notAd.length - AT, templates))
            .isInstanceOf(CampaignSpec.Invalid.class)
            .hasMessageStartingWith("templateId 'plain': a campaign is marketing");

        final byte[] missing = body("promo_chat", null);
        assertThatThrownBy(() -> CampaignSpec.parse(missing, AT, missing.length - AT, templates))
            .isInstanceOf(CampaignSpec.Invalid.class).hasMessage("templates: no template for channel sms");
    }

    @Test
    void shouldRefuseABrokenBodyWithTheFlyweightsDetail()
    {
        final byte[] b = body("promo_chat", "promo_sms");
        assertThatThrownBy(() -> CampaignSpec.parse(b, AT, b.length - AT - 1, templates))
            .isInstanceOf(CampaignSpec.Invalid.class).hasMessage("var value truncated");
    }
}
