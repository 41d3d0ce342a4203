package io.dispatch.config;

/** What the engine does about the (광고) prefix and free opt-out footer of marketing text on a channel. */
public enum AdMarkingMode
{
    /** Prepend {@code (광고)} and append the tenant's opt-out footer when they are missing. */
    ADD,
    /** Refuse marketing text without them (NACK INVALID_FIELD naming the rule). */
    VALIDATE,
    /** The channel marks ads itself (Kakao Brand Message) or the operator does. */
    OFF;

    public static AdMarkingMode parse(final String key, final String value)
    {
        switch (value.trim())
        {
            case "add": return ADD;
            case "validate": return VALIDATE;
            case "off": return OFF;
            default: throw new io.dispatch.config.ConfigurationException(key, "'" + value + "' is not add, validate or off");
        }
    }
}
