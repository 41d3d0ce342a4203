package io.dispatch.connector;

import io.dispatch.protocol.SubmitFlyweight;
import io.dispatch.protocol.VarCursor;

import java.nio.charset.StandardCharsets;

/** Fills {@code #{name}} placeholders from a SUBMIT's variables. Unknown names are left as they are. */
public final class TemplateRenderer
{
    private TemplateRenderer()
    {
    }

    public static String render(final String template, final SubmitFlyweight submit)
    {
        final StringBuilder out = new StringBuilder(template.length() + 32);
        int i = 0;
        while (i < template.length())
        {
            final int open = template.indexOf("#{", i);
            final int close = open < 0 ? -1 : template.indexOf('}', open + 2);
            if (open < 0 || close < 0)
            {
                out.append(template, i, template.length());
                break;
            }
            out.append(template, i, open);
            final String name = template.substring(open + 2, close);
            final String value = variable(submit, name);
            out.append(value != null ? value : template.substring(open, close + 1));
            i = close + 1;
        }
        return out.toString();
    }

    /** @return the value of variable {@code name}, or null. */
    public static String variable(final SubmitFlyweight submit, final String name)
    {
        final VarCursor vars = submit.vars();
        return vars.find(name.getBytes(StandardCharsets.UTF_8)) ? vars.value() : null;
    }
}
