package io.dispatch.directory;

import io.dispatch.protocol.DirectoryOp;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies validated {@link DirectoryOp}s to a {@link TenantDirectory} all or nothing: a first pass over the
 * fields finds every rejection (a custom attribute used with another type than its first use, a token
 * list over {@link PushTokens#MAX_TOKENS}); only then does the second pass change anything.
 * <b>Note:</b> single-threaded; one per {@link Directory}.
 */
final class OpApplier
{
    private final List<String> newNames = new ArrayList<>();
    private final List<Byte> newTypes = new ArrayList<>();

    String apply(final TenantDirectory t, final DirectoryOp op, final long atMs)
    {
        final byte[] b = op.buffer();
        switch (op.op())
        {
            case DirectoryOp.UPSERT:
            case DirectoryOp.PATCH:
                return applyProfile(t, op, atMs);
            case DirectoryOp.DELETE:
            {
                final int ordinal = t.ordinal(b, op.subjectOffset(), op.subjectLength());
                if (ordinal >= 0)
                {
                    t.delete(ordinal);
                }
                return null;
            }
            case DirectoryOp.CONSENT:
            {
                final int ordinal = findOrCreate(t, op);
                final long at = op.consentAtEpochMs() == 0 ? atMs : op.consentAtEpochMs();
                t.consent.apply(ordinal, op.consentChannel(), op.consentSet(), op.consentClear(), at, b,
                    op.sourceLengthAt());
                return null;
            }
            case DirectoryOp.OPT_OUT:
            {
                final long at = op.optOutAtEpochMs() == 0 ? atMs : op.optOutAtEpochMs();
                t.optOuts.apply(b, op.subjectOffset(), op.subjectLength(), op.phoneOffset(), op.phoneLength(),
                    op.optOutRemoved(), at, op.sourceLengthAt());
                return null;
            }
            case DirectoryOp.INVALIDATE_TOKEN:
                t.push.invalidate(op.subjectLength() == 3, b, op.tokenOffset(), op.tokenLength());
                return null;
            default:
                return "op " + op.op();
        }
    }

    private String applyProfile(final TenantDirectory t, final DirectoryOp op, final long atMs)
    {
        final boolean upsert = op.op() == DirectoryOp.UPSERT;
        final int existing = t.ordinal(op.buffer(), op.subjectOffset(), op.subjectLength());
        final String problem = check(t, op, upsert || existing < 0 ? 0 : t.push.count(existing));
        if (problem != null)
        {
            return problem;
        }
        final int ordinal;
        if (existing < 0)
        {
            ordinal = t.create(op.buffer(), op.subjectOffset(), op.subjectLength());
        }
        else
        {
            ordinal = existing;
            if (upsert)
            {
                t.clearProfile(ordinal);
            }
        }
        final byte[] b = op.buffer();
        op.resetFields();
        byte type;
        while ((type = op.nextField()) != 0)
        {
            switch (type)
            {
                case DirectoryOp.STRING:
                {
                    final Attribute a = attributeFor(t, op, type);
                    if (a instanceof AddressAttribute)
                    {
                        ((AddressAttribute)a).set(ordinal, b, op.valueOffset(), op.valueLength());
                    }
                    else
                    {
                        ((StringAttribute)a).set(ordinal, b, op.valueOffset(), op.valueLength());
                    }
                    break;
                }
                case DirectoryOp.INT:
                case DirectoryOp.TIME:
                    ((NumberAttribute)attributeFor(t, op, type)).set(ordinal, op.longValue());
                    break;
                case DirectoryOp.TAG_ADD:
                    t.tags.add(ordinal, b, op.nameOffset(), op.nameLength());
                    break;
                case DirectoryOp.TAG_REMOVE:
                    t.tags.remove(ordinal, b, op.nameOffset(), op.nameLength());
                    break;
                case DirectoryOp.UNSET:
                {
                    final Attribute a = t.attribute(b, op.nameOffset(), op.nameLength());
                    if (a != null)
                    {
                        a.unset(ordinal);
                    }
                    break;
                }
                case DirectoryOp.PUSH_TOKEN:
                    t.push.add(ordinal, op.nameIs("fcm"), b, op.valueOffset(), op.valueLength());
                    break;
                case DirectoryOp.PUSH_TOKEN_REMOVE:
                    t.push.remove(ordinal, op.nameIs("fcm"), b, op.valueOffset(), op.valueLength());
                    break;
                case DirectoryOp.CONSENT_FIELD:
                    t.consent.apply(ordinal, op.fieldConsentChannel(), op.fieldConsentSet(), op.fieldConsentClear(),
                        op.longValue() == 0 ? atMs : op.longValue(), b, op.valueOffset() + 12);
                    break;
                default:
                    break;
            }
        }
        return null;
    }

    /** The first pass: @return the reason to reject the whole op, or null. */
    private String check(final TenantDirectory t, final DirectoryOp op, final int tokensBefore)
    {
        newNames.clear();
        newTypes.clear();
        int tokens = tokensBefore;
        op.resetFields();
        byte type;
        while ((type = op.nextField()) != 0)
        {
            if (type == DirectoryOp.STRING || type == DirectoryOp.INT || type == DirectoryOp.TIME)
            {
                final Attribute a = t.attribute(op.buffer(), op.nameOffset(), op.nameLength());
                if (a != null)
                {
                    if (a.type != type)
                    {
                        return typeConflict(a.name, a.type, type);
                    }
                    continue;
                }
                // A name the tenant has never seen: the slow path, once per new attribute.
                final String name = op.name();
                if ("age".equals(name))
                {
                    return "field 'age': age is derived from birth_year, set birth_year";
                }
                final int pending = newNames.indexOf(name);
                if (pending < 0)
                {
                    newNames.add(name);
                    newTypes.add(type);
                }
                else if (newTypes.get(pending) != type)
                {
                    return typeConflict(name, newTypes.get(pending), type);
                }
            }
            else if (type == DirectoryOp.PUSH_TOKEN && ++tokens > PushTokens.MAX_TOKENS)
            {
                return "push tokens: more than " + PushTokens.MAX_TOKENS + " per recipient";
            }
        }
        return null;
    }

    private static String typeConflict(final String name, final byte fixed, final byte type)
    {
        return "field '" + name + "' is " + DirectoryOp.typeName(fixed) + " in this tenant, not "
            + DirectoryOp.typeName(type);
    }

    private static Attribute attributeFor(final TenantDirectory t, final DirectoryOp op, final byte type)
    {
        final Attribute a = t.attribute(op.buffer(), op.nameOffset(), op.nameLength());
        return a != null ? a : t.addAttribute(op.name(), type);
    }

    private static int findOrCreate(final TenantDirectory t, final DirectoryOp op)
    {
        final int ordinal = t.ordinal(op.buffer(), op.subjectOffset(), op.subjectLength());
        return ordinal >= 0 ? ordinal : t.create(op.buffer(), op.subjectOffset(), op.subjectLength());
    }
}
