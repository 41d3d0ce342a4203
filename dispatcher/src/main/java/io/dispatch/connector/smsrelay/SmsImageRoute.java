package io.dispatch.connector.smsrelay;

import io.dispatch.route.AdminReply;
import io.dispatch.route.AdminRoute;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;

/**
 * Admin API for MMS images, per tenant (behind the admin token like every routed admin path):
 * <ul>
 *   <li>{@code PUT /mms-images/<tenant>/<id>} with the JPEG as the raw body stores it as
 *       {@code <data.dir>/mms-images/<tenant>/<id>.jpg} (replacing an earlier one; written to a temporary file
 *       and moved, so a connector never reads half an image);</li>
 *   <li>{@code GET /mms-images/<tenant>/<id>} answers its size, {@code DELETE} removes it.</li>
 * </ul>
 * A message of that tenant names it with the variable {@code sms.images=<id>}. The relay's limits are checked at
 * upload (JPEG, 1 byte to 300 KB), so a bad image fails here, with a reason, and not in a campaign.
 * <p>Runs on the admin thread; the files are small, so the blocking write is brief.
 */
public final class SmsImageRoute implements AdminRoute
{
    /** Under the data dir. */
    public static final String DIRECTORY = "mms-images";
    public static final String PREFIX = "/mms-images/";

    private final Path dir;
    private final Set<String> tenants;

    public SmsImageRoute(final Path dir, final Set<String> tenants)
    {
        this.dir = dir;
        this.tenants = tenants;
    }

    @Override
    public AdminReply handle(final String method, final QueryStringDecoder uri)
    {
        return handle(method, uri, new byte[0]);
    }

    @Override
    public AdminReply handle(final String method, final QueryStringDecoder uri, final byte[] body)
    {
        final String[] segments = uri.path().substring(PREFIX.length()).split("/", -1);
        if (segments.length != 2)
        {
            return new AdminReply(404, "use /mms-images/<tenant>/<id>\n");
        }
        final String tenant = segments[0];
        final String id = segments[1];
        if (!tenants.contains(tenant))
        {
            return new AdminReply(404, "no tenant '" + tenant + "'\n");
        }
        final Path file = SmsImages.registeredFile(dir, tenant, id);
        if (file == null)
        {
            return AdminReply.badRequest("image id '" + id + "': use 1-40 letters, digits, '_' or '-'"
                + " (and a tenant name of the same characters)");
        }
        try
        {
            switch (method)
            {
                case "PUT":
                case "POST":
                    return store(tenant, id, file, body);
                case "GET":
                    return Files.exists(file)
                        ? AdminReply.ok("{\"tenant\":\"" + tenant + "\",\"id\":\"" + id + "\",\"bytes\":" + Files.size(file) + "}\n")
                        : new AdminReply(404, "no image '" + id + "' for tenant '" + tenant + "'\n");
                case "DELETE":
                    return Files.deleteIfExists(file) ? AdminReply.ok("{\"deleted\":true}\n")
                        : new AdminReply(404, "no image '" + id + "' for tenant '" + tenant + "'\n");
                default:
                    return new AdminReply(405, "PUT (upload), GET or DELETE\n");
            }
        }
        catch (final IOException ex)
        {
            return new AdminReply(500, "cannot access " + file + ": " + ex.getMessage() + "\n");
        }
    }

    private AdminReply store(final String tenant, final String id, final Path file, final byte[] body)
        throws IOException
    {
        final String problem = SmsImages.problem(body);
        if (problem != null)
        {
            return AdminReply.badRequest("image '" + id + "' refused: " + problem
                + "; the relay takes JPEG files of at most " + SmsImages.MAX_BYTES + " bytes");
        }
        Files.createDirectories(file.getParent());
        final Path tmp = file.resolveSibling(id + ".jpg.tmp");
        Files.write(tmp, body);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return AdminReply.ok("{\"tenant\":\"" + tenant + "\",\"id\":\"" + id + "\",\"bytes\":" + body.length + "}\n");
    }
}
