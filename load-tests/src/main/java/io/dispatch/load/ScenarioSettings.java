package io.dispatch.load;

import io.dispatch.load.scenario.CampaignReader;
import io.dispatch.load.scenario.Durations;
import io.dispatch.load.scenario.RateProfiles;
import io.dispatch.load.scenario.SaturationSpec;
import io.dispatch.load.scenario.Setting;
import io.dispatch.load.scenario.Slo;
import io.dispatch.load.scenario.StreamsReader;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies scenario settings (from a file, {@code --set} or a flag) to a {@link LoadTestConfig.Builder},
 * checking each value where it is read so the error names the key and line (or the flag). Keys, all
 * documented in docs/load-testing.md:
 * <ul>
 *   <li>run: {@code name description duration warmup connections seed host port tenant api-key engine slo}</li>
 *   <li>{@code stream.NAME.{class,channel,rate,start,stop,recipients,payload,catalog}} ({@link StreamsReader})</li>
 *   <li>{@code campaign.{recipients,channel,start,pacing,template}}: an engine-side campaign ({@link CampaignReader})</li>
 *   <li>{@code sim.SETTING} and {@code sim.CHANNEL.SETTING}: the simulated providers of the engine</li>
 *   <li>{@code engine.KEY}: any engine configuration key (docs/configuration.md)</li>
 *   <li>{@code saturation.{start,step,max,step-duration,warmup}}</li>
 * </ul>
 * <b>Threading:</b> not thread-safe; one per parse.
 */
public final class ScenarioSettings
{
    public static final Set<String> RUN_KEYS = Set.of("name", "description", "duration", "warmup", "connections",
        "seed", "host", "port", "tenant", "api-key", "engine", "slo");
    /** Settings of the simulated connector (dispatcher connector/sim), all lanes or one channel. */
    public static final Set<String> SIM_SETTINGS =
        Set.of("latencyMs", "failureRate", "rejectRate", "receiptDelayMs", "maxPerSecond", "throttleRetryAfterMs");
    public static final Set<String> SATURATION_KEYS = Set.of("start", "step", "max", "step-duration", "warmup");
    private static final String[] CHANNELS = {"sms", "push", "chat"};

    private final LoadTestConfig.Builder b;
    private boolean saturate;
    private double satStart = 1_000;
    private double satStep = Double.NaN;
    private double satMax = Double.NaN;
    private int satStepDurationS = 10;
    private int satWarmupS = 3;
    private Setting satOrigin;

    public ScenarioSettings(final LoadTestConfig.Builder builder)
    {
        this.b = builder;
    }

    /** Turns saturation mode on even without saturation.* keys ({@code --saturate}). */
    public void saturate(final Setting origin)
    {
        saturate = true;
        satOrigin = satOrigin == null ? origin : satOrigin;
    }

    /** @throws io.dispatch.load.scenario.ScenarioException naming the setting. */
    public void apply(final Setting s)
    {
        final String key = s.key();
        if (key.startsWith(StreamsReader.PREFIX))
        {
            b.streamSettings().add(s);
            return;
        }
        if (key.startsWith(CampaignReader.PREFIX))
        {
            b.campaignSettings().add(s);
            return;
        }
        if (key.startsWith("sim."))
        {
            sim(s, key.substring(4));
            return;
        }
        if (key.startsWith("engine."))
        {
            b.engineSetting(key.substring(7), s.value());
            return;
        }
        if (key.startsWith("saturation."))
        {
            saturation(s, key.substring(11));
            return;
        }
        switch (key)
        {
            case "name": b.name(s.value()); break;
            case "description": break;
            case "duration": b.durationS(seconds(s, 1)); break;
            case "warmup": b.warmupS(seconds(s, 0)); break;
            case "connections": b.connections(s.integer(1, LoadTestConfig.MAX_CONNECTIONS)); break;
            case "seed": b.seed(s.integer(Integer.MIN_VALUE, Integer.MAX_VALUE)); break;
            case "host": b.host(nonEmpty(s)); break;
            case "port": b.port(s.integer(1, 65_535)); break;
            case "tenant": b.tenant(nonEmpty(s)); break;
            case "api-key": b.apiKey(s.value()); break;
            case "engine": b.engineMode(engineMode(s)); break;
            case "slo": b.slo(slo(s)); break;
            default:
                throw s.error("is not a scenario key; known: " + new TreeSet<>(RUN_KEYS) +
                    ", stream.NAME.*, campaign.*, sim.*, engine.*, saturation.* (docs/load-testing.md)");
        }
    }

    /** Builds the saturation sweep from the saturation.* keys, once every setting is applied. */
    public void finish()
    {
        if (!saturate)
        {
            return;
        }
        final double step = Double.isNaN(satStep) ? satStart : satStep;
        final double max = Double.isNaN(satMax) ? satStart + 19 * step : satMax;
        if (max < satStart)
        {
            throw satOrigin.error("saturation.max (" + max + ") is below saturation.start (" + satStart + ")");
        }
        if ((max - satStart) / step > 1_000)
        {
            throw satOrigin.error("more than 1000 saturation steps; raise saturation.step");
        }
        b.saturation(new SaturationSpec(satStart, step, max, satStepDurationS, satWarmupS));
    }

    public boolean saturationRequested()
    {
        return saturate;
    }

    public Setting saturationOrigin()
    {
        return satOrigin;
    }

    private void sim(final Setting s, final String rest)
    {
        final int dot = rest.indexOf('.');
        final String channel = dot < 0 ? null : rest.substring(0, dot);
        final String setting = dot < 0 ? rest : rest.substring(dot + 1);
        if (channel != null && !Set.of(CHANNELS).contains(channel))
        {
            throw s.error("unknown channel '" + channel + "'; use sim.SETTING (every channel) or sim.sms|push|chat.SETTING");
        }
        if (!SIM_SETTINGS.contains(setting))
        {
            throw s.error("unknown simulated-provider setting '" + setting + "'; known: " + new TreeSet<>(SIM_SETTINGS));
        }
        if (setting.endsWith("Rate"))
        {
            final double rate = decimal(s);
            if (!(rate >= 0 && rate <= 1))
            {
                throw s.error("must be within [0, 1], got '" + s.value() + "'");
            }
        }
        else
        {
            s.integer(0, Integer.MAX_VALUE);
        }
        for (final String lane : channel == null ? CHANNELS : new String[] {channel})
        {
            b.engineSetting("lane." + lane + ".connector." + setting, s.value().trim());
        }
    }

    private void saturation(final Setting s, final String key)
    {
        saturate(s);
        switch (key)
        {
            case "start": satStart = positiveRate(s); break;
            case "step": satStep = positiveRate(s); break;
            case "max": satMax = positiveRate(s); break;
            case "step-duration": satStepDurationS = seconds(s, 1); break;
            case "warmup": satWarmupS = seconds(s, 0); break;
            default:
                throw s.error("unknown saturation key; known: " + new TreeSet<>(SATURATION_KEYS));
        }
    }

    private static double positiveRate(final Setting s)
    {
        try
        {
            final double r = RateProfiles.rate(s.value());
            if (r > 0 && r <= LoadTestConfig.MAX_RATE)
            {
                return r;
            }
        }
        catch (final IllegalArgumentException ex)
        {
            // reported below
        }
        throw s.error("must be a rate > 0 and <= " + (long)LoadTestConfig.MAX_RATE + ", got '" + s.value() + "'");
    }

    private static LoadTestConfig.EngineMode engineMode(final Setting s)
    {
        switch (s.value().trim().toLowerCase(Locale.ROOT))
        {
            case "embedded": return LoadTestConfig.EngineMode.EMBEDDED;
            case "external": return LoadTestConfig.EngineMode.EXTERNAL;
            default: throw s.error("must be embedded | external, got '" + s.value() + "'");
        }
    }

    private static Slo slo(final Setting s)
    {
        try
        {
            return Slo.parse(s.value());
        }
        catch (final IllegalArgumentException ex)
        {
            throw s.error(ex.getMessage());
        }
    }

    private static int seconds(final Setting s, final int min)
    {
        final int v;
        try
        {
            v = Durations.parseWholeSeconds(s.value());
        }
        catch (final IllegalArgumentException ex)
        {
            throw s.error("expects whole seconds (e.g. 30 or 30s), got '" + s.value() + "'");
        }
        if (v < min)
        {
            throw s.error("must be >= " + min + " seconds, got " + v);
        }
        return v;
    }

    private static double decimal(final Setting s)
    {
        try
        {
            return Double.parseDouble(s.value().trim());
        }
        catch (final NumberFormatException ex)
        {
            throw s.error("expects a number, got '" + s.value() + "'");
        }
    }

    private static String nonEmpty(final Setting s)
    {
        if (s.value().isBlank())
        {
            throw s.error("must not be empty");
        }
        return s.value().trim();
    }
}
