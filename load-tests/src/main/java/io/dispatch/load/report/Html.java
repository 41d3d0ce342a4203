package io.dispatch.load.report;

/** Escaping for text and attribute values in the HTML report. <b>Threading:</b> stateless. */
public final class Html
{
    private Html()
    {
    }

    public static String escape(final String s)
    {
        final StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '<': sb.append("&lt;"); break;
                case '>': sb.append("&gt;"); break;
                case '&': sb.append("&amp;"); break;
                case '"': sb.append("&quot;"); break;
                case '\'': sb.append("&#39;"); break;
                default: sb.append(c);
            }
        }
        return sb.toString();
    }

    /** @return JSON safe to embed in a {@code <script type="application/json">} element. */
    public static String scriptJson(final String json)
    {
        return json.replace("</", "<\\/");
    }
}
