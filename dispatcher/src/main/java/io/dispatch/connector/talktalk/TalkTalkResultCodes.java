package io.dispatch.connector.talktalk;

import io.dispatch.protocol.Reason;

/**
 * Maps the partner API's {@code resultCode} onto the engine's outcomes (table in docs/connectors/talktalk.md;
 * source: the "ERROR 명세서" of https://github.com/navertalk/chatbot-api).
 */
final class TalkTalkResultCodes
{
    enum Verdict
    {
        ACCEPTED,
        REJECTED,
        /** Transient: the API answered, so nothing was shown and a retry cannot duplicate. */
        FAILED
    }

    record Mapping(Verdict verdict, Reason reason)
    {
    }

    static final Mapping ACCEPTED = new Mapping(Verdict.ACCEPTED, Reason.NONE);

    private TalkTalkResultCodes()
    {
    }

    static Mapping classify(final String code)
    {
        switch (code)
        {
            case "00":
                return ACCEPTED;
            case "01":
                // the Authorization key is wrong or expired: an operator problem, never this message's
                return new Mapping(Verdict.REJECTED, Reason.PROVIDER_AUTH_FAILED);
            case "02":
                return new Mapping(Verdict.REJECTED, Reason.CONTENT_REJECTED);
            case "IMG-01":
                return new Mapping(Verdict.REJECTED, Reason.CONTENT_REJECTED);
            case "IMG-02":
                // TalkTalk could not download the image within 10 s: the image host may be back later
                return new Mapping(Verdict.FAILED, Reason.PROVIDER_UNAVAILABLE);
            case "IMG-03":
                return new Mapping(Verdict.REJECTED, Reason.PAYLOAD_TOO_LARGE);
            default:
                // "99" and anything undocumented: refused for a reason only the message text says
                return new Mapping(Verdict.REJECTED, Reason.PROVIDER_ERROR);
        }
    }
}
