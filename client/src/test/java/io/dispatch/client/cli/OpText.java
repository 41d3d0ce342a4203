package io.dispatch.client.cli;

import io.dispatch.protocol.DirectoryOp;

/** Renders an encoded directory op as one readable line, for assertions. */
final class OpText
{
    private OpText()
    {
    }

    static String of(final byte[] op)
    {
        final DirectoryOp r = new DirectoryOp().wrap(op, 0, op.length);
        final String problem = r.validate();
        if (problem != null)
        {
            return "INVALID " + problem;
        }
        final StringBuilder sb = new StringBuilder();
        switch (r.op())
        {
            case DirectoryOp.UPSERT -> sb.append("UPSERT ").append(r.subject());
            case DirectoryOp.DELETE -> sb.append("DELETE ").append(r.subject());
            case DirectoryOp.CONSENT -> sb.append("CONSENT ").append(r.subject()).append(" channel=")
                .append(r.consentChannel()).append(" set=").append(r.consentSet()).append(" clear=")
                .append(r.consentClear()).append(" source=").append(r.source());
            case DirectoryOp.OPT_OUT -> sb.append("OPT_OUT ").append(r.subject()).append(' ')
                .append(new String(op, r.phoneOffset(), r.phoneLength())).append(r.optOutRemoved() ? " removed" : "")
                .append(" source=").append(r.source());
            default -> sb.append("op ").append(r.op());
        }
        if (r.op() == DirectoryOp.UPSERT)
        {
            r.resetFields();
            byte type;
            while ((type = r.nextField()) != 0)
            {
                sb.append(' ');
                switch (type)
                {
                    case DirectoryOp.STRING -> sb.append(r.name()).append('=').append(r.stringValue());
                    case DirectoryOp.INT -> sb.append(r.name()).append("=#").append(r.longValue());
                    case DirectoryOp.TIME -> sb.append(r.name()).append("=@").append(r.longValue());
                    case DirectoryOp.TAG_ADD -> sb.append("tag:").append(r.name());
                    case DirectoryOp.PUSH_TOKEN -> sb.append(r.name()).append(':').append(r.stringValue());
                    case DirectoryOp.CONSENT_FIELD -> sb.append("consent_").append(r.name()).append("=+")
                        .append(r.fieldConsentSet()).append("-").append(r.fieldConsentClear());
                    default -> sb.append(DirectoryOp.typeName(type)).append(':').append(r.name());
                }
            }
        }
        return sb.toString();
    }
}
