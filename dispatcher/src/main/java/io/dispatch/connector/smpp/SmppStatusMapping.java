package io.dispatch.connector.smpp;

import io.dispatch.protocol.Reason;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Maps a negative {@code submit_sm_resp} command_status to the connector outcome: transient (the runtime retries,
 * {@link Reason#PROVIDER_THROTTLED} slows the lane) or permanent (rejected with the closest {@link Reason}).
 * The built-in table follows SMPP 3.4 §5.1.3; {@code statusMap} adds or overrides vendor codes
 * ({@code 0x400=rejected:INVALID_RECIPIENT,0x401=failed:PROVIDER_UNAVAILABLE}). Immutable, thread-safe.
 * The table is repeated in docs/connectors/smpp.md; keep both in step.
 */
final class SmppStatusMapping
{
    /** What to do with a status. */
    record Outcome(boolean permanent, Reason reason)
    {
        static Outcome failed(final Reason reason)
        {
            return new Outcome(false, reason);
        }

        static Outcome rejected(final Reason reason)
        {
            return new Outcome(true, reason);
        }
    }

    static final int ESME_RTHROTTLED = 0x58;
    private static final Outcome UNKNOWN = Outcome.rejected(Reason.PROVIDER_ERROR);
    private static final Map<Integer, Outcome> BUILT_IN = new HashMap<>();

    static
    {
        // transient: the SMSC or the bind is busy or broken, the same message may pass later
        BUILT_IN.put(ESME_RTHROTTLED, Outcome.failed(Reason.PROVIDER_THROTTLED));
        BUILT_IN.put(0x14, Outcome.failed(Reason.PROVIDER_UNAVAILABLE)); // ESME_RMSGQFUL
        BUILT_IN.put(0x08, Outcome.failed(Reason.PROVIDER_UNAVAILABLE)); // ESME_RSYSERR
        BUILT_IN.put(0x04, Outcome.failed(Reason.PROVIDER_UNAVAILABLE)); // ESME_RINVBNDSTS
        BUILT_IN.put(0x45, Outcome.failed(Reason.PROVIDER_UNAVAILABLE)); // ESME_RSUBMITFAIL
        BUILT_IN.put(0x64, Outcome.failed(Reason.PROVIDER_UNAVAILABLE)); // ESME_RX_T_APPN
        BUILT_IN.put(0xFF, Outcome.failed(Reason.PROVIDER_ERROR));       // ESME_RUNKNOWNERR
        // permanent: the same message would be refused again
        for (final int code : new int[] {0x0B, 0x50, 0x51, 0x33})    // RINVDSTADR, RINVDSTTON, RINVDSTNPI, RINVNUMDESTS
        {
            BUILT_IN.put(code, Outcome.rejected(Reason.INVALID_RECIPIENT));
        }
        BUILT_IN.put(0x01, Outcome.rejected(Reason.PAYLOAD_TOO_LARGE)); // ESME_RINVMSGLEN
        for (final int code : new int[] {0x0A, 0x48, 0x49, 0x0D, 0x0E, 0x0F, 0x101, 0x100})
        {
            // source address / TON / NPI not allowed, bind refused, prohibited, service type not authorised
            BUILT_IN.put(code, Outcome.rejected(Reason.PROVIDER_AUTH_FAILED));
        }
        for (final int code : new int[] {0x66, 0x104, 0x43, 0x61, 0x62, 0x63})
        {
            // RX_R_APPN (reject message), invalid data coding / esm_class / schedule / expiry / predefined message
            BUILT_IN.put(code, Outcome.rejected(Reason.CONTENT_REJECTED));
        }
        BUILT_IN.put(0x65, Outcome.rejected(Reason.UNDELIVERABLE)); // ESME_RX_P_APPN
        BUILT_IN.put(0xFE, Outcome.rejected(Reason.UNDELIVERABLE)); // ESME_RDELIVERYFAILURE
    }

    private final Map<Integer, Outcome> overrides;

    private SmppStatusMapping(final Map<Integer, Outcome> overrides)
    {
        this.overrides = overrides;
    }

    /** @return the outcome for a non-zero command_status; unlisted codes are rejected with PROVIDER_ERROR. */
    Outcome map(final int commandStatus)
    {
        final Outcome o = overrides.get(commandStatus);
        if (o != null)
        {
            return o;
        }
        return BUILT_IN.getOrDefault(commandStatus, UNKNOWN);
    }

    /** @return whether a bind_resp status means our credentials or identity were refused (no retry helps). */
    static boolean isBindRefusal(final int commandStatus)
    {
        // RBINDFAIL, RINVPASWD, RINVSYSID, RINVSYSTYP
        return commandStatus == 0x0D || commandStatus == 0x0E || commandStatus == 0x0F || commandStatus == 0x53;
    }

    /**
     * @param spec {@code code=failed|rejected:REASON} pairs separated by commas; codes in hex ({@code 0x…}) or decimal.
     * @throws IllegalArgumentException naming {@code statusMap} and the bad entry.
     */
    static SmppStatusMapping parse(final String spec)
    {
        final Map<Integer, Outcome> overrides = new HashMap<>();
        for (final String raw : spec.split(","))
        {
            final String entry = raw.trim();
            if (entry.isEmpty())
            {
                continue;
            }
            final int eq = entry.indexOf('=');
            final int colon = entry.indexOf(':', eq + 1);
            if (eq <= 0 || colon < 0)
            {
                throw bad(entry, "expected code=failed:REASON or code=rejected:REASON");
            }
            final int code;
            try
            {
                final String c = entry.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                code = c.startsWith("0x") ? Integer.parseUnsignedInt(c.substring(2), 16) : Integer.parseInt(c);
            }
            catch (final NumberFormatException ex)
            {
                throw bad(entry, "the code is not a number");
            }
            if (code == 0)
            {
                throw bad(entry, "0 is ESME_ROK, a success");
            }
            final String kind = entry.substring(eq + 1, colon).trim();
            final Reason reason;
            try
            {
                reason = Reason.valueOf(entry.substring(colon + 1).trim());
            }
            catch (final IllegalArgumentException ex)
            {
                throw bad(entry, "'" + entry.substring(colon + 1).trim() + "' is not a Reason name");
            }
            switch (kind)
            {
                case "failed": overrides.put(code, Outcome.failed(reason)); break;
                case "rejected": overrides.put(code, Outcome.rejected(reason)); break;
                default: throw bad(entry, "'" + kind + "' is not failed or rejected");
            }
        }
        return new SmppStatusMapping(Map.copyOf(overrides));
    }

    private static IllegalArgumentException bad(final String entry, final String problem)
    {
        return new IllegalArgumentException("statusMap: '" + entry + "': " + problem);
    }

    /** @return the status as SMPP writes it, e.g. {@code 0x00000058}. */
    static String hex(final int commandStatus)
    {
        return String.format("0x%08x", commandStatus);
    }
}
