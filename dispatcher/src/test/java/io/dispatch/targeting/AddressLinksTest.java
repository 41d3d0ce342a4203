package io.dispatch.targeting;

import io.dispatch.config.PolicyConfig;
import io.dispatch.config.Settings;
import io.dispatch.config.TenantPolicy;
import io.dispatch.directory.Directory;
import io.dispatch.policy.PolicyEngine;
import io.dispatch.policy.RecipientDirectory;
import io.dispatch.policy.RecipientKeys;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.ConsentFrame;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.stage.PolicyHandler;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which addresses directory ops link to their recipient, on a real directory, and what the policy stage's frequency
 * caps make of the links (the bodies applied as the policy stage and recovery apply them).
 */
class AddressLinksTest
{
    private static final int TENANT = 1;
    private static final int MKT = MessageKind.MARKETING.code();
    private static final int SMS = ChannelType.SMS.code();
    private static final int PUSH = ChannelType.PUSH.code();
    private static final long NOON = 1_764_039_600_000L; // 2025-11-25T12:00 Seoul

    private final Directory directory = new Directory();
    private final ConsentBodies bodies = new ConsentBodies();
    private final AddressLinks links = new AddressLinks(bodies);
    private final DirectoryOp op = new DirectoryOp();
    private final List<byte[]> published = new ArrayList<>();

    /** Applies the op as the targeting thread does. @return its links, "+channel address source" or "-…" to unlink. */
    private List<String> apply(final DirectoryOpWriter w)
    {
        bodies.clear();
        op.wrap(w.buffer(), 0, w.length());
        assertThat(op.validate()).isNull();
        links.before(directory.tenant(TENANT), op);
        assertThat(directory.apply(TENANT, op, 1_000L)).isNull();
        links.after(directory.tenant(TENANT), op);
        assertThat(bodies.links()).isEqualTo(bodies.count());
        final List<String> out = new ArrayList<>();
        final byte[] b = bodies.data();
        for (int i = 0; i < bodies.count(); i++)
        {
            final int at = bodies.offset(i);
            published.add(Arrays.copyOfRange(b, at, at + bodies.length(i)));
            assertThat(b[at + 2] | b[at + 3] | b[at + 4] | b[at + 5]).as("a link sets and clears no flag").isZero();
            final int addressLength = b[at + 6] & 0xFF;
            final int sourceAt = at + 7 + addressLength;
            out.add((b[at + 1] == ConsentFrame.LINK ? "+" : "-") + b[at] + " "
                + new String(b, at + 7, addressLength, StandardCharsets.UTF_8) + " "
                + new String(b, sourceAt + 1, b[sourceAt] & 0xFF, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void shouldLinkEveryAddressARecipientGainsAndUnlinkWhatItLoses()
    {
        assertThat(apply(new DirectoryOpWriter().upsert("u1").string("phone", "01011110001")
            .string("chat_key", "kakao-u1").pushToken("fcm", "fcmToken1"))).as("each address once, with its role").containsExactly(
            "+1 01011110001 directory:u1",
            "+2 fcm:fcmToken1 directory:u1",
            "+2 fcmToken1 directory:u1",
            "+3 kakao-u1 directory:u1");
        assertThat(apply(new DirectoryOpWriter().upsert("u1").string("phone", "01011110001")
            .string("chat_key", "kakao-u1").pushToken("fcm", "fcmToken1"))).as("the same row again").isEmpty();

        assertThat(apply(new DirectoryOpWriter().patch("u1").string("phone", "01022220001"))).containsExactly(
            "-1 01011110001 directory:u1",
            "+1 01022220001 directory:u1");

        assertThat(apply(new DirectoryOpWriter().delete("u1"))).containsExactly(
            "-1 01022220001 directory:u1",
            "-2 fcm:fcmToken1 directory:u1",
            "-2 fcmToken1 directory:u1",
            "-3 kakao-u1 directory:u1");
    }

    @Test
    void shouldPublishNothingForConsentOps()
    {
        apply(new DirectoryOpWriter().upsert("u1").string("phone", "01011110001"));
        assertThat(apply(new DirectoryOpWriter().consent("u1", 0, ConsentFlags.OPTED_OUT, 0, 0, "080-call"))).isEmpty();
    }

    @Test
    void shouldCapAPersonAcrossTheirAddressesOnceLinkedAndAnUnknownAddressOnItsOwn()
    {
        final PolicyEngine engine = engine("tenant.acme.cap.marketing", "2/1d", "tenant.acme.consentRequired", "false");
        apply(new DirectoryOpWriter().upsert("u1").string("phone", "01011110001").pushToken("fcm", "fcmToken1"));
        published.forEach(body -> PolicyHandler.applyConsent(engine, TENANT, body));

        final long phone = key("01011110001");
        final long stranger = key("01099990000");
        for (int i = 0; i < 2; i++)
        {
            assertThat(decide(engine, SMS, phone, NOON + i)).isEqualTo(PolicyEngine.SEND);
            assertThat(decide(engine, SMS, stranger, NOON + i)).isEqualTo(PolicyEngine.SEND);
        }
        assertThat(decide(engine, PUSH, key("fcm:fcmToken1"), NOON + 10)).isEqualTo(PolicyEngine.SUPPRESS);
        assertThat(engine.reason()).isEqualTo((short)Reason.FREQUENCY_CAPPED.code());
        assertThat(decide(engine, PUSH, key("fcmToken1"), NOON + 10)).as("the bare token").isEqualTo(PolicyEngine.SUPPRESS);
        assertThat(decide(engine, SMS, stranger, NOON + 10)).isEqualTo(PolicyEngine.SUPPRESS);
        assertThat(decide(engine, PUSH, key("fcm:someoneElse"), NOON + 10)).isEqualTo(PolicyEngine.SEND);

        // the recipient deleted: the token is an address of its own again, with no sends
        apply(new DirectoryOpWriter().delete("u1"));
        published.forEach(body -> PolicyHandler.applyConsent(engine, TENANT, body));
        assertThat(engine.directory().linkedAddresses()).isZero();
        assertThat(decide(engine, PUSH, key("fcm:fcmToken1"), NOON + 20)).isEqualTo(PolicyEngine.SEND);
    }

    @Test
    void shouldKeepASharedAddressWithTheLatestLinkWhenTheEarlierRecipientLetsGoOfIt()
    {
        final RecipientDirectory map = new RecipientDirectory();
        apply(new DirectoryOpWriter().upsert("u1").string("phone", "01011110001"));
        apply(new DirectoryOpWriter().upsert("u2").string("phone", "01011110001"));
        apply(new DirectoryOpWriter().delete("u1"));
        final PolicyEngine engine = engine();
        published.forEach(body -> PolicyHandler.applyConsent(engine, TENANT, body));
        final byte[] u2 = "directory:u2".getBytes(StandardCharsets.US_ASCII);
        assertThat(engine.directory().capSubject(key("01011110001")))
            .isEqualTo(RecipientDirectory.personKey(TENANT, u2, 0, u2.length));
        assertThat(map.capSubject(42)).as("an address never linked is its own subject").isEqualTo(42);
    }

    @Test
    void shouldLinkEveryLiveRecipientsAddressesAtStartUpAsTheJournaledLinksWould()
    {
        final PolicyEngine live = engine();
        apply(new DirectoryOpWriter().upsert("u1").string("phone", "01011110001").string("chat_key", "kakao-u1")
            .pushToken("apns", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"));
        apply(new DirectoryOpWriter().upsert("u2").string("phone", "01011110002"));
        apply(new DirectoryOpWriter().delete("u2"));
        published.forEach(body -> PolicyHandler.applyConsent(live, TENANT, body));

        // a directory whose links were never journaled (imported before they existed)
        final RecipientDirectory rebuilt = new RecipientDirectory();
        assertThat(links.linkAll(directory.tenant(TENANT), TENANT, rebuilt)).isEqualTo(4);
        for (final String address : new String[] {"01011110001", "kakao-u1", "apns:0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "01011110002"})
        {
            assertThat(rebuilt.capSubject(key(address))).as(address)
                .isEqualTo(live.directory().capSubject(key(address)));
        }
        assertThat(rebuilt.capSubject(key("01011110002"))).as("a deleted recipient's phone is its own")
            .isEqualTo(key("01011110002"));
    }

    private static long key(final String address)
    {
        final byte[] a = address.getBytes(StandardCharsets.UTF_8);
        final byte[] b = new byte[a.length + 1];
        b[0] = (byte)a.length;
        System.arraycopy(a, 0, b, 1, a.length);
        return RecipientKeys.recipientKey(TENANT, b, 0);
    }

    private static byte decide(final PolicyEngine e, final int channel, final long recipient, final long now)
    {
        return e.decide(TENANT, MKT, channel, recipient, 0, false, false, now);
    }

    private static PolicyEngine engine(final String... keyValues)
    {
        final Properties p = new Properties();
        p.setProperty("tenants", "acme");
        p.setProperty("tenant.acme.apiKey", "k");
        for (int i = 0; i < keyValues.length; i += 2)
        {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        final Settings s = new Settings(p);
        final TenantPolicy[] tenants = new TenantPolicy[2];
        tenants[TENANT] = TenantPolicy.read(s, "acme");
        return new PolicyEngine(PolicyConfig.read(s), tenants, new RecipientDirectory(), NOON);
    }
}
