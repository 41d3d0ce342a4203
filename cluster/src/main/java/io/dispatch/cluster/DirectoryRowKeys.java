package io.dispatch.cluster;

import io.dispatch.protocol.DirectoryOp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The key of a recipient's op on the compacted directory topic, chosen so that compaction never loses an op's
 * effect: the recipient's key ({@link DirectoryRows#recipientKey}, which also picks the partition), 0, then a digest
 * of the exact set of fields the op sets. Compaction keeps the latest record of each key; an op superseded that way
 * set the same fields as a later op of the same recipient, which sets each of them again. So for every field the last
 * op that set it survives, and a reader applying what survived in offset order (one partition, so in order) ends with
 * every field as a reader of the whole log would. Keying by recipient alone kept only the latest op, and a reader
 * after compaction lost every earlier PATCH of other fields.
 * <p>
 * The fields of an op: each attribute or address it sets or unsets (with its type), each tag it adds or removes, each
 * push token it adds or removes, and each consent flag per channel it sets or clears; an UPSERT also sets the whole
 * profile (it clears what it does not list), a DELETE everything. Two ops share a key only when they name the same
 * fields, so the later one sets everything the earlier one did. The topic then holds
 * one live record per recipient and distinct field set used, not one per op.
 */
final class DirectoryRowKeys
{
    private static final int DIGEST_BYTES = 16;

    private DirectoryRowKeys()
    {
    }

    /** @param op a recipient's op (UPSERT, PATCH, DELETE or CONSENT), validated. */
    static byte[] key(final byte[] recipientKey, final DirectoryOp op)
    {
        final List<String> fields = new ArrayList<>();
        switch (op.op())
        {
            case DirectoryOp.UPSERT ->
            {
                fields.add("*profile");
                profileFields(op, fields);
            }
            case DirectoryOp.PATCH -> profileFields(op, fields);
            case DirectoryOp.CONSENT -> consentFields(op.consentChannel(), op.consentSet() | op.consentClear(), fields);
            default -> fields.add("*all"); // DELETE
        }
        fields.sort(null);
        final MessageDigest sha;
        try
        {
            sha = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every Java platform has SHA-256", ex);
        }
        for (final String f : fields)
        {
            sha.update(f.getBytes(StandardCharsets.UTF_8));
            sha.update((byte)0);
        }
        final byte[] key = Arrays.copyOf(recipientKey, recipientKey.length + 1 + DIGEST_BYTES);
        System.arraycopy(sha.digest(), 0, key, recipientKey.length + 1, DIGEST_BYTES);
        return key;
    }

    private static void profileFields(final DirectoryOp op, final List<String> fields)
    {
        op.resetFields();
        byte type;
        while ((type = op.nextField()) != 0)
        {
            switch (type)
            {
                case DirectoryOp.TAG_ADD, DirectoryOp.TAG_REMOVE -> fields.add("tag " + op.name());
                case DirectoryOp.PUSH_TOKEN, DirectoryOp.PUSH_TOKEN_REMOVE ->
                    fields.add("token " + op.name() + " " + op.stringValue());
                case DirectoryOp.CONSENT_FIELD ->
                    consentFields(op.fieldConsentChannel(), op.fieldConsentSet() | op.fieldConsentClear(), fields);
                default -> fields.add("attribute " + op.name() + " " + type); // STRING, INT, TIME, UNSET
            }
        }
    }

    /** Channel 0 ({@code all}) is named as such: two ops share a key only if they set the very same flags. */
    private static void consentFields(final int channel, final int flags, final List<String> fields)
    {
        for (int flag = 1; flag <= 0x8000; flag <<= 1)
        {
            if ((flags & flag) != 0)
            {
                fields.add("consent " + channel + " " + flag);
            }
        }
    }
}
