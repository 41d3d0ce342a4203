package io.dispatch.protocol;

/** Message type ids of protocol v1 (byte 5 of the header). Stable: never renumber. */
public final class MessageType
{
    public static final byte HELLO = 0x01;
    public static final byte HELLO_OK = 0x02;
    public static final byte OK = 0x03;

    public static final byte SUBMIT = 0x10;
    public static final byte SUBMIT_BATCH = 0x11;
    public static final byte ACK = 0x12;
    public static final byte NACK = 0x13;
    public static final byte CREDIT = 0x14;
    /** The answer to a dry-run SUBMIT: the decision, not sent. */
    public static final byte EXPLAIN_RESULT = 0x15;
    public static final byte CANCEL = 0x16;
    public static final byte CANCEL_RESULT = 0x17;

    public static final byte STATUS = 0x20;
    public static final byte STATUS_RESULT = 0x21;
    public static final byte SUBSCRIBE = 0x22;
    public static final byte RECEIPT = 0x23;
    public static final byte RECEIPTS_DROPPED = 0x24;
    /** C→S: subscribe to the tenant's inbound messages and events (optionally resumed from a position). */
    public static final byte SUBSCRIBE_INBOUND = 0x25;
    /** S→C: one inbound message or event, with its position. */
    public static final byte INBOUND = 0x26;

    public static final byte CONSENT = 0x40;
    /** A batch of recipient-directory operations ({@link DirectoryOp}). */
    public static final byte DIRECTORY_UPDATE = 0x41;
    /** The answer to DIRECTORY_UPDATE: applied count and the rejected ops with their problems. */
    public static final byte DIRECTORY_RESULT = 0x42;

    /** Starts (or explains, with the dry-run flag) a campaign: segment, template, channel order, pacing. */
    public static final byte CAMPAIGN = 0x50;
    /** Pause, resume or cancel a campaign. */
    public static final byte CAMPAIGN_CONTROL = 0x51;
    /** Asks for a campaign's progress and counts. */
    public static final byte CAMPAIGN_STATS = 0x52;
    public static final byte CAMPAIGN_RESULT = 0x53;

    public static final byte PING = 0x30;
    public static final byte PONG = 0x31;

    public static final byte ERROR = 0x7E;
    public static final byte GOODBYE = 0x7F;

    private MessageType()
    {
    }

    public static String name(final byte type)
    {
        switch (type)
        {
            case HELLO: return "HELLO";
            case HELLO_OK: return "HELLO_OK";
            case OK: return "OK";
            case SUBMIT: return "SUBMIT";
            case SUBMIT_BATCH: return "SUBMIT_BATCH";
            case ACK: return "ACK";
            case NACK: return "NACK";
            case CREDIT: return "CREDIT";
            case EXPLAIN_RESULT: return "EXPLAIN_RESULT";
            case CANCEL: return "CANCEL";
            case CANCEL_RESULT: return "CANCEL_RESULT";
            case CONSENT: return "CONSENT";
            case DIRECTORY_UPDATE: return "DIRECTORY_UPDATE";
            case DIRECTORY_RESULT: return "DIRECTORY_RESULT";
            case CAMPAIGN: return "CAMPAIGN";
            case CAMPAIGN_CONTROL: return "CAMPAIGN_CONTROL";
            case CAMPAIGN_STATS: return "CAMPAIGN_STATS";
            case CAMPAIGN_RESULT: return "CAMPAIGN_RESULT";
            case STATUS: return "STATUS";
            case STATUS_RESULT: return "STATUS_RESULT";
            case SUBSCRIBE: return "SUBSCRIBE";
            case RECEIPT: return "RECEIPT";
            case RECEIPTS_DROPPED: return "RECEIPTS_DROPPED";
            case SUBSCRIBE_INBOUND: return "SUBSCRIBE_INBOUND";
            case INBOUND: return "INBOUND";
            case PING: return "PING";
            case PONG: return "PONG";
            case ERROR: return "ERROR";
            case GOODBYE: return "GOODBYE";
            default: return "UNKNOWN(0x" + Integer.toHexString(type & 0xFF) + ")";
        }
    }
}
