package io.dispatch.load.directory;

import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.DirectoryOpWriter;

import java.time.Instant;
import java.util.SplittableRandom;

/**
 * A seeded synthetic recipient base with Korean distributions, for the directory benchmarks and import tests.
 * Row {@code i} depends only on (seed, i), so any slice of a base can be regenerated. Rates (documented in
 * docs/PERFORMANCE.md): gender F 51% / M 48% / X 1%; birth years 1950–2010 weighted towards 1970–1999;
 * the 17 시도 by population; tags vip 3%, newsletter 35%, app_user 55%; last visit for 75%, last purchase
 * for 45%, spread over 730 days, recent days more likely; every row a unique 010 phone; 70% a chat key; 60% a
 * push token (70% FCM, 152 characters; 30% APNs, 64 hex); ad consent sms 45% (a third of them also night),
 * push 55%, chat 40%, opt-out 4% per channel; grade bronze/silver/gold/vip; points for 80%.
 * <p>
 * <b>Note:</b> not thread-safe (one reused row); use one generator per thread.
 */
public final class DirectoryGenerator
{
    /** Fixed reference time of generated times: 2026-11-01T00:00:00Z. Evaluate segments at this "now". */
    public static final long DEFAULT_NOW_MS = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();

    static final String[] REGIONS = {
        "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기", "강원", "충북", "충남", "전북", "전남", "경북",
        "경남", "제주",
    };
    /** Population shares in per mille, same order as {@link #REGIONS}. */
    private static final int[] REGION_PER_MILLE = {183, 64, 46, 58, 28, 28, 21, 8, 265, 29, 31, 41, 34, 35, 49, 63, 17};
    private static final String[] GRADES = {"bronze", "silver", "gold", "vip"};
    private static final char[] BASE64URL =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final long DAY_MS = 86_400_000L;
    private static final long PHONE_SPACE = 100_000_000L;
    /** Odd and not a multiple of 5: i → i * P mod 10^8 is a bijection, so phones are unique up to 10^8 rows. */
    private static final long PHONE_MULTIPLIER = 48_271L;

    private final long seed;
    private final long nowMs;
    private final RecipientRow row = new RecipientRow();
    private final StringBuilder sb = new StringBuilder(160);

    public DirectoryGenerator(final long seed)
    {
        this(seed, DEFAULT_NOW_MS);
    }

    public DirectoryGenerator(final long seed, final long nowMs)
    {
        this.seed = seed;
        this.nowMs = nowMs;
    }

    public long nowMs()
    {
        return nowMs;
    }

    /** @return row {@code index} (the same object each call, overwritten). */
    public RecipientRow row(final long index)
    {
        final SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        final RecipientRow x = row;
        x.clear();
        x.id = "cust-" + index;
        final int g = r.nextInt(100);
        x.gender = g < 51 ? "F" : g < 99 ? "M" : "X";
        x.birthYear = birthYear(r);
        x.region = REGIONS[pick(r, REGION_PER_MILLE, 1000)];
        x.phone = "010" + pad8((index * PHONE_MULTIPLIER + seed) % PHONE_SPACE);
        if (r.nextInt(100) < 70)
        {
            x.chatKey = "kakao:" + Long.toHexString(r.nextLong() >>> 4);
        }
        if (r.nextInt(100) < 3)
        {
            x.tags.add("vip");
        }
        if (r.nextInt(100) < 35)
        {
            x.tags.add("newsletter");
        }
        if (r.nextInt(100) < 55)
        {
            x.tags.add("app_user");
        }
        if (r.nextInt(100) < 75)
        {
            x.lastVisitMs = nowMs - recentBiased(r);
        }
        if (r.nextInt(100) < 45)
        {
            x.lastPurchaseMs = nowMs - recentBiased(r);
        }
        if (r.nextInt(100) < 60)
        {
            x.push.add(r.nextInt(100) < 70 ? "fcm:" + token(r, BASE64URL, 152) : "apns:" + token(r, HEX, 64));
        }
        x.consent[0] = consent(r, 45);
        x.consent[1] = consent(r, 55);
        x.consent[2] = consent(r, 40);
        x.consentAtMs = nowMs - r.nextLong(1, 3 * 365 * DAY_MS);
        final int grade = r.nextInt(100);
        x.grade = GRADES[grade < 60 ? 0 : grade < 85 ? 1 : grade < 97 ? 2 : 3];
        if (r.nextInt(100) < 80)
        {
            // Skewed: most members hold a few hundred points, a few tens of thousands.
            final double u = r.nextDouble();
            x.points = (long)(50_000 * u * u * u);
        }
        return x;
    }

    /** Encodes the row as one UPSERT (profile, tokens and consent in one op). */
    public DirectoryOpWriter upsert(final RecipientRow x, final DirectoryOpWriter w)
    {
        w.upsert(x.id).string("gender", x.gender).integer("birth_year", x.birthYear).string("region", x.region)
            .string("phone", x.phone);
        if (x.chatKey != null)
        {
            w.string("chat_key", x.chatKey);
        }
        for (final String tag : x.tags)
        {
            w.addTag(tag);
        }
        if (x.lastVisitMs != RecipientRow.NONE)
        {
            w.time("last_visit", x.lastVisitMs);
        }
        if (x.lastPurchaseMs != RecipientRow.NONE)
        {
            w.time("last_purchase", x.lastPurchaseMs);
        }
        for (final String token : x.push)
        {
            final int colon = token.indexOf(':');
            w.pushToken(token.substring(0, colon), token.substring(colon + 1));
        }
        final String[] channels = {"sms", "push", "chat"};
        for (int c = 0; c < 3; c++)
        {
            final int flags = consentFlags(x.consent[c]);
            if (flags != 0)
            {
                w.consentField(channels[c], flags, ConsentFlags.ALL & ~flags, x.consentAtMs, "generator");
            }
        }
        w.string("grade", x.grade);
        if (x.points != RecipientRow.NONE)
        {
            w.integer("points", x.points);
        }
        return w;
    }

    /** The {@link ConsentFlags} of a CSV consent value: ad, ad+night, optout, or null/empty for none. */
    public static int consentFlags(final String value)
    {
        if (value == null || value.isEmpty())
        {
            return 0;
        }
        switch (value)
        {
            case "ad": return ConsentFlags.AD;
            case "ad+night": return ConsentFlags.AD | ConsentFlags.NIGHT_AD;
            case "optout": return ConsentFlags.OPTED_OUT;
            default: throw new IllegalArgumentException("consent value '" + value + "'");
        }
    }

    private static long birthYear(final SplittableRandom r)
    {
        // Two uniforms summed: a triangle peaking near 1980, clamped to 1950..2010.
        final long y = 1950 + (r.nextInt(41) + r.nextInt(41) + r.nextInt(21)) * 60 / 100;
        return Math.min(2010, y);
    }

    /** Milliseconds ago within 730 days, squared so recent days are more likely. */
    private static long recentBiased(final SplittableRandom r)
    {
        final double u = r.nextDouble();
        return (long)(u * u * 730 * DAY_MS);
    }

    private static String consent(final SplittableRandom r, final int adPercent)
    {
        final int x = r.nextInt(100);
        if (x < 4)
        {
            return "optout";
        }
        if (x < 4 + adPercent)
        {
            return r.nextInt(3) == 0 ? "ad+night" : "ad";
        }
        return null;
    }

    private static int pick(final SplittableRandom r, final int[] weights, final int total)
    {
        int x = r.nextInt(total);
        for (int i = 0; i < weights.length; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return i;
            }
        }
        return weights.length - 1;
    }

    private String token(final SplittableRandom r, final char[] alphabet, final int length)
    {
        sb.setLength(0);
        for (int i = 0; i < length; i++)
        {
            sb.append(alphabet[r.nextInt(alphabet.length)]);
        }
        return sb.toString();
    }

    private static String pad8(final long v)
    {
        final String s = Long.toString(v);
        return "00000000".substring(s.length()) + s;
    }
}
