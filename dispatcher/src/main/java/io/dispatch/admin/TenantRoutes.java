package io.dispatch.admin;

import io.dispatch.route.AdminReply;
import io.dispatch.route.AdminRoute;
import io.netty.handler.codec.http.QueryStringDecoder;

/** {@code /tenants}: a tenant's recipients and consent ({@link RecipientRoute}), else its rates and caps. */
public final class TenantRoutes implements AdminRoute
{
    private final RecipientRoute recipients;
    private final RateAdminRoute rates;

    public TenantRoutes(final RecipientRoute recipients, final RateAdminRoute rates)
    {
        this.recipients = recipients;
        this.rates = rates;
    }

    @Override
    public boolean slow(final String path)
    {
        return RecipientRoute.handles(path);
    }

    @Override
    public AdminReply handle(final String method, final QueryStringDecoder uri)
    {
        return RecipientRoute.handles(uri.path()) ? recipients.handle(method, uri) : rates.handle(method, uri);
    }
}
