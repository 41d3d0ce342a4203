package io.dispatch.connector.smsrelay;

/** The three Korean message types a relay sends, each with its own endpoint, price and receipt timeout. */
enum SmsType
{
    SMS, LMS, MMS
}
