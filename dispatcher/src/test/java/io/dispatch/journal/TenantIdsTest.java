package io.dispatch.journal;

import io.dispatch.config.ConfigurationException;
import io.dispatch.config.TenantConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantIdsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryTenantsIdWhateverTheListOrder()
    {
        assertThat(ids(resolve("a", "b"))).isEqualTo(Map.of("a", 1, "b", 2));
        assertThat(ids(resolve("b", "a"))).isEqualTo(Map.of("a", 1, "b", 2));
        assertThat(ids(resolve("c", "b", "a"))).as("a new tenant gets a fresh id").isEqualTo(Map.of("a", 1, "b", 2, "c", 3));
    }

    @Test
    void shouldNeverGiveARemovedTenantsIdToAnother()
    {
        resolve("a", "b");
        assertThat(ids(resolve("b", "c"))).isEqualTo(Map.of("b", 2, "c", 3));
        assertThat(ids(resolve("a", "c"))).as("a comes back with its id").isEqualTo(Map.of("a", 1, "c", 3));
    }

    @Test
    void shouldAdoptTheListOrderOfADataDirFromBeforeTheMapping() throws Exception
    {
        Files.createDirectories(dir.resolve("journal"));
        Files.write(dir.resolve("journal").resolve("20261207.cq4"), new byte[16]);
        assertThat(ids(resolve("b", "a"))).isEqualTo(Map.of("b", 1, "a", 2));
        assertThat(ids(resolve("a", "b"))).as("adopted once, then persisted").isEqualTo(Map.of("b", 1, "a", 2));
    }

    @Test
    void shouldUseAPinnedIdForANewTenantAndRefuseOneThatRenumbersAnExistingTenant()
    {
        resolve("a", "b");
        final List<TenantConfig> pinned = List.of(tenant("a", 0), tenant("b", 0), tenant("c", 7), tenant("d", 0));
        assertThat(ids(TenantIds.resolve(dir, number(pinned)))).isEqualTo(Map.of("a", 1, "b", 2, "c", 7, "d", 8));

        assertThatThrownBy(() -> TenantIds.resolve(dir, number(List.of(tenant("a", 2), tenant("b", 0)))))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("configuration key 'tenant.a.id': tenant a has id 1 in ")
            .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> TenantIds.resolve(dir, number(List.of(tenant("e", 1)))))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("configuration key 'tenant.e.id': id 1 belongs to tenant a in ");
        assertThat(ids(resolve("a", "b", "c", "d"))).as("nothing written by a refused start")
            .isEqualTo(Map.of("a", 1, "b", 2, "c", 7, "d", 8));
    }

    @Test
    void shouldNameTheFileAndLineOfACorruptMapping() throws Exception
    {
        Files.writeString(dir.resolve(TenantIds.FILE_NAME), "1 a\nx b\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> resolve("a", "b"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("configuration key 'data.dir': ")
            .hasMessageContaining(TenantIds.FILE_NAME + " line 2: expected a unique '<id> <name>', got 'x b'");
    }

    private List<TenantConfig> resolve(final String... names)
    {
        final List<TenantConfig> configured = new ArrayList<>();
        for (final String name : names)
        {
            configured.add(tenant(name, 0));
        }
        return TenantIds.resolve(dir, number(configured));
    }

    private static TenantConfig tenant(final String name, final int pinned)
    {
        return new TenantConfig(0, name, name + "-key", pinned);
    }

    /** As {@link TenantConfig#readAll} does: by list position. */
    private static List<TenantConfig> number(final List<TenantConfig> tenants)
    {
        final List<TenantConfig> out = new ArrayList<>();
        for (int i = 0; i < tenants.size(); i++)
        {
            out.add(tenants.get(i).withId(i + 1));
        }
        return out;
    }

    private static Map<String, Integer> ids(final List<TenantConfig> tenants)
    {
        final Map<String, Integer> out = new TreeMap<>();
        tenants.forEach(t -> out.put(t.name(), t.id()));
        return out;
    }
}
