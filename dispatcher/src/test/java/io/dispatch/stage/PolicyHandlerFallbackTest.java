package io.dispatch.stage;

import io.dispatch.config.PolicyConfig;
import io.dispatch.config.TenantPolicy;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.config.Settings;
import io.dispatch.config.TenantConfig;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalWriter;
import io.dispatch.policy.DedupIndex;
import io.dispatch.policy.PolicyEngine;
import io.dispatch.policy.RecipientDirectory;
import io.dispatch.policy.RecipientKeys;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.CancelledCampaigns;
import io.dispatch.status.Counters;
import io.dispatch.status.PolicyRates;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fallback is a new decision on the fallback channel: the policy stage reads the message from the journal and
 * applies that channel's consent, ad-marking rule and night window as if it were submitted there now.
 */
class PolicyHandlerFallbackTest
{
    private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
    private static final long AFTERNOON = at("2026-11-25T14:00:00");
    private static final long NIGHT = at("2026-11-25T22:00:00");
    private static final byte SMS = ChannelType.SMS.code();

    @TempDir
    Path dir;

    private final CancelledCampaigns cancelled = new CancelledCampaigns();
    private Journal journal;
    private JournalWriter writer;
    private PolicyEngine engine;
    private PolicyHandler stage;
    private FallbackMessages messages;

    private void start(final String chatAdMarking)
    {
        final Properties p = new Properties();
        p.setProperty("tenants", "acme");
        p.setProperty("tenant.acme.apiKey", "k");
        p.setProperty("policy.adMarking.chat", chatAdMarking);
        final Settings s = new Settings(p);
        final TenantPolicy[] tenants = new TenantPolicy[2];
        tenants[1] = TenantPolicy.read(s, "acme");
        final PolicyConfig config = PolicyConfig.read(s);
        engine = new PolicyEngine(config, tenants, new RecipientDirectory(), AFTERNOON);
        journal = new Journal(dir, "FAST_DAILY");
        writer = journal.newWriter(false);
        messages = new FallbackMessages(journal, List.of(new TenantConfig(1, "acme", "k")));
        final byte[] fallbackChannels = new byte[4];
        fallbackChannels[ChannelType.CHAT.code()] = SMS;
        stage = new PolicyHandler(engine, new DedupIndex(60_000), () -> AFTERNOON, new Counters(), new PolicyRates(2),
            PolicyHandler.Wiring.NONE.withCancelled(cancelled).withFallbacks(messages, config.adMarking(), fallbackChannels));
    }

    @AfterEach
    void close()
    {
        messages.close();
        writer.close();
        journal.close();
    }

    @Test
    void shouldMoveAnInformationalMessageWithTheTriggerAndWhatTheNewLaneNeeds()
    {
        start("off");
        final long id = accept(MessageKind.INFORMATIONAL, "01011112222", AFTERNOON - 5_000, 3600);
        final DispatchEvent e = fallback(id, AFTERNOON, Reason.NOT_CHANNEL_USER);
        assertThat(e.decision).isEqualTo(Decision.SEND.code());
        assertThat(e.newState).isEqualTo(DeliveryState.RETRYING.code());
        assertThat(e.reason).as("the trigger").isEqualTo((short)Reason.NOT_CHANNEL_USER.code());
        assertThat(e.channel).isEqualTo(SMS);
        assertThat(e.tenantId).isEqualTo(1);
        assertThat(e.kind).isEqualTo(MessageKind.INFORMATIONAL.code());
        assertThat(e.recipientKey).isEqualTo(key("01011112222"));
        assertThat(e.deadlineMs).isEqualTo(AFTERNOON - 5_000 + 3_600_000);
    }

    @Test
    void shouldSuppressMarketingWhoseTextNoChannelRuleCheckedWhenTheNewChannelRequiresTheAdMarking()
    {
        start("off");
        final long id = accept(MessageKind.MARKETING, "01011112222", AFTERNOON, 3600);
        consent("01011112222", ConsentFlags.AD);
        final DispatchEvent e = fallback(id, AFTERNOON, Reason.NOT_CHANNEL_USER);
        assertThat(e.decision).isEqualTo(Decision.SUPPRESS.code());
        assertThat(e.newState).isEqualTo(DeliveryState.SUPPRESSED.code());
        assertThat(e.reason).isEqualTo((short)Reason.AD_MARKING_MISSING.code());
    }

    @Test
    void shouldApplyTheNewChannelsConsentAndNightWindowToMarketing()
    {
        start("validate");
        final long noSmsConsent = accept(MessageKind.MARKETING, "01011112222", AFTERNOON, 86_400);
        final long atNight = accept(MessageKind.MARKETING, "01033334444", AFTERNOON, 86_400);
        final long byDay = accept(MessageKind.MARKETING, "01055556666", AFTERNOON, 86_400);
        consent("01033334444", ConsentFlags.AD);
        consent("01055556666", ConsentFlags.AD);

        final DispatchEvent refused = fallback(noSmsConsent, AFTERNOON, Reason.NOT_CHANNEL_USER);
        assertThat(refused.decision).isEqualTo(Decision.SUPPRESS.code());
        assertThat(refused.reason).isEqualTo((short)Reason.NO_CONSENT.code());

        final DispatchEvent held = fallback(atNight, NIGHT, Reason.NOT_CHANNEL_USER);
        assertThat(held.decision).isEqualTo(Decision.DEFER.code());
        assertThat(held.newState).isEqualTo(DeliveryState.DEFERRED.code());
        assertThat(held.reason).isEqualTo((short)Reason.NIGHT_WINDOW.code());
        assertThat(held.dueAtMs).isEqualTo(at("2026-11-26T08:00:00"));
        assertThat(held.consentOverride).as("the address's own consent on SMS decides").isEqualTo(-1);
        assertThat(stage.deferredCount()).as("its release will be decided like any deferral").isEqualTo(1);

        final DispatchEvent sent = fallback(byDay, AFTERNOON, Reason.NOT_CHANNEL_USER);
        assertThat(sent.decision).isEqualTo(Decision.SEND.code());
        assertThat(sent.newState).isEqualTo(DeliveryState.RETRYING.code());
    }

    @Test
    void shouldExplainWhatAFallbackWouldBeDecidedWithoutDecidingIt()
    {
        start("validate");
        consent("01033334444", ConsentFlags.AD);
        final DispatchEvent e = new DispatchEvent();
        e.type = DispatchEvent.SUBMIT;
        e.outcome = DispatchEvent.OUTCOME_DRY_RUN;
        e.dryRun = true;
        e.tenantId = 1;
        e.kind = MessageKind.MARKETING.code();
        e.channel = ChannelType.CHAT.code();
        e.recipientKey = key("01033334444");
        e.body = body(MessageKind.MARKETING, "01033334444");
        e.bodyLength = e.body.length;
        e.acceptedAtMs = NIGHT;
        stage.onEvent(e, 0, true);
        assertThat(e.fallbackChannel).isEqualTo(SMS);
        assertThat(e.fallbackDecision).as("ad consent on SMS, but not for the night").isEqualTo(Decision.DEFER.code());
        assertThat(e.fallbackReason).isEqualTo((short)Reason.NIGHT_WINDOW.code());
        assertThat(stage.deferredCount()).as("nothing was deferred").isZero();

        e.decision = Decision.DUPLICATE.code();
        stage.onEvent(e, 1, true);
        assertThat(e.fallbackChannel).as("a duplicate would not be sent at all, whatever the slot held").isZero();

        e.decision = 0;
        e.channel = SMS;
        stage.onEvent(e, 2, true);
        assertThat(e.fallbackChannel).as("the SMS lane has no fallback").isZero();
    }

    @Test
    void shouldSuppressAnSmsFallbackOfADirectoryRecipientsChatKeyRatherThanTextIt()
    {
        start("off");
        final byte[] person = "directory:u1".getBytes(StandardCharsets.US_ASCII);
        engine.directory().link(key("kakao-u1"), RecipientDirectory.personKey(1, person, 0, person.length),
            RecipientDirectory.CHAT_KEY);
        final long chatKey = accept(MessageKind.INFORMATIONAL, "kakao-u1", AFTERNOON, 3600);
        final DispatchEvent e = fallback(chatKey, AFTERNOON, Reason.NOT_CHANNEL_USER);
        assertThat(e.decision).isEqualTo(Decision.SUPPRESS.code());
        assertThat(e.newState).isEqualTo(DeliveryState.SUPPRESSED.code());
        assertThat(e.reason).isEqualTo((short)Reason.UNKNOWN_RECIPIENT.code());

        final DispatchEvent explained = explain(MessageKind.INFORMATIONAL, "kakao-u1");
        assertThat(explained.fallbackChannel).isEqualTo(SMS);
        assertThat(explained.fallbackDecision).isEqualTo(Decision.SUPPRESS.code());
        assertThat(explained.fallbackReason).isEqualTo((short)Reason.UNKNOWN_RECIPIENT.code());
    }

    @Test
    void shouldSuppressAnSmsFallbackOfADirectoryChatKeyThatLooksLikeAPhoneNumberButMoveItsPhone()
    {
        start("off");
        final byte[] person = "directory:u1".getBytes(StandardCharsets.US_ASCII);
        final long u1 = RecipientDirectory.personKey(1, person, 0, person.length);
        engine.directory().link(key("8210123456789"), u1, RecipientDirectory.CHAT_KEY);
        engine.directory().link(key("01011112222"), u1, RecipientDirectory.PHONE);

        final DispatchEvent numericChatKey = fallback(accept(MessageKind.INFORMATIONAL, "8210123456789", AFTERNOON, 3600),
            AFTERNOON, Reason.NOT_CHANNEL_USER);
        assertThat(numericChatKey.newState).as("someone else's number, maybe").isEqualTo(DeliveryState.SUPPRESSED.code());
        assertThat(numericChatKey.reason).isEqualTo((short)Reason.UNKNOWN_RECIPIENT.code());

        final DispatchEvent phone = fallback(accept(MessageKind.INFORMATIONAL, "01011112222", AFTERNOON, 3600),
            AFTERNOON, Reason.NOT_CHANNEL_USER);
        assertThat(phone.decision).isEqualTo(Decision.SEND.code());
        assertThat(phone.newState).isEqualTo(DeliveryState.RETRYING.code());
        assertThat(explain(MessageKind.INFORMATIONAL, "kakao-u2").fallbackDecision)
            .as("an address the directory does not know is taken as it is").isEqualTo(Decision.SEND.code());
    }

    @Test
    void shouldReaddressAnSmsFallbackOfAChatKeyToTheDirectorysPhoneAndDecideItUnderThePhonesConsent()
    {
        start("validate");
        final long u1 = linkPerson("u1", "kakao-u1", "01011112222");
        consent("kakao-u1", ConsentFlags.AD); // the chat key's consent is not the phone's
        final long chatKey = accept(MessageKind.MARKETING, "kakao-u1", AFTERNOON, 86_400);

        final DispatchEvent refused = fallback(chatKey, AFTERNOON, Reason.NOT_CHANNEL_USER);
        assertThat(refused.readdressed).isTrue();
        assertThat(address(refused)).isEqualTo("01011112222");
        assertThat(refused.recipientKey).as("decided for the phone").isEqualTo(key("01011112222"));
        assertThat(refused.newState).isEqualTo(DeliveryState.SUPPRESSED.code());
        assertThat(refused.reason).as("no ad consent on the phone").isEqualTo((short)Reason.NO_CONSENT.code());

        consent("01011112222", ConsentFlags.AD);
        final DispatchEvent sent = fallback(accept(MessageKind.MARKETING, "kakao-u1", AFTERNOON, 86_400), AFTERNOON,
            Reason.NOT_CHANNEL_USER);
        assertThat(sent.decision).isEqualTo(Decision.SEND.code());
        assertThat(sent.newState).isEqualTo(DeliveryState.RETRYING.code());
        assertThat(address(sent)).isEqualTo("01011112222");

        final DispatchEvent explained = explain(MessageKind.MARKETING, "kakao-u1");
        assertThat(explained.fallbackDecision).isEqualTo(Decision.SEND.code());
        assertThat(explained.readdressed).isTrue();
        assertThat(address(explained)).isEqualTo("01011112222");

        final DispatchEvent atPhone = fallback(accept(MessageKind.MARKETING, "01011112222", AFTERNOON, 86_400),
            AFTERNOON, Reason.NOT_CHANNEL_USER);
        assertThat(atPhone.decision).isEqualTo(Decision.SEND.code());
        assertThat(atPhone.readdressed).as("already the phone: it moves as it is").isFalse();

        engine.directory().unlink(key("01011112222"), u1);
        final DispatchEvent phoneRemoved = fallback(accept(MessageKind.MARKETING, "kakao-u1", AFTERNOON, 86_400),
            AFTERNOON, Reason.NOT_CHANNEL_USER);
        assertThat(phoneRemoved.readdressed).isFalse();
        assertThat(phoneRemoved.newState).isEqualTo(DeliveryState.SUPPRESSED.code());
        assertThat(phoneRemoved.reason).isEqualTo((short)Reason.UNKNOWN_RECIPIENT.code());
    }

    @Test
    void shouldKeepThePhoneOfTheRecipientWhoHasItWhenAnotherRecipientsPhoneChanges()
    {
        start("off");
        final long u1 = linkPerson("u1", "kakao-u1", "01011112222");
        linkPerson("u2", "kakao-u2", "01011112222"); // the number passed to u2
        engine.directory().unlink(key("01011112222"), u1);
        assertThat(engine.directory().phoneOf(key("kakao-u1"))).as("u1 gave it up").isNull();
        assertThat(engine.directory().phoneOf(key("kakao-u2"))).isNotNull();
        final DispatchEvent u2 = fallback(accept(MessageKind.INFORMATIONAL, "kakao-u2", AFTERNOON, 3600), AFTERNOON,
            Reason.NOT_CHANNEL_USER);
        assertThat(address(u2)).isEqualTo("01011112222");
    }

    /** Links a chat key and a phone to the directory recipient {@code id}, as the targeting thread's links do. */
    private long linkPerson(final String id, final String chatKey, final String phone)
    {
        final byte[] source = ("directory:" + id).getBytes(StandardCharsets.US_ASCII);
        final long person = RecipientDirectory.personKey(1, source, 0, source.length);
        final byte[] chat = lengthPrefixed(chatKey);
        final byte[] number = lengthPrefixed(phone);
        engine.directory().link(key(chatKey), person, RecipientDirectory.CHAT_KEY, chat, 0);
        engine.directory().link(key(phone), person, RecipientDirectory.PHONE, number, 0);
        return person;
    }

    private static byte[] lengthPrefixed(final String address)
    {
        final byte[] bytes = address.getBytes(StandardCharsets.US_ASCII);
        final byte[] out = new byte[1 + bytes.length];
        out[0] = (byte)bytes.length;
        System.arraycopy(bytes, 0, out, 1, bytes.length);
        return out;
    }

    private static String address(final DispatchEvent e)
    {
        return new String(e.fallbackAddress, 1, e.fallbackAddress[0] & 0xFF, StandardCharsets.US_ASCII);
    }

    @Test
    void shouldEndAFallbackOfACancelledCampaignInsteadOfMovingIt()
    {
        start("off");
        final byte[] body = body(MessageKind.INFORMATIONAL, "01011112222");
        final long id = writer.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.CHAT.code(),
            "acme".getBytes(StandardCharsets.UTF_8), 3600, AFTERNOON, 0, Decision.SEND.code(), false, (short)0, 0, 77, -1,
            body, body.length);
        cancelled.cancel(77, () -> -1L);
        final DispatchEvent e = fallback(id, AFTERNOON, Reason.NOT_CHANNEL_USER);
        assertThat(e.newState).isEqualTo(DeliveryState.CANCELLED.code());
        assertThat(e.reason).isEqualTo((short)Reason.CANCELLED.code());
        assertThat(e.decision).isNotEqualTo(Decision.SEND.code());
    }

    @Test
    void shouldExpireAFallbackPastItsTtl()
    {
        start("off");
        final long id = accept(MessageKind.INFORMATIONAL, "01011112222", AFTERNOON - 61_000, 60);
        final DispatchEvent e = fallback(id, AFTERNOON, Reason.FALLBACK_DEADLINE);
        assertThat(e.newState).isEqualTo(DeliveryState.EXPIRED.code());
        assertThat(e.reason).isEqualTo((short)Reason.TTL_EXPIRED.code());
        assertThat(e.decision).isNotEqualTo(Decision.SEND.code());
    }

    /** A dry run of a chat SUBMIT, whose lane falls back to SMS. */
    private DispatchEvent explain(final MessageKind kind, final String recipient)
    {
        final DispatchEvent e = new DispatchEvent();
        e.type = DispatchEvent.SUBMIT;
        e.outcome = DispatchEvent.OUTCOME_DRY_RUN;
        e.dryRun = true;
        e.tenantId = 1;
        e.kind = kind.code();
        e.channel = ChannelType.CHAT.code();
        e.recipientKey = key(recipient);
        e.body = body(kind, recipient);
        e.bodyLength = e.body.length;
        e.acceptedAtMs = AFTERNOON;
        stage.onEvent(e, 0, true);
        return e;
    }

    private DispatchEvent fallback(final long id, final long atMs, final Reason trigger)
    {
        final DispatchEvent e = new DispatchEvent();
        e.type = DispatchEvent.FALLBACK;
        e.messageId = id;
        e.channel = SMS;
        e.reason = (short)trigger.code();
        e.acceptedAtMs = atMs;
        stage.onEvent(e, 0, true);
        return e;
    }

    private long accept(final MessageKind kind, final String recipient, final long atMs, final int ttlSeconds)
    {
        final byte[] body = body(kind, recipient);
        return writer.appendAccepted(kind.code(), ChannelType.CHAT.code(), "acme".getBytes(StandardCharsets.UTF_8),
            ttlSeconds, atMs, 0, Decision.SEND.code(), false, (short)0, 0, 0, -1, body, body.length);
    }

    private void consent(final String recipient, final int flags)
    {
        engine.directory().apply(key(recipient), SMS, flags, 0);
    }

    private static long key(final String recipient)
    {
        final byte[] body = body(MessageKind.MARKETING, recipient);
        return RecipientKeys.recipientKey(1, body, RecipientKeys.recipientAt(body));
    }

    private static byte[] body(final MessageKind kind, final String recipient)
    {
        final ByteBuf b = Unpooled.buffer();
        final int n = ByteBufFrames.submitBody(b, kind, ChannelType.CHAT, 60, "", recipient, "",
            "(광고) sale today. 무료수신거부 080-000-0000", null);
        final byte[] out = new byte[n];
        b.getBytes(0, out);
        return out;
    }

    private static long at(final String seoulTime)
    {
        return LocalDateTime.parse(seoulTime).atZone(SEOUL).toInstant().toEpochMilli();
    }
}
