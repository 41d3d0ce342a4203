package io.dispatch.connector.messenger;

import io.dispatch.protocol.Reason;

/**
 * Maps Send API errors ({@code error.code}, {@code error.error_subcode}) onto the engine's outcomes; the table and
 * its sources are in docs/connectors/messenger.md.
 */
final class MessengerErrors
{
    enum Verdict
    {
        REJECTED,
        /** The API answered that it did not send: safe to retry. */
        FAILED,
        THROTTLED
    }

    record Mapping(Verdict verdict, Reason reason)
    {
    }

    private MessengerErrors()
    {
    }

    static Mapping classify(final long code, final long subcode)
    {
        if (code == 10 && subcode == 2018278 || code == 10 && subcode == 2018065)
        {
            // sent outside the 24 h window without an allowed tag
            return rejected(Reason.OUTSIDE_CONVERSATION_WINDOW);
        }
        if (code == 100 && subcode == 2018001)
        {
            return rejected(Reason.INVALID_RECIPIENT);
        }
        if (code == 551 || code == 200 && subcode == 1545041)
        {
            // the person is not available (blocked the Page, deactivated)
            return rejected(Reason.RECIPIENT_UNREACHABLE);
        }
        switch ((int)code)
        {
            case 4:     // application request limit
            case 32:    // Page request limit
            case 613:   // calls to this API exceeded the rate limit
                return new Mapping(Verdict.THROTTLED, Reason.PROVIDER_THROTTLED);
            case 1:     // unknown error, possibly temporary
            case 2:     // service temporarily unavailable
            case 1200:  // temporary send message failure
                return new Mapping(Verdict.FAILED, Reason.PROVIDER_UNAVAILABLE);
            case 190:   // access token expired or invalid
            case 10:    // permission denied
            case 200:   // permissions error
                return rejected(Reason.PROVIDER_AUTH_FAILED);
            case 100:   // invalid parameter
                return rejected(Reason.CONTENT_REJECTED);
            default:
                return rejected(Reason.PROVIDER_ERROR);
        }
    }

    private static Mapping rejected(final Reason reason)
    {
        return new Mapping(Verdict.REJECTED, reason);
    }
}
