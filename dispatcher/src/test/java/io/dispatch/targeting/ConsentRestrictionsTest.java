package io.dispatch.targeting;

import io.dispatch.directory.Directory;
import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.DirectoryOpWriter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.dispatch.protocol.ConsentFlags.AD;
import static io.dispatch.protocol.ConsentFlags.NIGHT_AD;
import static io.dispatch.protocol.ConsentFlags.OPTED_OUT;
import static org.assertj.core.api.Assertions.assertThat;

/** What directory ops restrict in the address map, on a real directory. */
class ConsentRestrictionsTest
{
    private static final int TENANT = 1;
    private static final int ALL = AD | NIGHT_AD | OPTED_OUT;
    private static final String APNS_TOKEN = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

    private final Directory directory = new Directory();
    private final ConsentBodies bodies = new ConsentBodies();
    private final ConsentRestrictions restrictions = new ConsentRestrictions(bodies);
    private final DirectoryOp op = new DirectoryOp();

    /** Applies the op as the targeting thread does. @return its restrictions, "channel +set -clear address source". */
    private List<String> apply(final DirectoryOpWriter w)
    {
        bodies.clear();
        op.wrap(w.buffer(), 0, w.length());
        assertThat(op.validate()).isNull();
        restrictions.before(directory.tenant(TENANT), op);
        assertThat(directory.apply(TENANT, op, 1_000L)).isNull();
        restrictions.after(directory.tenant(TENANT), op);
        final List<String> out = new ArrayList<>();
        final byte[] b = bodies.data();
        for (int i = 0; i < bodies.count(); i++)
        {
            final int at = bodies.offset(i);
            final int addressLength = b[at + 6] & 0xFF;
            final int sourceAt = at + 7 + addressLength;
            assertThat(sourceAt + 1 + (b[sourceAt] & 0xFF)).isEqualTo(at + bodies.length(i));
            out.add(b[at] + " +" + (b[at + 2] & 0xFF) + " -" + (b[at + 4] & 0xFF) + " "
                + new String(b, at + 7, addressLength, StandardCharsets.UTF_8) + " "
                + new String(b, sourceAt + 1, b[sourceAt] & 0xFF, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static DirectoryOpWriter row(final String id, final String phone, final String channel, final int consent)
    {
        return new DirectoryOpWriter().upsert(id).string("phone", phone)
            .consentField(channel, consent, ~consent & ALL, 0, "import:members.csv");
    }

    @Test
    void shouldPublishNothingForAnImportThatGrantsOrRestatesConsent()
    {
        assertThat(apply(row("u1", "01011110001", "sms", AD))).isEmpty();
        assertThat(apply(row("u2", "01011110002", "sms", AD | NIGHT_AD))).isEmpty();
        assertThat(apply(row("u3", "01011110003", "all", 0))).as("'none' for someone who never consented").isEmpty();
        assertThat(apply(new DirectoryOpWriter().upsert("u4").string("phone", "01011110004"))).isEmpty();
        assertThat(apply(row("u1", "01011110001", "sms", AD))).as("the same row again").isEmpty();
        assertThat(apply(row("u5", "01011110005", "sms", OPTED_OUT))).hasSize(1);
        assertThat(apply(row("u5", "01011110005", "sms", OPTED_OUT))).as("the same opt-out again").isEmpty();
    }

    @Test
    void shouldClearOnTheChannelsAddressesWhatAnImportTakesAway()
    {
        apply(row("u1", "01011110001", "sms", AD | NIGHT_AD));
        assertThat(apply(row("u1", "01011110001", "sms", AD))).containsExactly("1 +0 -2 01011110001 directory:u1");
        assertThat(apply(row("u1", "01011110001", "sms", 0))).containsExactly("1 +0 -1 01011110001 directory:u1");
    }

    @Test
    void shouldOptOutEveryAddressTheRecipientHasOnTheChannel()
    {
        apply(new DirectoryOpWriter().upsert("u1").string("phone", "01011110001").string("chat_key", "kakao-u1")
            .pushToken("fcm", "fcmToken1").pushToken("apns", APNS_TOKEN).pushToken("fcm", "deadToken")
            .consentField("all", AD, 0, 0, "app"));
        apply(new DirectoryOpWriter().invalidateToken("fcm", "deadToken"));

        assertThat(apply(new DirectoryOpWriter().consent("u1", 0, OPTED_OUT, AD, 0, "080-call"))).containsExactly(
            "1 +8 -3 01011110001 directory:u1",
            "2 +8 -3 fcm:fcmToken1 directory:u1",
            "2 +8 -3 fcmToken1 directory:u1",
            "2 +8 -3 apns:" + APNS_TOKEN + " directory:u1",
            "2 +8 -3 " + APNS_TOKEN + " directory:u1",
            "3 +8 -3 kakao-u1 directory:u1",
            "3 +8 -3 01011110001 directory:u1");
    }

    @Test
    void shouldMirrorAnExplicitWithdrawalEvenWhenTheDirectoryHadNoConsent()
    {
        apply(new DirectoryOpWriter().upsert("u1").string("phone", "01011110001"));
        assertThat(apply(new DirectoryOpWriter().consent("u1", 1, 0, AD | NIGHT_AD, 0, "call")))
            .containsExactly("1 +0 -3 01011110001 directory:u1");
        assertThat(apply(new DirectoryOpWriter().consent("u1", 1, AD, 0, 0, "call"))).as("a grant").isEmpty();
    }

    @Test
    void shouldLiftOnlyTheDirectorysOwnOptOutWhenTheRecipientWithdrawsIt()
    {
        apply(row("u1", "01011110001", "sms", OPTED_OUT));
        assertThat(apply(row("u1", "01011110001", "sms", AD))).containsExactly("1 +0 -8 01011110001 directory:u1");
    }

    @Test
    void shouldOptOutANewAddressOfAnOptedOutRecipient()
    {
        apply(row("u1", "01011110001", "sms", OPTED_OUT));
        assertThat(apply(new DirectoryOpWriter().patch("u1").string("region", "서울"))).isEmpty();
        assertThat(apply(new DirectoryOpWriter().patch("u1").string("phone", "01022220001")))
            .containsExactly("1 +8 -3 01022220001 directory:u1");
        assertThat(apply(new DirectoryOpWriter().upsert("u1").string("phone", "01022220001"))).isEmpty();
    }

    @Test
    void shouldWithdrawAdConsentFromEveryAddressOnDelete()
    {
        apply(new DirectoryOpWriter().upsert("u1").string("phone", "01011110001").string("chat_key", "kakao-u1")
            .pushToken("fcm", "fcmToken1"));
        assertThat(apply(new DirectoryOpWriter().delete("u1"))).containsExactly(
            "1 +0 -3 01011110001 directory-delete:u1",
            "2 +0 -3 fcm:fcmToken1 directory-delete:u1",
            "2 +0 -3 fcmToken1 directory-delete:u1",
            "3 +0 -3 kakao-u1 directory-delete:u1",
            "3 +0 -3 01011110001 directory-delete:u1");
        assertThat(apply(new DirectoryOpWriter().delete("u1"))).as("already gone").isEmpty();
    }

    @Test
    void shouldIgnoreOpsThatNameNoRecipient()
    {
        apply(row("u1", "01011110001", "sms", AD));
        assertThat(apply(new DirectoryOpWriter().optOut("0801234567", "01011110001", false, 0, "080"))).isEmpty();
        assertThat(apply(new DirectoryOpWriter().invalidateToken("fcm", "fcmToken1"))).isEmpty();
    }
}
