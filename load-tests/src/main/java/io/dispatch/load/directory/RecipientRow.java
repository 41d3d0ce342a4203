package io.dispatch.load.directory;

import java.util.ArrayList;
import java.util.List;

/**
 * One generated recipient, as a CRM export would have it. Mutable and reused by {@link DirectoryGenerator};
 * absent values are null (strings) or {@link #NONE} (numbers and times).
 */
public final class RecipientRow
{
    public static final long NONE = Long.MIN_VALUE;

    public String id;
    public String gender;
    public long birthYear = NONE;
    public String region;
    public String phone;
    public String chatKey;
    public final List<String> tags = new ArrayList<>(3);
    public long lastVisitMs = NONE;
    public long lastPurchaseMs = NONE;
    /** "fcm:token" or "apns:token". */
    public final List<String> push = new ArrayList<>(2);
    /** Per channel sms, push, chat: "ad", "ad+night", "optout" or null. */
    public final String[] consent = new String[3];
    public long consentAtMs;
    public String grade;
    public long points = NONE;

    void clear()
    {
        id = null;
        gender = null;
        birthYear = NONE;
        region = null;
        phone = null;
        chatKey = null;
        tags.clear();
        lastVisitMs = NONE;
        lastPurchaseMs = NONE;
        push.clear();
        consent[0] = null;
        consent[1] = null;
        consent[2] = null;
        grade = null;
        points = NONE;
    }
}
