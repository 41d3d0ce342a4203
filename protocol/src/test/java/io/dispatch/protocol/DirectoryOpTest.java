package io.dispatch.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DirectoryOpTest
{
    private final DirectoryOpWriter writer = new DirectoryOpWriter();
    private final DirectoryOp op = new DirectoryOp();

    @Test
    void upsertFieldsRoundTrip()
    {
        writer.upsert("cust-1").string("gender", "F").integer("birth_year", 1999).time("last_purchase", 1_700_000_000_000L)
            .addTag("vip").string("phone", "+821012345678").pushToken("fcm", "tok-1").string("grade", "골드")
            .consentField("sms", 1, 0, 55L, "csv import");
        assertThat(read()).isNull();
        assertThat(op.op()).isEqualTo(DirectoryOp.UPSERT);
        assertThat(op.subject()).isEqualTo("cust-1");
        op.resetFields();
        assertThat(op.nextField()).isEqualTo(DirectoryOp.STRING);
        assertThat(op.name()).isEqualTo("gender");
        assertThat(op.stringValue()).isEqualTo("F");
        assertThat(op.nextField()).isEqualTo(DirectoryOp.INT);
        assertThat(op.longValue()).isEqualTo(1999);
        assertThat(op.nextField()).isEqualTo(DirectoryOp.TIME);
        assertThat(op.longValue()).isEqualTo(1_700_000_000_000L);
        assertThat(op.nextField()).isEqualTo(DirectoryOp.TAG_ADD);
        assertThat(op.nameIs("vip")).isTrue();
        assertThat(op.nextField()).isEqualTo(DirectoryOp.STRING);
        assertThat(op.nextField()).isEqualTo(DirectoryOp.PUSH_TOKEN);
        assertThat(op.name()).isEqualTo("fcm");
        assertThat(op.stringValue()).isEqualTo("tok-1");
        assertThat(op.nextField()).isEqualTo(DirectoryOp.STRING);
        assertThat(op.stringValue()).isEqualTo("골드");
        assertThat(op.nextField()).isEqualTo(DirectoryOp.CONSENT_FIELD);
        assertThat(op.fieldConsentChannel()).isEqualTo(1);
        assertThat(op.fieldConsentSet()).isEqualTo(1);
        assertThat(op.fieldConsentClear()).isZero();
        assertThat(op.longValue()).isEqualTo(55L);
        assertThat(op.fieldConsentSource()).isEqualTo("csv import");
        assertThat(op.nextField()).isZero();
    }

    @Test
    void consentOptOutAndTokenRoundTrip()
    {
        writer.consent("cust-1", 1, 3, 4, 123L, "signup form");
        assertThat(read()).isNull();
        assertThat(op.consentChannel()).isEqualTo(1);
        assertThat(op.consentSet()).isEqualTo(3);
        assertThat(op.consentClear()).isEqualTo(4);
        assertThat(op.consentAtEpochMs()).isEqualTo(123L);
        assertThat(op.source()).isEqualTo("signup form");

        writer.optOut("0801234567", "01012345678", true, 9L, "080 call");
        assertThat(read()).isNull();
        assertThat(op.subject()).isEqualTo("0801234567");
        assertThat(new String(op.buffer(), op.phoneOffset(), op.phoneLength())).isEqualTo("01012345678");
        assertThat(op.optOutRemoved()).isTrue();
        assertThat(op.optOutAtEpochMs()).isEqualTo(9L);
        assertThat(op.source()).isEqualTo("080 call");

        writer.invalidateToken("apns", "abc");
        assertThat(read()).isNull();
        assertThat(new String(op.buffer(), op.tokenOffset(), op.tokenLength())).isEqualTo("abc");
    }

    @Test
    void badOpsAreNamed()
    {
        assertThat(read(writer.upsert("c").string("gender", "Q"))).contains("gender");
        assertThat(read(writer.upsert("c").integer("region", 3))).contains("'region' must be STRING");
        assertThat(read(writer.upsert("c").string("Bad Name", "x"))).contains("field name 'Bad Name'");
        assertThat(read(writer.upsert("c").unset("region"))).contains("PATCH only");
        assertThat(read(writer.patch("c").unset("region"))).isNull();
        assertThat(read(writer.upsert("c").string("phone", "010-1234"))).contains("phone");
        assertThat(read(writer.upsert("c").pushToken("gcm", "t"))).contains("platform 'gcm'");
        assertThat(read(writer.upsert(""))).contains("recipient id length 0");
        assertThat(read(writer.consent("c", 9, 1, 0, 0, ""))).contains("channel 9");
        assertThat(read(writer.consent("c", 1, 1, 1, 0, ""))).contains("both set and cleared");
        assertThat(read(writer.optOut("080", "abc", false, 0, ""))).contains("phone");
        assertThat(read(writer.invalidateToken("web", "t"))).contains("platform");
        assertThat(read(writer.upsert("c").consentField("fax", 1, 0, 0, ""))).contains("consent channel 'fax'");
        assertThat(read(writer.upsert("c").consentField("sms", 8, 0, 0, ""))).contains("only 1 (ad)");

        final byte[] truncated = writer.upsert("c").string("region", "Seoul").toBytes();
        assertThat(op.wrap(truncated, 0, truncated.length - 2).validate()).contains("'region' value truncated");
        final byte[] badValue = writer.upsert("c").string("region", "Seoul").toBytes();
        badValue[badValue.length - 1] = (byte)0xFF;
        assertThat(op.wrap(badValue, 0, badValue.length).validate()).isEqualTo("field 'region' value: not valid UTF-8");
        final byte[] badSubject = writer.upsert("c").toBytes();
        badSubject[2] = (byte)0x80;
        assertThat(op.wrap(badSubject, 0, badSubject.length).validate()).isEqualTo("subject: not valid UTF-8");
        final byte[] unknownOp = {9, 1, 'c'};
        assertThat(op.wrap(unknownOp, 0, 3).validate()).contains("op 9");
    }

    private String read(final DirectoryOpWriter w)
    {
        return op.wrap(w.buffer(), 0, w.length()).validate();
    }

    private String read()
    {
        return read(writer);
    }
}
