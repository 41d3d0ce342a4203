package io.dispatch.directory;

import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.DirectoryOpWriter;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.dispatch.directory.Ops.address;
import static io.dispatch.directory.Ops.bytes;
import static io.dispatch.directory.Ops.ordinal;
import static io.dispatch.directory.Ops.text;
import static org.assertj.core.api.Assertions.assertThat;

class DirectoryApplyTest
{
    private static final int TENANT = 7;
    private static final long NOW = Instant.parse("2026-11-26T03:00:00Z").toEpochMilli();

    private final Directory directory = new Directory();
    private final DirectoryOpWriter w = new DirectoryOpWriter();
    private final Ops ops = new Ops();

    private String apply(final DirectoryOpWriter writer)
    {
        return ops.apply(directory, TENANT, writer, NOW);
    }

    private TenantDirectory tenant()
    {
        return directory.tenant(TENANT);
    }

    private void upsertAlice()
    {
        assertThat(apply(w.upsert("alice").string("gender", "F").integer("birth_year", 1999)
            .string("region", "서울").time("last_purchase", NOW - 3 * 86_400_000L).string("phone", "01012345678")
            .addTag("vip").string("grade", "gold").integer("points", 1200)
            .pushToken("fcm", "tokenA").consentField("sms", ConsentFlags.AD, 0, 0, "signup-form"))).isNull();
    }

    @Test
    void shouldStoreAProfileAndReadItBackWithoutAllocatingApi()
    {
        upsertAlice();
        final TenantDirectory t = tenant();
        final int alice = ordinal(t, "alice");
        assertThat(alice).isZero();
        assertThat(t.size()).isEqualTo(1);
        assertThat(text(t, alice, "gender")).isEqualTo("F");
        assertThat(text(t, alice, "region")).isEqualTo("서울");
        assertThat(text(t, alice, "birth_year")).isEqualTo("1999");
        assertThat(text(t, alice, "points")).isEqualTo("1200");
        assertThat(text(t, alice, "last_purchase")).isEqualTo("2026-11-23");
        assertThat(text(t, alice, "last_visit")).isNull();
        assertThat(t.attributeId("nope")).isEqualTo(-1);
        assertThat(t.attributeId("chat_key")).isNotNegative();
        assertThat(address(t, alice, 1)).isEqualTo("01012345678");
        assertThat(address(t, alice, 2)).isEqualTo("fcm:tokenA");
        assertThat(address(t, alice, 3)).as("chat falls back to the phone").isEqualTo("01012345678");
        assertThat(t.consentFlags(alice, 1)).isEqualTo(ConsentFlags.AD);
        assertThat(t.consentAtMs(alice, 1)).isEqualTo(NOW);
        assertThat(t.consentSource(alice, 1)).isEqualTo("signup-form");
        final byte[] id = new byte[16];
        assertThat(t.recipientId(alice, id, 3)).isEqualTo(5);
        assertThat(new String(id, 3, 5)).isEqualTo("alice");
        assertThat(t.recipientId(alice, new byte[4], 0)).isEqualTo(-1);
    }

    @Test
    void shouldReplaceTheProfileOnUpsertButKeepConsent()
    {
        upsertAlice();
        assertThat(apply(w.upsert("alice").string("region", "부산").addTag("newsletter"))).isNull();
        final TenantDirectory t = tenant();
        final int alice = ordinal(t, "alice");
        assertThat(text(t, alice, "gender")).isNull();
        assertThat(text(t, alice, "region")).isEqualTo("부산");
        assertThat(address(t, alice, 1)).isNull();
        assertThat(address(t, alice, 2)).isNull();
        assertThat(t.consentFlags(alice, 1)).isEqualTo(ConsentFlags.AD);
        assertThat(count(t, "tag('vip')")).isZero();
        assertThat(count(t, "tag('newsletter')")).isEqualTo(1);
        assertThat(count(t, "region = '서울'")).isZero();
        assertThat(count(t, "exists(points)")).isZero();
    }

    @Test
    void shouldChangeOnlyListedFieldsOnPatchAndKeepIndexesInStep()
    {
        upsertAlice();
        assertThat(apply(w.patch("alice").integer("birth_year", 1980).unset("grade").removeTag("vip")
            .string("chat_key", "kakao-1").time("last_purchase", NOW - 100 * 86_400_000L))).isNull();
        final TenantDirectory t = tenant();
        final int alice = ordinal(t, "alice");
        assertThat(text(t, alice, "gender")).isEqualTo("F");
        assertThat(text(t, alice, "grade")).isNull();
        assertThat(address(t, alice, 3)).isEqualTo("kakao-1");
        assertThat(count(t, "age between 20 and 29")).isZero();
        assertThat(count(t, "age between 40 and 49")).isEqualTo(1);
        assertThat(count(t, "birth_year = 1999")).isZero();
        assertThat(count(t, "grade = 'gold'")).isZero();
        assertThat(count(t, "tag('vip')")).isZero();
        assertThat(count(t, "last_purchase within 7d")).isZero();
        assertThat(count(t, "last_purchase before 90d")).isEqualTo(1);
    }

    @Test
    void shouldCreateTheRecipientOnPatchOfAnUnknownId()
    {
        assertThat(apply(w.patch("bob").string("gender", "M"))).isNull();
        assertThat(ordinal(tenant(), "bob")).isZero();
        assertThat(count(tenant(), "gender = 'M'")).isEqualTo(1);
    }

    @Test
    void shouldForgetADeletedRecipientAndNeverReuseItsOrdinal()
    {
        upsertAlice();
        assertThat(apply(w.delete("alice"))).isNull();
        final TenantDirectory t = tenant();
        assertThat(ordinal(t, "alice")).isEqualTo(-1);
        assertThat(t.size()).isZero();
        assertThat(count(t, "gender = 'F' or tag('vip') or consent('sms') or reachable('push')")).isZero();
        assertThat(apply(w.upsert("alice").string("gender", "F"))).isNull();
        assertThat(ordinal(t, "alice")).isEqualTo(1);
        assertThat(t.consentFlags(1, 1)).as("DELETE forgot the consent too").isZero();
        assertThat(apply(w.delete("never-seen"))).isNull();
    }

    @Test
    void shouldRejectACustomAttributeOfAnotherTypeAndApplyNothingOfTheOp()
    {
        upsertAlice();
        final String problem = apply(w.patch("alice").string("region", "대구").string("points", "many").addTag("x"));
        assertThat(problem).contains("points").contains("INT").contains("STRING");
        final TenantDirectory t = tenant();
        final int alice = ordinal(t, "alice");
        assertThat(text(t, alice, "region")).isEqualTo("서울");
        assertThat(text(t, alice, "points")).isEqualTo("1200");
        assertThat(count(t, "tag('x')")).isZero();

        assertThat(apply(w.upsert("carol").integer("level", 3).string("level", "three"))).contains("level");
        assertThat(ordinal(t, "carol")).as("a rejected op creates nobody").isEqualTo(-1);
        assertThat(t.attributeId("level")).isEqualTo(-1);
        assertThat(apply(w.upsert("carol").integer("age", 30))).contains("age");
    }

    @Test
    void shouldApplyConsentOpsPerChannelWithTimeAndSource()
    {
        upsertAlice();
        assertThat(apply(w.consent("alice", 0, ConsentFlags.AD | ConsentFlags.NIGHT_AD, 0, 1000L, "crm"))).isNull();
        final TenantDirectory t = tenant();
        final int alice = ordinal(t, "alice");
        assertThat(t.consentFlags(alice, 2)).isEqualTo(ConsentFlags.AD | ConsentFlags.NIGHT_AD);
        assertThat(t.consentAtMs(alice, 2)).isEqualTo(1000L);
        assertThat(t.consentSource(alice, 3)).isEqualTo("crm");
        assertThat(count(t, "consent('push', 'night')")).isEqualTo(1);

        assertThat(apply(w.consent("alice", 2, ConsentFlags.OPTED_OUT, 0, 0, "app-settings"))).isNull();
        assertThat(t.consentFlags(alice, 2)).isEqualTo(ConsentFlags.ALL);
        assertThat(t.consentAtMs(alice, 2)).as("0 means the journal time").isEqualTo(NOW);
        assertThat(count(t, "consent('push')")).isZero();
        assertThat(count(t, "consent('sms')")).isEqualTo(1);
        assertThat(apply(w.consent("alice", 1, 0, ConsentFlags.AD, 0, "080"))).isNull();
        assertThat(count(t, "consent('sms')")).isZero();
        assertThat(count(t, "consent('chat', 'night')")).isEqualTo(1);

        assertThat(apply(w.consent("dave", 3, ConsentFlags.AD, 0, 5L, "kakao"))).isNull();
        assertThat(t.consentFlags(ordinal(t, "dave"), 3)).as("consent for an unknown id creates it").isEqualTo(1);
    }

    @Test
    void shouldAnswerOptOutsPerSenderNumberByPhone()
    {
        upsertAlice();
        final TenantDirectory t = tenant();
        final int alice = ordinal(t, "alice");
        final byte[] sender = bytes("0801234567");
        assertThat(apply(w.optOut("0801234567", "01012345678", false, 0, "080-call"))).isNull();
        assertThat(t.optedOut(alice, sender, 0, sender.length)).isTrue();
        final byte[] other = bytes("15881234");
        assertThat(t.optedOut(alice, other, 0, other.length)).isFalse();
        assertThat(t.optOuts.atMs("0801234567", "01012345678")).isEqualTo(NOW);
        assertThat(apply(w.optOut("0801234567", "01012345678", true, 0, "080-call"))).isNull();
        assertThat(t.optedOut(alice, sender, 0, sender.length)).isFalse();
    }

    @Test
    void shouldSkipInvalidatedTokensAndKeepThemDead()
    {
        upsertAlice();
        assertThat(apply(w.patch("alice").pushToken("apns", "tokenB"))).isNull();
        final TenantDirectory t = tenant();
        final int alice = ordinal(t, "alice");
        assertThat(apply(w.invalidateToken("fcm", "tokenA"))).isNull();
        assertThat(address(t, alice, 2)).isEqualTo("apns:tokenB");
        assertThat(count(t, "reachable('push')")).isEqualTo(1);
        assertThat(apply(w.invalidateToken("apns", "tokenB"))).isNull();
        assertThat(address(t, alice, 2)).isNull();
        assertThat(count(t, "reachable('push')")).isZero();
        assertThat(apply(w.upsert("alice").pushToken("fcm", "tokenA"))).isNull();
        assertThat(count(t, "reachable('push')")).as("a dead token stays dead").isZero();
        assertThat(apply(w.patch("alice").pushToken("fcm", "tokenC"))).isNull();
        assertThat(address(t, alice, 2)).isEqualTo("fcm:tokenC");
        assertThat(apply(w.patch("alice").removePushToken("fcm", "tokenC"))).isNull();
        assertThat(count(t, "reachable('push')")).isZero();
        assertThat(apply(w.invalidateToken("fcm", "unknown"))).isNull();
    }

    @Test
    void shouldAssignTheSameOrdinalsWhenReplayingTheSameOps()
    {
        final Directory a = new Directory();
        final Directory b = new Directory();
        for (final Directory d : new Directory[] {a, b})
        {
            for (int i = 0; i < 50; i++)
            {
                ops.apply(d, 1, w.upsert("r" + (i * 7919 % 50)).integer("n", i), NOW);
                if (i % 9 == 0)
                {
                    ops.apply(d, 1, w.delete("r" + (i * 31 % 50)), NOW);
                }
            }
        }
        for (int i = 0; i < 50; i++)
        {
            assertThat(ordinal(a.tenant(1), "r" + i)).isEqualTo(ordinal(b.tenant(1), "r" + i));
        }
        assertThat(a.tenant(1).live()).isEqualTo(b.tenant(1).live());
    }

    @Test
    void shouldDecideTimesExactlyToTheMillisecondAtTheBoundaryMinute()
    {
        // TIME is indexed by the minute; bounds inside a minute are refined from the column.
        final long now = NOW + 29_345L;
        final long bound = now - 7 * 86_400_000L;
        final long[] offsets = {-60_001, -1, 0, 1, 59_999, -bound % 60_000, 60_000 - bound % 60_000 - 1};
        for (int i = 0; i < offsets.length; i++)
        {
            assertThat(apply(w.upsert("t" + i).time("last_visit", bound + offsets[i]))).isNull();
        }
        final TenantDirectory t = tenant();
        for (int i = 0; i < offsets.length; i++)
        {
            final boolean within = offsets[i] >= 0;
            final String id = "t" + i;
            assertThat(member(t, "last_visit within 7d", now, id)).as("offset %d", offsets[i]).isEqualTo(within);
            assertThat(member(t, "last_visit before 7d", now, id)).as("offset %d", offsets[i]).isEqualTo(!within);
        }
    }

    private static boolean member(final TenantDirectory t, final String expression, final long now, final String id)
    {
        try
        {
            return t.evaluate(t.compile(expression), now).contains(ordinal(t, id));
        }
        catch (final SegmentException ex)
        {
            throw new AssertionError(ex.getMessage(), ex);
        }
    }

    @Test
    void shouldNameOnlyAddressesASubmitCanCarry()
    {
        final String longToken = "t".repeat(253);
        assertThat(apply(w.upsert("bob").string("phone", "01099990000").string("chat_key", "kakao-bob")
            .pushToken("fcm", longToken).pushToken("apns", "0a1b2c3d4e5f6071").pushToken("fcm", "dead")))
            .isNull();
        assertThat(apply(w.invalidateToken("fcm", "dead"))).isNull();
        final TenantDirectory t = tenant();
        final int bob = ordinal(t, "bob");
        assertThat(address(t, bob, 2)).as("fcm: and 253 bytes do not fit a SUBMIT's recipient")
            .isEqualTo("apns:0a1b2c3d4e5f6071");
        assertThat(addresses(t, bob, 1)).containsExactly("01099990000");
        assertThat(addresses(t, bob, 2)).containsExactly("apns:0a1b2c3d4e5f6071");
        assertThat(addresses(t, bob, 3)).containsExactly("kakao-bob", "01099990000");
    }

    private static java.util.List<String> addresses(final TenantDirectory t, final int ordinal, final int channel)
    {
        final byte[] b = new byte[TenantDirectory.MAX_ADDRESSES_LENGTH];
        final int n = t.addresses(ordinal, channel, b, 0);
        final java.util.List<String> out = new java.util.ArrayList<>();
        for (int p = 0; p < n; p += 1 + (b[p] & 0xFF))
        {
            out.add(new String(b, p + 1, b[p] & 0xFF, java.nio.charset.StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void shouldKeepTenantsApart()
    {
        upsertAlice();
        assertThat(directory.tenant(99).size()).isZero();
        assertThat(ordinal(directory.tenant(99), "alice")).isEqualTo(-1);
    }

    private static int count(final TenantDirectory t, final String expression)
    {
        try
        {
            return t.evaluate(t.compile(expression), NOW).getCardinality();
        }
        catch (final SegmentException ex)
        {
            throw new AssertionError(ex.getMessage(), ex);
        }
    }
}
