package io.dispatch.journal;

import io.dispatch.config.Configuration;
import io.dispatch.config.ConfigurationException;
import io.dispatch.config.TenantConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The persisted tenant name → id mapping, {@code <data.dir>/tenant-ids}: one {@code <id> <name>} line per tenant
 * ever configured. Ids are baked into state that outlives the process (the idempotency-key hash in every
 * ACCEPTED record, directory snapshots), so a tenant keeps its id whatever the order of the {@code tenants} list;
 * a new tenant gets an id never used before; a tenant removed from the list keeps its line, and its id if it
 * comes back. A data dir with a journal but no mapping (written by an engine before the mapping existed) adopts
 * the list order, which is how that engine numbered its tenants. See docs/design/tenants.md.
 */
public final class TenantIds
{
    public static final String FILE_NAME = "tenant-ids";
    private static final Logger LOG = LoggerFactory.getLogger(TenantIds.class);

    private TenantIds()
    {
    }

    /**
     * Gives each configured tenant its persisted id, assigns and durably records ids for new ones (before any
     * of them is used), and refuses a {@code tenant.<name>.id} that contradicts the mapping, or a corrupt file.
     *
     * @return the tenants in configured order with their persisted ids.
     */
    public static List<TenantConfig> resolve(final Path dataDir, final List<TenantConfig> configured)
    {
        final Path file = dataDir.resolve(FILE_NAME);
        final Map<String, Integer> known = Files.exists(file) ? read(file) : adoptListOrder(dataDir, configured);
        final Map<Integer, String> nameById = new HashMap<>();
        int maxId = 0;
        for (final Map.Entry<String, Integer> e : known.entrySet())
        {
            nameById.put(e.getValue(), e.getKey());
            maxId = Math.max(maxId, e.getValue());
        }
        for (final TenantConfig t : configured)
        {
            final String key = Configuration.TENANT_PREFIX + t.name() + "." + Configuration.TENANT_ID;
            final Integer id = known.get(t.name());
            final String holder = nameById.get(t.pinnedId());
            if (t.pinnedId() != 0 && id != null && id != t.pinnedId())
            {
                throw new ConfigurationException(key, "tenant " + t.name() + " has id " + id + " in " + file +
                    "; another id would hand its idempotency keys and directory to a different tenant: set " + id +
                    " or remove the key");
            }
            if (t.pinnedId() != 0 && holder != null && !holder.equals(t.name()))
            {
                throw new ConfigurationException(key, "id " + t.pinnedId() + " belongs to tenant " + holder + " in " +
                    file + "; choose an id not in that file or remove the key");
            }
            if (t.pinnedId() != 0)
            {
                nameById.putIfAbsent(t.pinnedId(), t.name());
                maxId = Math.max(maxId, t.pinnedId());
            }
        }

        final List<TenantConfig> out = new ArrayList<>(configured.size());
        boolean changed = !Files.exists(file);
        for (final TenantConfig t : configured)
        {
            Integer id = known.get(t.name());
            if (id == null)
            {
                id = t.pinnedId() != 0 ? t.pinnedId() : ++maxId;
                if (id >= TenantConfig.MAX_TENANTS)
                {
                    throw new ConfigurationException(Configuration.TENANTS_PROP_NAME, "tenant " + t.name() +
                        " would get id " + id + "; ids are never reused and at most " + (TenantConfig.MAX_TENANTS - 1) +
                        " exist (" + file + ")");
                }
                known.put(t.name(), id);
                nameById.put(id, t.name());
                changed = true;
                LOG.info("event=tenant_id_assigned tenant={} id={}", t.name(), id);
            }
            out.add(t.withId(id));
        }
        if (changed)
        {
            write(file, known);
        }
        return List.copyOf(out);
    }

    /** A data dir from before the mapping: its journal numbered tenants by list position (pins included). */
    private static Map<String, Integer> adoptListOrder(final Path dataDir, final List<TenantConfig> configured)
    {
        final Map<String, Integer> ids = new LinkedHashMap<>();
        if (!hasJournal(dataDir))
        {
            return ids;
        }
        for (final TenantConfig t : configured)
        {
            ids.put(t.name(), t.id());
        }
        LOG.info("event=tenant_ids_adopted order={} (data dir without {}: the list order numbered its journal)",
            ids, FILE_NAME);
        return ids;
    }

    private static boolean hasJournal(final Path dataDir)
    {
        final Path journal = dataDir.resolve("journal");
        if (!Files.isDirectory(journal))
        {
            return false;
        }
        try (Stream<Path> files = Files.list(journal))
        {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".cq4"));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + journal, ex);
        }
    }

    private static Map<String, Integer> read(final Path file)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file, ex);
        }
        final Map<String, Integer> ids = new LinkedHashMap<>();
        final Map<Integer, String> names = new HashMap<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final int space = line.indexOf(' ');
            int id = -1;
            try
            {
                id = space > 0 ? Integer.parseInt(line.substring(0, space)) : -1;
            }
            catch (final NumberFormatException ignore)
            {
                // reported below with the line
            }
            final String name = space > 0 ? line.substring(space + 1) : "";
            if (id < 1 || id >= TenantConfig.MAX_TENANTS || name.isEmpty() || ids.containsKey(name) ||
                names.containsKey(id))
            {
                throw new ConfigurationException(Configuration.DATA_DIR_PROP_NAME, file + " line " + (i + 1) +
                    ": expected a unique '<id> <name>', got '" + line +
                    "'; restore the file from a backup of the data dir (it numbers the tenants of this journal)");
            }
            ids.put(name, id);
            names.put(id, name);
        }
        return ids;
    }

    /** Written to a temporary file, forced, then renamed over the old one: a crash leaves the old or the new. */
    private static void write(final Path file, final Map<String, Integer> ids)
    {
        final StringBuilder text = new StringBuilder(
            "# tenant ids of this data dir: never edit an id (see docs/design/tenants.md)\n");
        ids.forEach((name, id) -> text.append(id).append(' ').append(name).append('\n'));
        final Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try
        {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                ch.write(java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ))
            {
                dir.force(true);
            }
            catch (final IOException ex)
            {
                // some file systems cannot open a directory; the rename is still atomic there
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
    }
}
