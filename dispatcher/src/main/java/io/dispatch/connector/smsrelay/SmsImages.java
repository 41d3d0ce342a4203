package io.dispatch.connector.smsrelay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * MMS images: resolves a message's references to files and remembers the relay's attachment id for each file
 * already uploaded, so an image used by a whole campaign is uploaded once.
 * <ul>
 *   <li>an id ({@code spring-sale}) is an image registered through the admin API for the message's tenant:
 *       {@code <images.dir>/<tenant>/<id>.jpg}; one tenant cannot name another's images;</li>
 *   <li>{@code file:<path>} is any JPEG under {@code images.allowedDir}; without that setting paths are refused, so a
 *       sender cannot make the engine read arbitrary files.</li>
 * </ul>
 * Limits are NHN's (SMS API guide, attachments): JPEG only, more than 0 and at most 300 KB, at most 3 per message.
 * <p><b>Note:</b> {@link #resolve} is pure; the id cache is confined to the connector's event loop.
 */
final class SmsImages
{
    static final int MAX_BYTES = 300 * 1024;
    static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,40}");
    static final String FILE_PREFIX = "file:";

    private final Path registered;
    private final Path allowed;
    private final Map<String, Long> relayIds = new HashMap<>();

    SmsImages(final Path registered, final Path allowed)
    {
        this.registered = registered.toAbsolutePath().normalize();
        this.allowed = allowed == null ? null : allowed.toAbsolutePath().normalize();
    }

    /** @return where a registered image of {@code tenant} lives, or null when the tenant or id cannot name a file. */
    static Path registeredFile(final Path dir, final String tenant, final String id)
    {
        if (!ID.matcher(id).matches() || !ID.matcher(tenant).matches())
        {
            return null;
        }
        return dir.resolve(tenant).resolve(id + ".jpg");
    }

    /** @return the file a reference names, or null when it may not be used. */
    Path resolve(final String tenant, final String ref)
    {
        if (ref.startsWith(FILE_PREFIX))
        {
            if (allowed == null)
            {
                return null;
            }
            final Path p = Path.of(ref.substring(FILE_PREFIX.length())).toAbsolutePath().normalize();
            return p.startsWith(allowed) ? p : null;
        }
        return registeredFile(registered, tenant, ref);
    }

    /** @return why the bytes are not a sendable MMS image, or null. */
    static String problem(final byte[] bytes)
    {
        if (bytes.length == 0 || bytes.length > MAX_BYTES)
        {
            return "size " + bytes.length + " bytes is outside 1.." + MAX_BYTES;
        }
        if (bytes.length < 3 || (bytes[0] & 0xFF) != 0xFF || (bytes[1] & 0xFF) != 0xD8 || (bytes[2] & 0xFF) != 0xFF)
        {
            return "not a JPEG (the relay takes .jpg/.jpeg only)";
        }
        return null;
    }

    /** @return the cache key of a file's current content (path, size, modification time). */
    static String key(final Path file) throws IOException
    {
        return file + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis();
    }

    Long relayId(final String key)
    {
        return relayIds.get(key);
    }

    void remember(final String key, final long fileId)
    {
        relayIds.put(key, fileId);
    }

    /** The relay expired its copies (-2004): every image is uploaded again. */
    void forgetAll()
    {
        relayIds.clear();
    }
}
