package io.dispatch.directory;

import io.dispatch.protocol.DirectoryOpWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.roaringbitmap.RoaringBitmap;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random directories built by random upserts, patches, deletes, consent changes and token invalidations,
 * then random expressions: the bitmap evaluation must equal a scan deciding each recipient from its columns.
 */
class SegmentPropertyTest
{
    private static final long NOW = 1_795_000_000_000L;
    private static final long DAY = 86_400_000L;
    private static final String[] REGIONS = {"서울", "부산", "경기", "제주"};
    private static final String[] TAGS = {"vip", "newsletter", "app_user"};
    private static final String[] CHANNELS = {"sms", "push", "chat"};

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L, 42L, 20261126L})
    void shouldEvaluateLikeABruteForceScan(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final Directory directory = new Directory();
        final Ops ops = new Ops();
        final DirectoryOpWriter w = new DirectoryOpWriter();
        final int ids = 400;
        // queries halfway through too: the range buckets built by the first queries must follow later updates
        for (int i = 0; i < 3000; i++)
        {
            if (i == 1500)
            {
                checkQueries(seed, random, directory.tenant(1), 100);
            }
            final String id = "r" + random.nextInt(ids);
            final int kind = random.nextInt(20);
            if (kind == 0)
            {
                ops.apply(directory, 1, w.delete(id), NOW);
            }
            else if (kind == 1)
            {
                ops.apply(directory, 1, w.consent(id, random.nextInt(4), random.nextInt(8), 0, NOW - i, "src"), NOW);
            }
            else if (kind == 2)
            {
                ops.apply(directory, 1, w.invalidateToken("fcm", "t" + random.nextInt(ids)), NOW);
            }
            else
            {
                final boolean patch = kind >= 10;
                if (patch)
                {
                    w.patch(id);
                }
                else
                {
                    w.upsert(id);
                }
                fields(random, w, patch);
                assertThat(ops.apply(directory, 1, w, NOW)).isNull();
            }
        }
        checkQueries(seed, random, directory.tenant(1), 300);
    }

    private static void checkQueries(final long seed, final SplittableRandom random, final TenantDirectory t,
        final int queries)
    {
        for (int q = 0; q < queries; q++)
        {
            final String expression = expression(random, 3);
            final Segment segment;
            try
            {
                segment = t.compile(expression);
            }
            catch (final SegmentException ex)
            {
                throw new AssertionError("seed " + seed + ": " + expression + ": " + ex.getMessage(), ex);
            }
            final long now = NOW + random.nextLong(-5 * DAY, 5 * DAY);
            final RoaringBitmap expected = new RoaringBitmap();
            for (int o = 0; o < t.nextOrdinal; o++)
            {
                if (segment.matches(t, o, now))
                {
                    expected.add(o);
                }
            }
            assertThat(t.evaluate(segment, now)).as("seed %d: %s", seed, expression).isEqualTo(expected);
        }
    }

    /** Adds 0..8 random fields to the op the caller started (UNSET only in a PATCH). */
    private static void fields(final SplittableRandom random, final DirectoryOpWriter w, final boolean patch)
    {
        final int n = random.nextInt(9);
        for (int f = 0; f < n; f++)
        {
            switch (random.nextInt(12))
            {
                case 0: w.string("gender", random.nextBoolean() ? "F" : random.nextBoolean() ? "M" : "X"); break;
                case 1: w.integer("birth_year", 1950 + random.nextInt(61)); break;
                case 2: w.string("region", REGIONS[random.nextInt(REGIONS.length)]); break;
                case 3: w.time(random.nextBoolean() ? "last_visit" : "last_purchase", NOW - random.nextLong(0, 730 * DAY)); break;
                case 4: w.string("phone", "010" + (10_000_000 + random.nextInt(90_000_000))); break;
                case 5: w.string("chat_key", "k" + random.nextInt(1000)); break;
                case 6: w.addTag(TAGS[random.nextInt(TAGS.length)]); break;
                case 7: w.removeTag(TAGS[random.nextInt(TAGS.length)]); break;
                case 8: w.integer("points", random.nextLong(-1000, 100_000)); break;
                case 9: w.pushToken(random.nextBoolean() ? "fcm" : "apns", "t" + random.nextInt(400)); break;
                case 10:
                    w.consentField(CHANNELS[random.nextInt(3)], random.nextInt(8) & ~1 | 1, 0, 0, "form");
                    break;
                default:
                    if (patch)
                    {
                        w.unset(random.nextBoolean() ? "region" : random.nextBoolean() ? "points" : "phone");
                    }
                    break;
            }
        }
    }

    private static String expression(final SplittableRandom random, final int depth)
    {
        if (depth == 0 || random.nextInt(3) == 0)
        {
            return predicate(random);
        }
        switch (random.nextInt(3))
        {
            case 0: return "(" + expression(random, depth - 1) + " and " + expression(random, depth - 1) + ")";
            case 1: return "(" + expression(random, depth - 1) + " or " + expression(random, depth - 1) + ")";
            default: return "not " + expression(random, depth - 1);
        }
    }

    private static String predicate(final SplittableRandom random)
    {
        final int a = random.nextInt(100);
        switch (random.nextInt(16))
        {
            case 0: return "gender = '" + (random.nextBoolean() ? "F" : "M") + "'";
            case 1: return "gender != 'F'";
            case 2: return "region in ('" + REGIONS[random.nextInt(4)] + "', '" + REGIONS[random.nextInt(4)] + "')";
            case 3: return "region not in ('서울')";
            case 4: return "age between " + (a / 2) + " and " + (a / 2 + random.nextInt(30));
            case 5: return "age " + (random.nextBoolean() ? "<" : ">=") + " " + a;
            case 6: return "birth_year " + (random.nextBoolean() ? "<=" : ">") + " " + (1950 + random.nextInt(61));
            case 7: return (random.nextBoolean() ? "last_visit" : "last_purchase") + " within " + random.nextInt(800) + "d";
            case 8: return (random.nextBoolean() ? "last_visit" : "last_purchase") + " before " + random.nextInt(2000) + "h";
            case 9: return "tag('" + TAGS[random.nextInt(TAGS.length)] + "')";
            case 10: return "reachable('" + CHANNELS[random.nextInt(3)] + "')";
            case 11: return "consent('" + CHANNELS[random.nextInt(3)] + "'" + (random.nextBoolean() ? ", 'night')" : ")");
            case 12: return "exists(" + (random.nextBoolean() ? "points" : "chat_key") + ")";
            case 13: return "points between " + random.nextLong(-1000, 50_000) + " and " + random.nextLong(0, 100_000);
            case 14: return "points " + (random.nextBoolean() ? "!=" : "=") + " " + random.nextLong(-1000, 100_000);
            default: return "birth_year in (" + (1950 + random.nextInt(61)) + ", " + (1950 + random.nextInt(61)) + ")";
        }
    }
}
