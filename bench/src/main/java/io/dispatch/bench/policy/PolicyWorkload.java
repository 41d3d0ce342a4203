package io.dispatch.bench.policy;

import io.dispatch.config.PolicyConfig;
import io.dispatch.config.Settings;
import io.dispatch.config.TenantPolicy;
import io.dispatch.policy.PolicyEngine;
import io.dispatch.policy.RecipientDirectory;
import io.dispatch.policy.RecipientKeys;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.MessageKind;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * The state and traffic of the policy benchmarks: one tenant with {@code recipients} addresses
 * ({@code +8210} and 8 digits), and a pre-drawn stream of {@value #STREAM_LENGTH} messages, so the measured
 * loop pays no allocation and no random-number cost. Deterministic (seeded).
 * <ul>
 *   <li>Directory: 10 % of addresses unknown (no consent), 90 % with ad consent on every channel, a quarter of
 *       those also with night-ad consent, and 3 % of all addresses opted out on one channel.</li>
 *   <li>Frequency caps {@value #CAPS} on marketing (cross-channel); every consented address has 1–3 marketing
 *       sends in the 14 days before the start, so about half of them have live history.</li>
 *   <li>Rate limits on: tenant {@value #TENANT_RATE_PER_SECOND}/s with the default 20 % reserved for
 *       informational and auth, SMS {@value #SMS_RATE_PER_SECOND}/s, chat {@value #CHAT_RATE_PER_SECOND}/s,
 *       push unlimited. The offered rate is {@value #MESSAGES_PER_MS} messages per ms of simulated time
 *       (200k/s, the spine's sustained rate), above no limit, so rate deferrals are rare.</li>
 *   <li>Stream: 60 % informational, 10 % auth, 30 % marketing; 50 % SMS, 35 % push, 15 % chat; recipients
 *       uniform over the directory.</li>
 * </ul>
 * Time starts at {@code localStart} on 2026-11-25 in Asia/Seoul (14:00: marketing hours; 22:00: the night
 * window) and advances one millisecond every {@value #MESSAGES_PER_MS} messages ({@link MessageClock}).
 * Marketing recipients get capped as the run goes on (a campaign re-sent to the same list), so later
 * iterations see more FREQUENCY_CAPPED and fewer sends. Single-threaded; each benchmark thread builds its own.
 */
public final class PolicyWorkload
{
    public static final int TENANT_ID = 1;
    public static final int MESSAGES_PER_MS = 200;
    public static final int STREAM_LENGTH = 1 << 20;
    public static final String CAPS = "1/24h,3/7d";
    public static final long TENANT_RATE_PER_SECOND = 300_000;
    public static final long SMS_RATE_PER_SECOND = 150_000;
    public static final long CHAT_RATE_PER_SECOND = 50_000;

    /** The bytes of an address: its length byte, then {@code +8210} and 8 ASCII digits. */
    public static final int ADDRESS_LENGTH = 13;
    /** Offset of the 8 digits in an address, after its length byte and {@code +8210}. */
    public static final int DIGITS_AT = 1 + 5;

    static final int STREAM_MASK = STREAM_LENGTH - 1;
    private static final String TENANT_NAME = "bench";
    private static final long DAY_MS = 86_400_000L;
    private static final long HISTORY_MS = 14 * DAY_MS;
    private static final long SEED = 0x5EED_2026L;
    private static final byte[] PREFIX = "+8210".getBytes(StandardCharsets.US_ASCII);

    private final long startMs;
    private final Settings settings;
    private final long[] recipientKeys;
    private final byte[] consent;
    private final long[] streamKeys;
    private final long[] streamDigits;
    private final byte[] streamKinds;
    private final byte[] streamChannels;
    private final long[] marketableKeys;

    /** @param localStart e.g. {@code 14:00}: the wall-clock time in Asia/Seoul the simulated clock starts at. */
    public PolicyWorkload(final int recipients, final String localStart)
    {
        if (recipients < 1 || recipients > 100_000_000)
        {
            throw new IllegalArgumentException("recipients must be 1..100000000: " + recipients);
        }
        settings = settings();
        final TenantPolicy tenant = TenantPolicy.read(settings, TENANT_NAME);
        startMs = LocalDate.of(2026, 11, 25).atTime(LocalTime.parse(localStart)).atZone(tenant.timeZone())
            .toInstant().toEpochMilli();

        final SplittableRandom random = new SplittableRandom(SEED);
        recipientKeys = new long[recipients];
        consent = new byte[recipients];
        final long[] digits = new long[recipients];
        final byte[] address = new byte[ADDRESS_LENGTH + 1];
        for (int r = 0; r < recipients; r++)
        {
            digits[r] = address(r, address);
            recipientKeys[r] = RecipientKeys.recipientKey(TENANT_ID, address, 0);
            final int roll = random.nextInt(100);
            consent[r] = (byte)(roll < 10 ? 0 : roll < 33 ? ConsentFlags.AD | ConsentFlags.NIGHT_AD : ConsentFlags.AD);
        }

        streamKeys = new long[STREAM_LENGTH];
        streamDigits = new long[STREAM_LENGTH];
        streamKinds = new byte[STREAM_LENGTH];
        streamChannels = new byte[STREAM_LENGTH];
        marketableKeys = new long[STREAM_LENGTH];
        int marketable = 0;
        for (int i = 0; i < STREAM_LENGTH; i++)
        {
            final int r = random.nextInt(recipients);
            streamKeys[i] = recipientKeys[r];
            streamDigits[i] = digits[r];
            final int kind = random.nextInt(100);
            streamKinds[i] = (kind < 60 ? MessageKind.INFORMATIONAL : kind < 70 ? MessageKind.AUTH : MessageKind.MARKETING).code();
            final int channel = random.nextInt(100);
            streamChannels[i] = (channel < 50 ? ChannelType.SMS : channel < 85 ? ChannelType.PUSH : ChannelType.CHAT).code();
            final int m = random.nextInt(recipients);
            if ((consent[m] & ConsentFlags.AD) != 0)
            {
                marketableKeys[marketable++] = recipientKeys[m];
            }
        }
        // fill the rest of the marketable stream by repeating its start (90 % of draws were consented)
        for (int i = marketable; i < STREAM_LENGTH; i++)
        {
            marketableKeys[i] = marketableKeys[i - marketable];
        }
    }

    private static Settings settings()
    {
        final Properties p = new Properties();
        final String t = "tenant." + TENANT_NAME + ".";
        p.setProperty("tenants", TENANT_NAME);
        p.setProperty(t + "apiKey", "bench-key");
        p.setProperty(t + "rate.perSecond", Long.toString(TENANT_RATE_PER_SECOND));
        p.setProperty(t + "rate.sms.perSecond", Long.toString(SMS_RATE_PER_SECOND));
        p.setProperty(t + "rate.chat.perSecond", Long.toString(CHAT_RATE_PER_SECOND));
        p.setProperty(t + "cap.marketing", CAPS);
        return new Settings(p);
    }

    /**
     * Writes address {@code r} (length byte, {@code +8210}, 8 digits) into {@code out}.
     *
     * @return its 8 digits as a little-endian long, ready to be stored into a body in one write.
     */
    static long address(final int r, final byte[] out)
    {
        out[0] = ADDRESS_LENGTH;
        System.arraycopy(PREFIX, 0, out, 1, PREFIX.length);
        long digits = 0;
        int rest = r;
        for (int d = 7; d >= 0; d--)
        {
            final byte digit = (byte)('0' + rest % 10);
            rest /= 10;
            out[DIGITS_AT + d] = digit;
            digits |= (long)(digit & 0xFF) << (8 * d);
        }
        return digits;
    }

    /** A new engine holding the directory and the frequency-cap history, its buckets full at {@link #startMs()}. */
    public PolicyEngine newEngine()
    {
        final TenantPolicy[] tenants = new TenantPolicy[TENANT_ID + 1];
        tenants[TENANT_ID] = TenantPolicy.read(settings, TENANT_NAME);
        final PolicyEngine engine = new PolicyEngine(PolicyConfig.read(settings), tenants, new RecipientDirectory(), startMs);
        final RecipientDirectory directory = engine.directory();
        final SplittableRandom random = new SplittableRandom(SEED + 1);
        final long[] sends = new long[3];
        final int marketing = MessageKind.MARKETING.code();
        for (int r = 0; r < recipientKeys.length; r++)
        {
            if (consent[r] != 0)
            {
                directory.apply(recipientKeys[r], 0, consent[r], 0);
                final int n = 1 + random.nextInt(3);
                for (int s = 0; s < n; s++)
                {
                    sends[s] = startMs - 1 - random.nextLong(HISTORY_MS);
                }
                Arrays.sort(sends, 0, n);
                for (int s = 0; s < n; s++)
                {
                    engine.recordSend(TENANT_ID, marketing, channel(random), recipientKeys[r], sends[s]);
                }
            }
            if (random.nextInt(100) < 3)
            {
                directory.apply(recipientKeys[r], channel(random), ConsentFlags.OPTED_OUT, 0);
            }
        }
        return engine;
    }

    private static int channel(final SplittableRandom random)
    {
        return 1 + random.nextInt(3);
    }

    public long startMs()
    {
        return startMs;
    }

    public int recipients()
    {
        return recipientKeys.length;
    }

    /** Recipient key of stream message {@code i} ({@code 0 ≤ i <} {@link #STREAM_LENGTH}). */
    public long recipientKey(final int i)
    {
        return streamKeys[i];
    }

    /** The 8 address digits of stream message {@code i}, little-endian, as {@link #address} returns them. */
    public long digits(final int i)
    {
        return streamDigits[i];
    }

    public byte kind(final int i)
    {
        return streamKinds[i];
    }

    public byte channel(final int i)
    {
        return streamChannels[i];
    }

    /** A separate stream of recipients with ad consent, for the frequency-cap rule on its own. */
    public long marketableKey(final int i)
    {
        return marketableKeys[i];
    }
}
